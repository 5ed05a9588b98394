package dev.plumbline.tensor.backend.cpu;

/**
 * CPU kernels of the fused ops, on contiguous float arrays. Each is the reference the GPU
 * kernels are checked against: numerically careful (max-subtracted exponentials, double-accurate
 * row statistics) and parallel over independent rows.
 *
 * <pre>
 * softmax / logSoftmax     x (R, V)            → out (R, V)
 * crossEntropy             logits (N, V), t (N) → loss (N), lse (N)
 * layerNorm                x (N, C), w, b (C)  → out (N, C), mean (N), rstd (N)
 * attention                q (B,H,Tq,D), k, v (B,H,Tk,D) → out (B,H,Tq,D), lse (B,H,Tq)
 * adamw                    p, g, m, v (n), in place
 * </pre>
 *
 * <p>Versions: all but AdamW delegate to a {@link FusedKernels} chosen once at class
 * initialisation, like {@link CpuGemm}'s kernel: {@code VectorFusedKernels} (Vector API: a float
 * polynomial exp, lane-wise sums finished in double) when {@code jdk.incubator.vector} is in the
 * boot layer, else (or with {@code -Dplumbline.simd=false}) {@link ScalarFusedKernels}. Measured
 * numbers are in those files' headers and in benchmarks/RESULTS.md.
 */
final class CpuFused {
    private CpuFused() {}

    private static final FusedKernels SCALAR = new ScalarFusedKernels();
    private static final FusedKernels KERNELS = choose();

    private static FusedKernels choose() {
        if (!Boolean.parseBoolean(System.getProperty("plumbline.simd", "true"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return SCALAR;
        }
        try {
            // by name, so this class never links against jdk.incubator.vector itself
            return (FusedKernels) Class.forName("dev.plumbline.tensor.backend.cpu.VectorFusedKernels")
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | UnsupportedOperationException e) {
            return SCALAR; // includes a species too narrow to pay off
        }
    }

    /** The kernels chosen at start-up (tests compare them with {@link #scalarKernels()}). */
    static FusedKernels kernels() {
        return KERNELS;
    }

    /** The plain-Java kernels, reachable regardless of {@code plumbline.simd}. */
    static FusedKernels scalarKernels() {
        return SCALAR;
    }

    /** Name of the kernels in use: {@code "vector-<bits>"} or {@code "scalar"}. */
    static String kernelName() {
        return KERNELS.name();
    }

    static void softmax(float[] x, int xo, float[] out, int oo, int rows, int v, boolean log) {
        KERNELS.softmax(x, xo, out, oo, rows, v, log);
    }

    static void softmaxBackward(float[] y, int yo, float[] gy, int go, float[] gx, int xo, int rows, int v, boolean log) {
        KERNELS.softmaxBackward(y, yo, gy, go, gx, xo, rows, v, log);
    }

    static void crossEntropy(float[] x, int xo, int[] t, int to, int ignore, float[] loss, float[] lse, int n, int v) {
        for (int r = 0; r < n; r++) {
            int tr = t[to + r];
            if (tr != ignore && (tr < 0 || tr >= v)) {
                throw new IndexOutOfBoundsException("crossEntropy: target " + tr + " out of range [0, " + v + ") at row " + r);
            }
        }
        KERNELS.crossEntropy(x, xo, t, to, ignore, loss, lse, n, v);
    }

    static void crossEntropyBackward(float[] x, int xo, int[] t, int to, int ignore, float[] lse, float[] gl, int glo,
                                     float[] gx, int n, int v) {
        KERNELS.crossEntropyBackward(x, xo, t, to, ignore, lse, gl, glo, gx, n, v);
    }

    static void layerNorm(float[] x, int xo, float[] w, int wo, float[] b, int bo, float eps, float[] out,
                          float[] mean, float[] rstd, int n, int c) {
        KERNELS.layerNorm(x, xo, w, wo, b, bo, eps, out, mean, rstd, n, c);
    }

    static void layerNormBackward(float[] gy, int go, float[] x, int xo, float[] w, int wo, float[] mean, float[] rstd,
                                  float[] gx, float[] gw, float[] gb, int n, int c) {
        KERNELS.layerNormBackward(gy, go, x, xo, w, wo, mean, rstd, gx, gw, gb, n, c);
    }

    static void attention(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo, boolean causal,
                          float scale, float[] out, float[] lse, int bsz, int h, int tq, int tk, int d) {
        KERNELS.attention(q, qo, k, ko, v, vo, mask, mo, causal, scale, out, lse, bsz, h, tq, tk, d);
    }

    static void attentionBackward(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo,
                                  boolean causal, float scale, float[] out, float[] lse, float[] go, int goo,
                                  float[] gq, float[] gk, float[] gv, int bsz, int h, int tq, int tk, int d) {
        KERNELS.attentionBackward(q, qo, k, ko, v, vo, mask, mo, causal, scale, out, lse, go, goo, gq, gk, gv,
                bsz, h, tq, tk, d);
    }

    /** GELU or its derivative over a contiguous range, split across threads. */
    static void gelu(float[] x, int xo, float[] out, int oo, int n, boolean grad) {
        Parallel.forRange(n, 16, (from, to) -> KERNELS.gelu(x, xo + from, out, oo + from, to - from, grad));
    }

    // ---- AdamW --------------------------------------------------------------------------------------------

    static void adamw(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n, float lr,
                      float b1, float b2, float eps, float wd, float bc1, float bc2) {
        float decay = 1f - lr * wd;
        float sb2 = (float) Math.sqrt(bc2);
        float stepSize = lr / bc1;
        Parallel.forRange(n, 12, (from, to) -> {
            for (int j = from; j < to; j++) {
                float gj = g[go + j];
                float mj = b1 * m[mo + j] + (1f - b1) * gj;
                float vj = b2 * v[vo + j] + (1f - b2) * gj * gj;
                m[mo + j] = mj;
                v[vo + j] = vj;
                // PyTorch: denom = sqrt(v)/sqrt(bc2) + eps; p -= (lr/bc1) * m / denom
                p[po + j] = p[po + j] * decay - stepSize * mj / ((float) Math.sqrt(vj) / sb2 + eps);
            }
        });
    }
}
