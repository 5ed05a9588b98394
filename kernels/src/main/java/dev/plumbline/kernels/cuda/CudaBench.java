package dev.plumbline.kernels.cuda;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.backend.Backend;
import dev.plumbline.tensor.backend.Backends;
import dev.plumbline.tensor.backend.RandomKind;
import dev.plumbline.tensor.backend.UnaryOp;

import java.util.List;

/**
 * Java side of the GPU benchmark ({@code benchmarks/gpu/run.sh}): times each hot op on cuda:0 and
 * prints one tab-separated line per op: {@code op  shape  ms  maxError}. maxError compares sampled
 * outputs with a float64 host computation. GEMM rows obey {@code -Dplumbline.cuda.gemm}.
 *
 * <pre>{@code
 * java -Dplumbline.cuda.gemm=own -cp ... dev.plumbline.kernels.cuda.CudaBench sgemm_own
 * }</pre>
 */
public final class CudaBench {
    private CudaBench() {}

    static Backend gpu;

    static Tensor t(DType d, int... shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return Tensor.view(gpu.allocate(d, n), shape, CudaBackend.contiguousStrides(shape), 0);
    }

    static Tensor randn(long seed, int... shape) {
        Tensor x = t(DType.F32, shape);
        gpu.random(x, RandomKind.NORMAL, seed, 0, 0f, 1f);
        return x;
    }

    /** Mean milliseconds of {@code body} over enough iterations (after 3 warm-up runs). */
    static double time(Runnable body) {
        for (int i = 0; i < 3; i++) {
            body.run();
        }
        gpu.synchronize();
        int iters = 1;
        while (true) {
            long t0 = System.nanoTime();
            for (int i = 0; i < iters; i++) {
                body.run();
            }
            gpu.synchronize();
            double ms = (System.nanoTime() - t0) / 1e6;
            if (ms > 200 || iters >= 1000) {
                return ms / iters;
            }
            iters *= 4;
        }
    }

    static void row(String op, String shape, double ms, double err) {
        System.out.printf("%s\t%s\t%.4f\t%.3g%n", op, shape, ms, err);
    }

    /** Max |gemm - float64| over 64 sampled entries of out = a @ b (row-major, n × n). */
    static double gemmError(Tensor a, Tensor b, Tensor out, int n) {
        float[] av = gpu.downloadFloats(a), bv = gpu.downloadFloats(b), ov = gpu.downloadFloats(out);
        java.util.Random r = new java.util.Random(1);
        double err = 0;
        for (int s = 0; s < 64; s++) {
            int i = r.nextInt(n), j = r.nextInt(n);
            double acc = 0;
            for (int k = 0; k < n; k++) {
                acc += (double) av[i * n + k] * bv[k * n + j];
            }
            err = Math.max(err, Math.abs(acc - ov[i * n + j]) / Math.sqrt(n));
        }
        return err;
    }

    public static void main(String[] args) {
        gpu = Backends.get(Device.cuda(0));
        System.err.println("# " + gpu.describe());
        List<String> which = List.of(args.length == 0 ? new String[] {"all"} : args);
        boolean all = which.contains("all");
        int n = 4096;
        if (all || which.contains("sgemm")) {
            Tensor a = randn(1, n, n), b = randn(2, n, n), o = t(DType.F32, n, n);
            double ms = time(() -> gpu.matmul(a, b, o));
            row("sgemm_" + System.getProperty("plumbline.cuda.gemm", "auto"), "4096^3", ms, gemmError(a, b, o, n));
        }
        if (all || which.contains("bgemm")) {
            Tensor a = randn(1, n, n), b = randn(2, n, n), o = t(DType.F32, n, n);
            Tensor ah = t(DType.BF16, n, n), bh = t(DType.BF16, n, n);
            gpu.copy(a, ah);
            gpu.copy(b, bh);
            gpu.copy(ah, a); // round the reference inputs to bf16 too
            gpu.copy(bh, b);
            double ms = time(() -> gpu.matmul(ah, bh, o));
            row("bgemm_" + System.getProperty("plumbline.cuda.gemm", "auto"), "4096^3", ms, gemmError(a, b, o, n));
        }
        if (all || which.contains("copy")) {
            Tensor x = randn(3, 8192, 3072), y = t(DType.F32, 8192, 3072);
            row("copy", "8192x3072", time(() -> gpu.copy(x, y)), Double.NaN);
        }
        if (all || which.contains("gelu")) {
            Tensor x = randn(3, 8192, 3072), y = t(DType.F32, 8192, 3072);
            row("gelu", "8192x3072", time(() -> gpu.unary(UnaryOp.GELU, x, 0, 0, y)), Double.NaN);
        }
        if (all || which.contains("layernorm")) {
            Tensor x = randn(4, 8192, 768), w = randn(5, 768), b = randn(6, 768);
            Tensor y = t(DType.F32, 8192, 768), m = t(DType.F32, 8192), r = t(DType.F32, 8192);
            row("layernorm", "8192x768", time(() -> gpu.layerNorm(x, w, b, 1e-5f, y, m, r)), Double.NaN);
        }
        if (all || which.contains("softmax")) {
            Tensor x = randn(7, 98304, 1024), y = t(DType.F32, 98304, 1024);
            row("softmax", "98304x1024", time(() -> gpu.softmax(x, false, y)), Double.NaN);
        }
        if (all || which.contains("adamw")) {
            int size = 124_000_000 / 4;
            Tensor p = randn(8, size), g = randn(9, size), m = t(DType.F32, size), v = t(DType.F32, size);
            row("adamw", "31M params", time(() -> gpu.adamw(List.of(p), List.of(g), List.of(m), List.of(v), 1e-4f, 0.9f,
                    0.999f, 1e-8f, new float[] {0.1f}, 0.5f, 0.5f)), Double.NaN);
        }
        if (all || which.contains("attention")) {
            int bb = 8, h = 12, tt = 1024, d = 64;
            Tensor q = randn(10, bb, h, tt, d), k = randn(11, bb, h, tt, d), v = randn(12, bb, h, tt, d);
            Tensor o = t(DType.F32, bb, h, tt, d), l = t(DType.F32, bb, h, tt), go = randn(13, bb, h, tt, d);
            Tensor gq = t(DType.F32, bb, h, tt, d), gk = t(DType.F32, bb, h, tt, d), gv = t(DType.F32, bb, h, tt, d);
            float sc = 0.125f;
            row("attention_fwd_bwd", "8x12x1024x64", time(() -> {
                gpu.attention(q, k, v, null, true, sc, o, l);
                gpu.attentionBackward(q, k, v, null, true, sc, o, l, go, gq, gk, gv);
            }), Double.NaN);
        }
    }
}
