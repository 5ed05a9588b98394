package dev.plumbline.kernels.cuda;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.backend.Backend;
import dev.plumbline.tensor.backend.BackendProvider;
import dev.plumbline.tensor.backend.Backends;
import dev.plumbline.tensor.backend.RandomKind;
import dev.plumbline.tensor.backend.cpu.CpuBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * CUDA kernels against the CPU reference on fresh random inputs (a few shapes per family, incl.
 * edges that are not multiples of the tiles). Skips, saying why, where no CUDA device is usable.
 * The full cross-backend suite lives in the tests module; this one keeps the CUDA-specific paths
 * (own GEMM layouts, BF16 mma, attention offsets) covered from the kernels module.
 */
class CudaKernelsGpuTest {
    static Backend gpu;
    static final Backend CPU = CpuBackend.INSTANCE;
    final Random rnd = dev.plumbline.testing.TestSeeds.random("CudaKernelsGpuTest");

    /** Per test (not @BeforeAll) so that each skipped test is reported with the reason. */
    @BeforeEach
    void open() {
        BackendProvider.Availability a = new CudaBackendProvider().probe();
        assumeTrue(a.available(), "no usable CUDA device, GPU test skipped: " + a.reason());
        gpu = Backends.get(Device.cuda(0));
    }

    float[] randn(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) rnd.nextGaussian();
        }
        return f;
    }

    static Tensor on(Backend b, float[] data, int... shape) {
        return Tensor.view(b.upload(data, DType.F32), shape, CudaBackend.contiguousStrides(shape), 0);
    }

    static Tensor empty(Backend b, DType t, int... shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return Tensor.view(b.allocate(t, n), shape, CudaBackend.contiguousStrides(shape), 0);
    }

    static void close(float[] ref, float[] got, double atol, double rtol, String what) {
        assertTrue(ref.length == got.length, what + ": length");
        for (int i = 0; i < ref.length; i++) {
            boolean ok = Float.isNaN(ref[i]) ? Float.isNaN(got[i])
                    : ref[i] == got[i] || Math.abs(ref[i] - got[i]) <= atol + rtol * Math.abs(ref[i]);
            assertTrue(ok, what + ": element " + i + " cpu " + ref[i] + " cuda " + got[i]);
        }
    }

    @Test
    void matmulAllLayoutsAndEdges() {
        int[][] shapes = {{1, 1, 1}, {7, 5, 3}, {129, 130, 67}, {256, 128, 64}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = randn(m * k), b = randn(k * n);
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    Tensor ca = ta ? on(CPU, a, k, m).transpose(0, 1) : on(CPU, a, m, k);
                    Tensor cb = tb ? on(CPU, b, n, k).transpose(0, 1) : on(CPU, b, k, n);
                    Tensor ga = ta ? on(gpu, a, k, m).transpose(0, 1) : on(gpu, a, m, k);
                    Tensor gb = tb ? on(gpu, b, n, k).transpose(0, 1) : on(gpu, b, k, n);
                    Tensor co = empty(CPU, DType.F32, m, n), go = empty(gpu, DType.F32, m, n);
                    CPU.matmul(ca, cb, co);
                    gpu.matmul(ga, gb, go);
                    close(CPU.downloadFloats(co), gpu.downloadFloats(go), 1e-4 * k, 1e-4,
                            "matmul " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb);
                }
            }
        }
    }

    @Test
    void bf16MatmulMatchesRoundedInputs() {
        int m = 200, n = 136, k = 72;
        float[] a = randn(m * k), b = randn(k * n);
        float[] ar = new float[a.length], br = new float[b.length];
        for (int i = 0; i < a.length; i++) {
            ar[i] = Float.intBitsToFloat((CudaBackend.toBf16(a[i]) & 0xFFFF) << 16);
        }
        for (int i = 0; i < b.length; i++) {
            br[i] = Float.intBitsToFloat((CudaBackend.toBf16(b[i]) & 0xFFFF) << 16);
        }
        Tensor co = empty(CPU, DType.F32, m, n), go = empty(gpu, DType.F32, m, n);
        CPU.matmul(on(CPU, ar, m, k), on(CPU, br, k, n), co);
        Tensor ga = Tensor.view(gpu.upload(a, DType.BF16), new int[] {m, k}, new int[] {k, 1}, 0);
        Tensor gb = Tensor.view(gpu.upload(b, DType.BF16), new int[] {k, n}, new int[] {n, 1}, 0);
        gpu.matmul(ga, gb, go);
        close(CPU.downloadFloats(co), gpu.downloadFloats(go), 1e-3 * k, 1e-3, "bf16 matmul");
    }

    @Test
    void uniformAndBernoulliAreBitExact() {
        long seed = rnd.nextLong(), off = rnd.nextInt(1000);
        Tensor c = empty(CPU, DType.F32, 1003), g = empty(gpu, DType.F32, 1003);
        CPU.random(c, RandomKind.UNIFORM, seed, off, -2f, 3f);
        gpu.random(g, RandomKind.UNIFORM, seed, off, -2f, 3f);
        assertArrayEquals(CPU.downloadFloats(c), gpu.downloadFloats(g));
        CPU.random(c, RandomKind.NORMAL, seed, off, 1f, 2f);
        gpu.random(g, RandomKind.NORMAL, seed, off, 1f, 2f);
        close(CPU.downloadFloats(c), gpu.downloadFloats(g), 2e-5, 1e-5, "normal");
    }

    @Test
    void softmaxLayerNormCrossEntropy() {
        int r = 37, v = 1000;
        float[] x = randn(r * v);
        for (boolean log : new boolean[] {false, true}) {
            Tensor co = empty(CPU, DType.F32, r, v), go = empty(gpu, DType.F32, r, v);
            CPU.softmax(on(CPU, x, r, v), log, co);
            gpu.softmax(on(gpu, x, r, v), log, go);
            close(CPU.downloadFloats(co), gpu.downloadFloats(go), 1e-6, 1e-4, "softmax log=" + log);
        }
        Tensor cm = empty(CPU, DType.F32, r), cr = empty(CPU, DType.F32, r), co = empty(CPU, DType.F32, r, v);
        Tensor gm = empty(gpu, DType.F32, r), gr = empty(gpu, DType.F32, r), go = empty(gpu, DType.F32, r, v);
        float[] w = randn(v), b = randn(v);
        CPU.layerNorm(on(CPU, x, r, v), on(CPU, w, v), on(CPU, b, v), 1e-5f, co, cm, cr);
        gpu.layerNorm(on(gpu, x, r, v), on(gpu, w, v), on(gpu, b, v), 1e-5f, go, gm, gr);
        close(CPU.downloadFloats(co), gpu.downloadFloats(go), 1e-4, 1e-4, "layernorm");
        close(CPU.downloadFloats(cr), gpu.downloadFloats(gr), 1e-5, 1e-4, "layernorm rstd");
    }

    @Test
    void attentionCausalOffsetAndMask() {
        int b = 2, h = 3, tq = 5, tk = 37, d = 24;
        float[] q = randn(b * h * tq * d), k = randn(b * h * tk * d), v = randn(b * h * tk * d);
        float[] mask = new float[b * tk];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = rnd.nextInt(4) == 0 ? 0f : 1f;
        }
        mask[0] = 0f;
        Tensor co = empty(CPU, DType.F32, b, h, tq, d), cl = empty(CPU, DType.F32, b, h, tq);
        Tensor go = empty(gpu, DType.F32, b, h, tq, d), gl = empty(gpu, DType.F32, b, h, tq);
        float scale = (float) (1 / Math.sqrt(d));
        CPU.attention(on(CPU, q, b, h, tq, d), on(CPU, k, b, h, tk, d), on(CPU, v, b, h, tk, d), on(CPU, mask, b, tk), true,
                scale, co, cl);
        gpu.attention(on(gpu, q, b, h, tq, d), on(gpu, k, b, h, tk, d), on(gpu, v, b, h, tk, d), on(gpu, mask, b, tk), true,
                scale, go, gl);
        close(CPU.downloadFloats(co), gpu.downloadFloats(go), 1e-4, 1e-4, "attention out");
        close(CPU.downloadFloats(cl), gpu.downloadFloats(gl), 1e-4, 1e-4, "attention lse");
    }
}
