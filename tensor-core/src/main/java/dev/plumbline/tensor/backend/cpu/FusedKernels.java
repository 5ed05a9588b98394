package dev.plumbline.tensor.backend.cpu;

/**
 * One implementation of the CPU fused-op kernels (see {@link CpuFused} for shapes). Two exist:
 * {@link ScalarFusedKernels} (plain Java, double accumulators, {@code Math.exp}) and
 * {@code VectorFusedKernels} (Vector API, loaded by name only when {@code jdk.incubator.vector}
 * is present). {@link CpuFused} picks one at start-up; {@code -Dplumbline.simd=false} forces
 * the scalar one. Both compute the same thing to float rounding, row by row, so results never
 * depend on the thread count.
 *
 * <p>Arrays are contiguous; {@code *o} arguments are offsets. Outputs written without an offset
 * argument (cross-entropy's loss/lse/gx, layernorm's out/mean/rstd/gx/gw/gb, attention's
 * out/lse/gq/gk/gv) start at 0.
 */
interface FusedKernels {
    /** {@code "scalar"} or {@code "vector-<bits>"}. */
    String name();

    /** x, out (rows, v): softmax (or log-softmax when {@code log}) of each row. */
    void softmax(float[] x, int xo, float[] out, int oo, int rows, int v, boolean log);

    /** y, gy, gx (rows, v): gradient of (log-)softmax given its output y. */
    void softmaxBackward(float[] y, int yo, float[] gy, int go, float[] gx, int xo, int rows, int v, boolean log);

    /** x (n, v), t (n) already range-checked → loss (n) (0 where ignored), lse (n). */
    void crossEntropy(float[] x, int xo, int[] t, int to, int ignore, float[] loss, float[] lse, int n, int v);

    /** gx (n, v) = gl[r] · (softmax(x_r) − onehot(t_r)), zero rows where ignored. */
    void crossEntropyBackward(float[] x, int xo, int[] t, int to, int ignore, float[] lse, float[] gl, int glo,
                              float[] gx, int n, int v);

    /** x, out (n, c); w, b (c) or null → out, mean (n), rstd (n). */
    void layerNorm(float[] x, int xo, float[] w, int wo, float[] b, int bo, float eps, float[] out,
                   float[] mean, float[] rstd, int n, int c);

    /** gy, x, gx (n, c) → gx, and gw, gb (c) unless null. */
    void layerNormBackward(float[] gy, int go, float[] x, int xo, float[] w, int wo, float[] mean, float[] rstd,
                           float[] gx, float[] gw, float[] gb, int n, int c);

    /** q (B,H,Tq,D), k, v (B,H,Tk,D), mask (B,Tk) or null → out (B,H,Tq,D), lse (B,H,Tq). */
    void attention(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo, boolean causal,
                   float scale, float[] out, float[] lse, int bsz, int h, int tq, int tk, int d);

    /** Gradients gq (B,H,Tq,D), gk, gv (B,H,Tk,D) of attention given out, lse and dout. */
    void attentionBackward(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo,
                           boolean causal, float scale, float[] out, float[] lse, float[] go, int goo,
                           float[] gq, float[] gk, float[] gv, int bsz, int h, int tq, int tk, int d);

    /**
     * out[oo .. oo+n) = GELU (tanh form) of x[xo .. xo+n), or its derivative when {@code grad};
     * elementwise, so a value never depends on its position or the split across threads.
     */
    void gelu(float[] x, int xo, float[] out, int oo, int n, boolean grad);

    /** Σ x[off .. off+n) accumulated to double accuracy (used by {@link CpuReduce}). */
    double sum(float[] x, int off, int n);

    /** Last key index (exclusive) visible to query i. */
    static int keyLimit(boolean causal, int i, int tq, int tk) {
        return causal ? tk - tq + i + 1 : tk;
    }
}
