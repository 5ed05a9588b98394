package dev.plumbline.tensor.determinism;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.ops.Fused;
import dev.plumbline.tensor.random.Generator;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Prints the SHA-256 of the output bits of CPU kernels on fixed inputs: GEMM of odd shapes (serial and
 * parallel sizes, transposed operands), softmax / log-softmax, cross-entropy, layer norm, reductions,
 * attention (forward and gradients) and elementwise exp / log / tanh / sigmoid / gelu / pow. One line
 * {@code name hash} per case and a final {@code ALL hash}. Run it in JVMs with different SIMD widths
 * ({@code -XX:UseAVX=0}, {@code -XX:MaxVectorSize=16}, ...) and core counts: the lines must match.
 * {@link DeterminismAcrossWidthsTest} does that.
 */
public final class DeterminismHash {
    private DeterminismHash() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "full";
        Map<String, String> h = hashes(!mode.equals("full"), mode.equals("fused"));
        System.out.println("LANES " + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length());
        MessageDigest all = MessageDigest.getInstance("SHA-256");
        for (Map.Entry<String, String> e : h.entrySet()) {
            System.out.println(e.getKey() + " " + e.getValue());
            all.update((e.getKey() + e.getValue()).getBytes());
        }
        System.out.println("ALL " + HexFormat.of().formatHex(all.digest()));
    }

    /**
     * Case name → hash of its output bits.
     *
     * @param quick   fewer and smaller GEMM shapes
     * @param noGemm  no matrix products at all (for JVMs without the FMA intrinsic, where Java's
     *                fma is emulated and the GEMM runs ~16x slower; the other kernels use no fma)
     */
    static Map<String, String> hashes(boolean quick, boolean noGemm) {
        Map<String, String> out = new LinkedHashMap<>();
        Generator g = new Generator(1234);
        // GEMM: odd shapes below and above the parallel threshold (4 Mflop), transposed views
        int[][] mm = noGemm ? new int[0][] : quick ? new int[][] {{37, 53, 71}, {129, 67, 300}, {130, 517, 263}}
                : new int[][] {{1, 1, 1}, {37, 53, 71}, {129, 67, 300}, {130, 517, 263}, {257, 130, 513}, {5, 1031, 77}};
        for (int[] s : mm) {
            Tensor a = Tensor.randn(g, s[0], s[2]), b = Tensor.randn(g, s[2], s[1]);
            put(out, "matmul" + s[0] + "x" + s[1] + "x" + s[2], () -> a.matmul(b));
            Tensor bt = Tensor.randn(g, s[1], s[2]);
            put(out, "matmulT" + s[0] + "x" + s[1] + "x" + s[2], () -> a.matmul(bt.mT()));
        }
        // softmax family on odd row lengths
        for (int v : new int[] {7, 61, 1001, 4099}) {
            Tensor x = Tensor.randn(g, 33, v).mul(3f);
            put(out, "softmax" + v, x::softmax);
            put(out, "logSoftmax" + v, x::logSoftmax);
            int[] t = new int[33];
            for (int i = 0; i < t.length; i++) {
                t[i] = (i * 7919) % v;
            }
            Tensor tt = Tensor.fromArray(t, 33);
            put(out, "crossEntropy" + v, () -> x.crossEntropy(tt));
            put(out, "softmaxGrad" + v, () -> grads(in -> in[0].softmax().mul(in[1]).sum(), x, Tensor.randn(g, 33, v)));
            put(out, "logSoftmaxGrad" + v, () -> grads(in -> in[0].logSoftmax().mul(in[1]).sum(), x,
                    Tensor.randn(g, 33, v)));
            put(out, "crossEntropyGrad" + v, () -> grads(in -> in[0].crossEntropy(tt), x));
        }
        // layer norm, forward and gradients
        for (int c : new int[] {13, 97, 768}) {
            Tensor x = Tensor.randn(g, 67, c).mul(2f).add(0.5f);
            Tensor w = Tensor.randn(g, c), b = Tensor.randn(g, c), gy = Tensor.randn(g, 67, c);
            put(out, "layerNorm" + c, () -> x.layerNorm(w, b, 1e-5f));
            put(out, "layerNormGrad" + c, () -> grads(in -> in[0].layerNorm(in[1], in[2], 1e-5f).mul(in[3]).sum(),
                    x, w, b, gy));
        }
        // reductions
        Tensor r = Tensor.randn(g, 37, 1013);
        put(out, "sumAll", r::sum);
        put(out, "sumRows", () -> r.sum(1, false));
        put(out, "sumCols", () -> r.sum(0, false));
        put(out, "meanT", () -> r.mT().mean(1, false));
        put(out, "var", () -> r.var(1, true, false));
        put(out, "logsumexp", () -> r.logsumexp(1, false));
        Tensor big = Tensor.randn(g, 300_007);
        put(out, "sumBig", big::sum);
        // attention: odd head dims and key counts, causal and masked, with gradients
        for (int[] s : new int[][] {{2, 3, 11, 11, 13}, {1, 2, 17, 29, 64}, {2, 2, 9, 9, 37}}) {
            Tensor q = Tensor.randn(g, s[0], s[1], s[2], s[4]), k = Tensor.randn(g, s[0], s[1], s[3], s[4]);
            Tensor v = Tensor.randn(g, s[0], s[1], s[3], s[4]), go = Tensor.randn(g, s[0], s[1], s[2], s[4]);
            float[] m = new float[s[0] * s[3]];
            for (int i = 0; i < m.length; i++) {
                m[i] = i % 5 == 3 ? 0f : 1f;
            }
            Tensor mask = Tensor.fromArray(m, s[0], s[3]);
            float scale = (float) (1 / Math.sqrt(s[4]));
            String n = "attention" + s[2] + "x" + s[3] + "x" + s[4];
            put(out, n + "causal", () -> Fused.attention(q, k, v, null, s[2] == s[3], scale));
            put(out, n + "mask", () -> Fused.attention(q, k, v, mask, false, scale));
            put(out, n + "grad", () -> grads(in -> Fused.attention(in[0], in[1], in[2], mask, s[2] == s[3], scale)
                    .mul(in[3]).sum(), q, k, v, go));
        }
        // elementwise transcendentals over many inputs
        Tensor e = Tensor.randn(g, 200_003).mul(6f);
        put(out, "exp", e::exp);
        put(out, "log", () -> e.abs().add(1e-3f).log());
        put(out, "tanh", e::tanh);
        put(out, "sigmoid", e::sigmoid);
        put(out, "gelu", e::gelu);
        put(out, "geluGrad", () -> grads(in -> in[0].gelu().sum(), e));
        put(out, "silu", e::silu);
        put(out, "pow", () -> e.abs().pow(1.7f));
        put(out, "sqrt", () -> e.abs().sqrt());
        return out;
    }

    interface Fn {
        Tensor apply(Tensor[] in);
    }

    /** The loss and the gradient of every input, concatenated. */
    private static Tensor grads(Fn f, Tensor... inputs) {
        Tensor[] in = new Tensor[inputs.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = inputs[i].detach().requiresGrad(true);
        }
        Tensor loss = f.apply(in);
        loss.backward();
        List<Tensor> parts = new ArrayList<>();
        parts.add(loss.detach().reshape(1));
        for (Tensor t : in) {
            parts.add(t.grad().flatten());
        }
        return Tensor.cat(parts, 0);
    }

    private static void put(Map<String, String> out, String name, Supplier<Tensor> f) {
        out.put(name, sha(f.get().contiguous().toFloatArray()));
    }

    static String sha(float[] v) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer bb = ByteBuffer.allocate(4 * v.length);
            for (float f : v) {
                bb.putInt(Float.floatToRawIntBits(f));
            }
            md.update(bb.array());
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
