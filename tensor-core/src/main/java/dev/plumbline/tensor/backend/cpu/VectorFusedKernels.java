/*
 * VectorFusedKernels — the SIMD versions of the fused CPU kernels (softmax, log-softmax,
 * cross-entropy, layernorm, attention; forward and backward). Same results as
 * ScalarFusedKernels to float rounding; see FusedKernels for the shapes.
 *
 * Building blocks, all over FloatVector.SPECIES_PREFERRED (V = 4, 8 or 16 floats):
 *
 *   exp(x)    float exp: Cody–Waite range reduction x = n·ln2 + r, |r| ≤ ln2/2, Cephes' degree-6
 *             polynomial (≈ 1–2 ulp against Math.exp rounded to float), scaled by 2^n as two
 *             factors 2^⌊n/2⌋·2^(n−⌊n/2⌋) so both overflow (→ +∞ above 88.72) and gradual
 *             underflow (subnormals, → 0 below −103.9) come out as Math.exp's do. x is clamped
 *             to [−110, 89] first with Math.max/min semantics, so NaN stays NaN, −∞ gives 0 and
 *             +∞ gives +∞.
 *   sums      float partial sums in L = 16 LOGICAL lanes, whatever the hardware width: the row
 *             is walked in steps of 16 elements, element j always goes to logical lane j mod 16
 *             (held as 16/V vectors of V lanes: 1 on AVX-512, 2 on AVX2, 4 on SSE), the lanes are
 *             combined in one fixed pairwise tree (lane i + lane i+8, then +4, +2, +1) and
 *             flushed to a double every BLOCK elements; the n mod 16 tail is a scalar loop that
 *             starts at the same column on every machine. So a sum's bits never depend on V
 *             (SPECIES_PREFERRED), i.e. on -XX:UseAVX / MaxVectorSize or the CPU. Each lane adds
 *             at most BLOCK/16 floats, so the error stays at float rounding of a short sum.
 *   gelu      ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³), tanh u = 1 − 2/(e^{2u} + 1) with the exp
 *             above (e^{2u} → +∞ gives 1, → 0 gives −1, NaN stays NaN); its derivative from the
 *             same t. Elementwise, with a scalar twin for tails: no result depends on V.
 *   no FMA    products are rounded, then added (a·b + c, as in plain Java), never fused: a
 *             CPU without FMA (or -XX:UseAVX=0, where UseFMA is off) would run Vector.fma and
 *             Math.fma as a per-lane BigDecimal fallback, ~40x slower (measured: the
 *             DeterminismHash cases take 77 s instead of 1.9 s), and mixing fused vector bodies
 *             with unfused scalar tails made a value depend on its column's position relative
 *             to the vector length.
 *   rows      every kernel keeps the scalar version's passes over one row, but each pass is a
 *             vector loop over an L1/L2-resident row; per-row work only, so the split across
 *             threads never changes a result.
 *
 * Measured: see benchmarks/RESULTS.md ("CPU fused kernels, SIMD") for the before/after table.
 *
 * Loaded by name from CpuFused only when the jdk.incubator.vector module is in the boot layer.
 */
package dev.plumbline.tensor.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API {@link FusedKernels}. */
final class VectorFusedKernels implements FusedKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = S.vectorShape().withLanes(int.class);
    private static final int V = S.length();
    /** Logical lanes of every sum: the same on every machine (a multiple of any x86 float V). */
    private static final int L = 16;
    /** Vectors per logical 16-lane accumulator: 1 (AVX-512), 2 (AVX2), 4 (SSE / 128-bit). */
    private static final int K = L / V;
    /** Elements per float-lane partial sum before it is added to the double total. */
    private static final int BLOCK = 512;

    // exp constants (Cephes expf)
    private static final float EXP_LO = -110f, EXP_HI = 89f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: adding it rounds a float of magnitude < 2^22 to an integer in the low mantissa bits. */
    private static final float MAGIC = 12582912f;
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    VectorFusedKernels() {
        if (V < 4 || V > L || L % V != 0 || SI.length() != V) {
            // no real SIMD behind the API (e.g. a 64-bit preferred species): scalar is as good
            throw new UnsupportedOperationException("preferred float species has " + V + " lanes");
        }
    }

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public String toString() {
        return name();
    }

    // ---- building blocks ----------------------------------------------------------------------------------

    /** Lane-wise e^x; see the file header for range and special values. */
    static FloatVector exp(FloatVector x) {
        x = x.max(EXP_LO).min(EXP_HI); // Math.max/min semantics: NaN propagates
        FloatVector t = x.mul(LOG2E).add(MAGIC); // n + MAGIC, n = round(x·log2 e)
        FloatVector n = t.sub(MAGIC);
        IntVector ni = t.reinterpretAsInts().sub(MAGIC_BITS);
        FloatVector r = x.sub(n.mul(LN2_HI)); // exact: LN2_HI has 9 significant bits
        r = r.sub(n.mul(LN2_LO)); // r = x − n·ln2, |r| ≤ ln2/2 (+ rounding)
        FloatVector p = r.mul(P0).add(P1);
        p = p.mul(r).add(P2);
        p = p.mul(r).add(P3);
        p = p.mul(r).add(P4);
        p = p.mul(r).add(P5);
        p = p.mul(r.mul(r)).add(r.add(1f)); // 1 + r + r²·poly(r)
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /**
     * Scalar twin of {@link #exp(FloatVector)} for row tails, so a value never depends on its column:
     * the same operations in the same order, each rounded to float.
     */
    static float exp(float x) {
        x = Math.min(Math.max(x, EXP_LO), EXP_HI);
        float t = x * LOG2E + MAGIC;
        float n = t - MAGIC;
        int ni = Float.floatToRawIntBits(t) - MAGIC_BITS;
        float r = x - n * LN2_HI;
        r = r - n * LN2_LO;
        float p = r * P0 + P1;
        p = p * r + P2;
        p = p * r + P3;
        p = p * r + P4;
        p = p * r + P5;
        p = p * (r * r) + (r + 1f);
        int n1 = ni >> 1, n2 = ni - n1;
        return p * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }

    // GELU: u = C·(x + K·x³), t = tanh u = 1 − 2/(e^{2u} + 1); forward ½x(1 + t), gradient
    // ½(1 + t) + ½x(1 − t²)·C(1 + 3K·x²) — CpuElementwise.gelu/geluGrad's formulas, vectorised
    private static final float GELU_C = CpuElementwise.GELU_C, GELU_K = CpuElementwise.GELU_K;

    @Override
    public void gelu(float[] x, int xo, float[] out, int oo, int n, boolean grad) {
        int ub = S.loopBound(n), k = 0;
        for (; k < ub; k += V) {
            FloatVector v = FloatVector.fromArray(S, x, xo + k);
            FloatVector v2 = v.mul(v);
            FloatVector u = v.mul(v2).mul(GELU_K).add(v).mul(GELU_C);
            FloatVector e = exp(u.add(u));
            FloatVector t = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
            FloatVector half = FloatVector.broadcast(S, 0.5f);
            FloatVector r = grad
                    ? half.mul(t.add(1f)).add(half.mul(v).mul(FloatVector.broadcast(S, 1f).sub(t.mul(t)))
                            .mul(v2.mul(3f * GELU_K).add(1f).mul(GELU_C)))
                    : half.mul(v).mul(t.add(1f));
            r.intoArray(out, oo + k);
        }
        for (; k < n; k++) {
            out[oo + k] = grad ? geluGrad(x[xo + k]) : gelu(x[xo + k]);
        }
    }

    /** Scalar twin of the vector GELU: the same operations in the same order. */
    static float gelu(float v) {
        float v2 = v * v;
        float u = (v * v2 * GELU_K + v) * GELU_C;
        float t = 1f - 2f / (exp(u + u) + 1f);
        return 0.5f * v * (t + 1f);
    }

    /** Scalar twin of the vector GELU derivative. */
    static float geluGrad(float v) {
        float v2 = v * v;
        float u = (v * v2 * GELU_K + v) * GELU_C;
        float t = 1f - 2f / (exp(u + u) + 1f);
        return 0.5f * (t + 1f) + 0.5f * v * (1f - t * t) * ((v2 * (3f * GELU_K) + 1f) * GELU_C);
    }

    /**
     * Σ of the 16 logical lanes a0 (lanes 0..V-1), a1 (V..2V-1), a2, a3 in one fixed pairwise order:
     * lane i += lane i+8, then i+4, i+2, i+1. The same additions happen for every V (unused
     * arguments are ignored), so the result does not depend on the hardware vector length.
     * {@code reduceLanes(ADD)} leaves its order unspecified and is not used.
     */
    private static float sumLanes(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3) {
        if (K == 4) {          // V = 4: logical lanes 0-3 | 4-7 | 8-11 | 12-15
            a0 = a0.add(a2);   // step 8
            a1 = a1.add(a3);
        }
        if (K >= 2) {
            a0 = a0.add(a1);   // step 8 (V = 8) or 4 (V = 4)
        }
        for (int w = V / 2; w >= 1; w >>= 1) {
            a0 = a0.add(a0.slice(w)); // lane i += lane i+w (the rest is not used)
        }
        return a0.lane(0);
    }

    /** Elements of n covered by whole 16-element logical steps (the rest is the scalar tail). */
    private static int bound(int n) {
        return n & -L;
    }

    /** max of x[a .. a+n), NaN if any is NaN, −∞ for n = 0. */
    private static float max(float[] x, int a, int n) {
        int j = 0, ub = S.loopBound(n);
        float m = Float.NEGATIVE_INFINITY;
        if (ub > 0) {
            FloatVector mv = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; j < ub; j += V) {
                mv = mv.max(FloatVector.fromArray(S, x, a + j));
            }
            m = mv.reduceLanes(VectorOperators.MAX);
        }
        for (; j < n; j++) {
            m = Math.max(m, x[a + j]);
        }
        return m;
    }

    // The sums below share one shape: j walks [0, bound(n)) in 16-element steps, in blocks of
    // BLOCK; logical lanes 0..15 live in a0..a3 (V lanes each, K of them used); each block's lanes
    // are combined by sumLanes and added to a double; then the scalar tail. K is a constant, so
    // C2 folds the `if (K > ...)` away.

    @Override
    public double sum(float[] x, int a, int n) {
        double sum = 0;
        int j = 0, ub = bound(n);
        while (j < ub) {
            int end = Math.min(ub, j + BLOCK);
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (; j < end; j += L) {
                a0 = a0.add(FloatVector.fromArray(S, x, a + j));
                if (K > 1) {
                    a1 = a1.add(FloatVector.fromArray(S, x, a + j + V));
                }
                if (K > 2) {
                    a2 = a2.add(FloatVector.fromArray(S, x, a + j + 2 * V));
                    a3 = a3.add(FloatVector.fromArray(S, x, a + j + 3 * V));
                }
            }
            sum += sumLanes(a0, a1, a2, a3);
        }
        for (; j < n; j++) {
            sum += x[a + j];
        }
        return sum;
    }

    /** Σ x[a+j]·y[b+j], j < n (each product rounded to float, then added). */
    private static double dot(float[] x, int a, float[] y, int b, int n) {
        double sum = 0;
        int j = 0, ub = bound(n);
        while (j < ub) {
            int end = Math.min(ub, j + BLOCK);
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (; j < end; j += L) {
                a0 = a0.add(FloatVector.fromArray(S, x, a + j).mul(FloatVector.fromArray(S, y, b + j)));
                if (K > 1) {
                    a1 = a1.add(FloatVector.fromArray(S, x, a + j + V).mul(FloatVector.fromArray(S, y, b + j + V)));
                }
                if (K > 2) {
                    int j2 = j + 2 * V, j3 = j + 3 * V;
                    a2 = a2.add(FloatVector.fromArray(S, x, a + j2).mul(FloatVector.fromArray(S, y, b + j2)));
                    a3 = a3.add(FloatVector.fromArray(S, x, a + j3).mul(FloatVector.fromArray(S, y, b + j3)));
                }
            }
            sum += sumLanes(a0, a1, a2, a3);
        }
        for (; j < n; j++) {
            sum += x[a + j] * y[b + j];
        }
        return sum;
    }

    /** Float dot product for short rows (attention's D): one 16-lane accumulator, no double finish. */
    private static float dotF(float[] x, int a, float[] y, int b, int n) {
        int j = 0, ub = bound(n);
        float s = 0f;
        if (ub > 0) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (; j < ub; j += L) {
                a0 = a0.add(FloatVector.fromArray(S, x, a + j).mul(FloatVector.fromArray(S, y, b + j)));
                if (K > 1) {
                    a1 = a1.add(FloatVector.fromArray(S, x, a + j + V).mul(FloatVector.fromArray(S, y, b + j + V)));
                }
                if (K > 2) {
                    int j2 = j + 2 * V, j3 = j + 3 * V;
                    a2 = a2.add(FloatVector.fromArray(S, x, a + j2).mul(FloatVector.fromArray(S, y, b + j2)));
                    a3 = a3.add(FloatVector.fromArray(S, x, a + j3).mul(FloatVector.fromArray(S, y, b + j3)));
                }
            }
            s = sumLanes(a0, a1, a2, a3);
        }
        for (; j < n; j++) {
            s += x[a + j] * y[b + j];
        }
        return s;
    }

    /** Σ e^(x[a+j] − shift), j < n. */
    private static double expSum(float[] x, int a, float shift, int n) {
        double sum = 0;
        int j = 0, ub = bound(n);
        while (j < ub) {
            int end = Math.min(ub, j + BLOCK);
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (; j < end; j += L) {
                a0 = a0.add(exp(FloatVector.fromArray(S, x, a + j).sub(shift)));
                if (K > 1) {
                    a1 = a1.add(exp(FloatVector.fromArray(S, x, a + j + V).sub(shift)));
                }
                if (K > 2) {
                    a2 = a2.add(exp(FloatVector.fromArray(S, x, a + j + 2 * V).sub(shift)));
                    a3 = a3.add(exp(FloatVector.fromArray(S, x, a + j + 3 * V).sub(shift)));
                }
            }
            sum += sumLanes(a0, a1, a2, a3);
        }
        for (; j < n; j++) {
            sum += exp(x[a + j] - shift);
        }
        return sum;
    }

    /** out[o+j] = e^(x[a+j] − shift), j < n; returns their sum. */
    private static double expStoreSum(float[] x, int a, float shift, float[] out, int o, int n) {
        double sum = 0;
        int j = 0, ub = bound(n);
        while (j < ub) {
            int end = Math.min(ub, j + BLOCK);
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (; j < end; j += L) {
                FloatVector e = exp(FloatVector.fromArray(S, x, a + j).sub(shift));
                e.intoArray(out, o + j);
                a0 = a0.add(e);
                if (K > 1) {
                    e = exp(FloatVector.fromArray(S, x, a + j + V).sub(shift));
                    e.intoArray(out, o + j + V);
                    a1 = a1.add(e);
                }
                if (K > 2) {
                    e = exp(FloatVector.fromArray(S, x, a + j + 2 * V).sub(shift));
                    e.intoArray(out, o + j + 2 * V);
                    a2 = a2.add(e);
                    e = exp(FloatVector.fromArray(S, x, a + j + 3 * V).sub(shift));
                    e.intoArray(out, o + j + 3 * V);
                    a3 = a3.add(e);
                }
            }
            sum += sumLanes(a0, a1, a2, a3);
        }
        for (; j < n; j++) {
            float e = exp(x[a + j] - shift);
            out[o + j] = e;
            sum += e;
        }
        return sum;
    }

    // ---- softmax ------------------------------------------------------------------------------------------

    // x, out (rows, v). Passes per row (a 4 KiB row stays in L1): max; exp + sum (+ store);
    // scale (softmax) or subtract log-sum-exp (log-softmax).
    @Override
    public void softmax(float[] x, int xo, float[] out, int oo, int rows, int v, boolean log) {
        Parallel.forRange(rows, v, (from, to) -> {
            for (int r = from; r < to; r++) {
                int a = xo + r * v, b = oo + r * v;
                float max = max(x, a, v);
                if (max == Float.NEGATIVE_INFINITY) {
                    max = 0f; // all −∞: exp gives zeros and the row comes out NaN, as in PyTorch
                }
                int j = 0, ub = S.loopBound(v);
                if (log) {
                    float l = (float) (max + Math.log(expSum(x, a, max, v)));
                    for (; j < ub; j += V) {
                        FloatVector.fromArray(S, x, a + j).sub(l).intoArray(out, b + j);
                    }
                    for (; j < v; j++) {
                        out[b + j] = x[a + j] - l;
                    }
                } else {
                    float inv = (float) (1.0 / expStoreSum(x, a, max, out, b, v));
                    for (; j < ub; j += V) {
                        FloatVector.fromArray(S, out, b + j).mul(inv).intoArray(out, b + j);
                    }
                    for (; j < v; j++) {
                        out[b + j] *= inv;
                    }
                }
            }
        });
    }

    // y, gy, gx (rows, v): softmax gx = y·(gy − Σ gy·y); log-softmax gx = gy − e^y·Σ gy.
    @Override
    public void softmaxBackward(float[] y, int yo, float[] gy, int go, float[] gx, int xo, int rows, int v, boolean log) {
        Parallel.forRange(rows, 2L * v, (from, to) -> {
            for (int r = from; r < to; r++) {
                int a = yo + r * v, b = go + r * v, c = xo + r * v;
                int j = 0, ub = S.loopBound(v);
                if (log) {
                    float s = (float) sum(gy, b, v);
                    for (; j < ub; j += V) {
                        FloatVector e = exp(FloatVector.fromArray(S, y, a + j));
                        FloatVector.fromArray(S, gy, b + j).sub(e.mul(s)).intoArray(gx, c + j);
                    }
                    for (; j < v; j++) {
                        gx[c + j] = gy[b + j] - exp(y[a + j]) * s;
                    }
                } else {
                    float s = (float) dot(gy, b, y, a, v);
                    for (; j < ub; j += V) {
                        FloatVector yv = FloatVector.fromArray(S, y, a + j);
                        yv.mul(FloatVector.fromArray(S, gy, b + j).sub(s)).intoArray(gx, c + j);
                    }
                    for (; j < v; j++) {
                        gx[c + j] = y[a + j] * (gy[b + j] - s);
                    }
                }
            }
        });
    }

    // ---- cross-entropy ------------------------------------------------------------------------------------

    // logits (n, v) → lse (n), loss (n). Two passes per row (max, exp-sum); a 50257-float row
    // (196 KiB) stays in L2 between them.
    @Override
    public void crossEntropy(float[] x, int xo, int[] t, int to, int ignore, float[] loss, float[] lse, int n, int v) {
        Parallel.forRange(n, v, (from, end) -> {
            for (int r = from; r < end; r++) {
                int a = xo + r * v;
                float max = max(x, a, v);
                float l = (float) (max + Math.log(expSum(x, a, max, v)));
                lse[r] = l;
                int tr = t[to + r];
                loss[r] = tr == ignore ? 0f : l - x[a + tr];
            }
        });
    }

    // gx (n, v) = g_r · e^(x − lse_r), then gx[r, t_r] −= g_r; ignored rows are zero.
    @Override
    public void crossEntropyBackward(float[] x, int xo, int[] t, int to, int ignore, float[] lse, float[] gl, int glo,
                                     float[] gx, int n, int v) {
        Parallel.forRange(n, v, (from, end) -> {
            for (int r = from; r < end; r++) {
                int a = xo + r * v, c = r * v;
                int tr = t[to + r];
                if (tr == ignore) {
                    java.util.Arrays.fill(gx, c, c + v, 0f);
                    continue;
                }
                float g = gl[glo + r], l = lse[r];
                int j = 0, ub = S.loopBound(v);
                for (; j < ub; j += V) {
                    exp(FloatVector.fromArray(S, x, a + j).sub(l)).mul(g).intoArray(gx, c + j);
                }
                for (; j < v; j++) {
                    gx[c + j] = g * exp(x[a + j] - l);
                }
                gx[c + tr] -= g;
            }
        });
    }

    // ---- layer norm ---------------------------------------------------------------------------------------

    // x, out (n, c); w, b (c). Per row (3 KiB at C = 768, L1-resident): Σx → mean, Σ(x−mean)² →
    // rstd (two passes, not Σx², so a large mean cannot cancel the variance away), then one fused
    // normalise + affine pass.
    @Override
    public void layerNorm(float[] x, int xo, float[] w, int wo, float[] b, int bo, float eps, float[] out,
                          float[] mean, float[] rstd, int n, int c) {
        Parallel.forRange(n, 2L * c, (from, to) -> {
            int ub = S.loopBound(c);
            for (int r = from; r < to; r++) {
                int a = xo + r * c, o = r * c;
                float mu = (float) (sum(x, a, c) / c);
                double s2 = 0;
                int j = 0, lb = bound(c);
                while (j < lb) {
                    int end = Math.min(lb, j + BLOCK);
                    FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                    for (; j < end; j += L) {
                        FloatVector d = FloatVector.fromArray(S, x, a + j).sub(mu);
                        a0 = a0.add(d.mul(d));
                        if (K > 1) {
                            d = FloatVector.fromArray(S, x, a + j + V).sub(mu);
                            a1 = a1.add(d.mul(d));
                        }
                        if (K > 2) {
                            d = FloatVector.fromArray(S, x, a + j + 2 * V).sub(mu);
                            a2 = a2.add(d.mul(d));
                            d = FloatVector.fromArray(S, x, a + j + 3 * V).sub(mu);
                            a3 = a3.add(d.mul(d));
                        }
                    }
                    s2 += sumLanes(a0, a1, a2, a3);
                }
                for (; j < c; j++) {
                    float d = x[a + j] - mu;
                    s2 += d * d;
                }
                float rs = (float) (1.0 / Math.sqrt(s2 / c + eps));
                // mul then add (no fma) so each element rounds exactly as in the scalar kernel
                for (j = 0; j < ub; j += V) {
                    FloatVector nv = FloatVector.fromArray(S, x, a + j).sub(mu).mul(rs);
                    if (w != null) {
                        nv = nv.mul(FloatVector.fromArray(S, w, wo + j));
                    }
                    if (b != null) {
                        nv = nv.add(FloatVector.fromArray(S, b, bo + j));
                    }
                    nv.intoArray(out, o + j);
                }
                for (; j < c; j++) {
                    float nv = (x[a + j] - mu) * rs;
                    if (w != null) {
                        nv *= w[wo + j];
                    }
                    if (b != null) {
                        nv += b[bo + j];
                    }
                    out[o + j] = nv;
                }
                mean[r] = mu;
                rstd[r] = rs;
            }
        });
    }

    // gy, x, gx (n, c): d = gy·w, n̂ = (x − mean)·rstd, gx = (d − mean(d) − n̂·mean(d·n̂))·rstd;
    // gw = Σ_rows gy·n̂, gb = Σ_rows gy (float lanes over columns, flushed to double every
    // ROWS_PER_FLUSH rows; parallel over column ranges).
    @Override
    public void layerNormBackward(float[] gy, int go, float[] x, int xo, float[] w, int wo, float[] mean, float[] rstd,
                                  float[] gx, float[] gw, float[] gb, int n, int c) {
        // Rows in blocks of ROWS_PER_FLUSH: each block's gw/gb partials (float, rows in order) are
        // accumulated in the same pass that writes gx, then the blocks are added in order in double.
        // Per column that is exactly "float sum over 32 rows, flushed to a double", whatever the
        // thread split, and x and gy are read once instead of twice.
        final int rowsPerFlush = 32;
        final boolean params = gw != null || gb != null;
        final int blocks = (n + rowsPerFlush - 1) / rowsPerFlush;
        final float[] pw = params ? new float[blocks * c] : null, pb = params ? new float[blocks * c] : null;
        Parallel.forRange(blocks, 3L * c * rowsPerFlush, (bFrom, bTo) -> {
            int ub = S.loopBound(c);
            for (int r = bFrom * rowsPerFlush, rEnd = Math.min(n, bTo * rowsPerFlush); r < rEnd; r++) {
                int a = xo + r * c, g = go + r * c, o = r * c, p = (r / rowsPerFlush) * c;
                float mu = mean[r], rs = rstd[r];
                double sumD = 0, sumDN = 0;
                int j = 0, lb = bound(c);
                while (j < lb) {
                    int end = Math.min(lb, j + BLOCK);
                    FloatVector d0 = FloatVector.zero(S), d1 = d0, d2 = d0, d3 = d0;
                    FloatVector n0 = d0, n1 = d0, n2 = d0, n3 = d0;
                    for (; j < end; j += L) {
                        for (int u = 0; u < K; u++) { // K is constant: C2 unrolls this fully
                            int jj = j + u * V;
                            FloatVector d = FloatVector.fromArray(S, gy, g + jj);
                            if (w != null) {
                                d = d.mul(FloatVector.fromArray(S, w, wo + jj));
                            }
                            FloatVector dn = d.mul(FloatVector.fromArray(S, x, a + jj).sub(mu).mul(rs));
                            if (u == 0) {
                                d0 = d0.add(d);
                                n0 = n0.add(dn);
                            } else if (u == 1) {
                                d1 = d1.add(d);
                                n1 = n1.add(dn);
                            } else if (u == 2) {
                                d2 = d2.add(d);
                                n2 = n2.add(dn);
                            } else {
                                d3 = d3.add(d);
                                n3 = n3.add(dn);
                            }
                        }
                    }
                    sumD += sumLanes(d0, d1, d2, d3);
                    sumDN += sumLanes(n0, n1, n2, n3);
                }
                for (; j < c; j++) {
                    float d = gy[g + j] * (w == null ? 1f : w[wo + j]);
                    float nv = (x[a + j] - mu) * rs;
                    sumD += d;
                    sumDN += d * nv;
                }
                float mD = (float) (sumD / c), mDN = (float) (sumDN / c);
                for (j = 0; j < ub; j += V) {
                    FloatVector g0 = FloatVector.fromArray(S, gy, g + j);
                    FloatVector d = w != null ? g0.mul(FloatVector.fromArray(S, w, wo + j)) : g0;
                    FloatVector nv = FloatVector.fromArray(S, x, a + j).sub(mu).mul(rs);
                    d.sub(mD).sub(nv.mul(mDN)).mul(rs).intoArray(gx, o + j);
                    if (params) { // mul then add, as the scalar tail, so no column depends on V
                        FloatVector.fromArray(S, pw, p + j).add(g0.mul(nv)).intoArray(pw, p + j);
                        FloatVector.fromArray(S, pb, p + j).add(g0).intoArray(pb, p + j);
                    }
                }
                for (; j < c; j++) {
                    float d = gy[g + j] * (w == null ? 1f : w[wo + j]);
                    float nv = (x[a + j] - mu) * rs;
                    gx[o + j] = (d - mD - nv * mDN) * rs;
                    if (params) {
                        pw[p + j] += gy[g + j] * nv;
                        pb[p + j] += gy[g + j];
                    }
                }
            }
        });
        if (params) {
            Parallel.forRange(c, blocks, (c0, c1) -> {
                for (int j = c0; j < c1; j++) {
                    double aw = 0, ab = 0;
                    for (int bl = 0; bl < blocks; bl++) {
                        aw += pw[bl * c + j];
                        ab += pb[bl * c + j];
                    }
                    if (gw != null) {
                        gw[j] = (float) aw;
                    }
                    if (gb != null) {
                        gb[j] = (float) ab;
                    }
                }
            });
        }
    }

    // ---- attention ----------------------------------------------------------------------------------------

    // q (B,H,Tq,D), k, v (B,H,Tk,D) → out, lse. Per query row: scores s_j = q·k_j·scale (vector
    // dot over D), max, p = e^(s − max) and Σp in one vector pass, then out = Σ p_j·v_j / Σp
    // (vector axpy over D into a float accumulator).
    @Override
    public void attention(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo, boolean causal,
                          float scale, float[] out, float[] lse, int bsz, int h, int tq, int tk, int d) {
        int rows = bsz * h * tq;
        Parallel.forRange(rows, 2L * tk * d, (from, to) -> {
            float[] s = new float[tk], p = new float[tk];
            float[] acc = new float[d];
            int ub = S.loopBound(d);
            for (int row = from; row < to; row++) {
                int i = row % tq, bh = row / tq, b = bh / h;
                int qa = qo + row * d, kb = ko + bh * tk * d, vb = vo + bh * tk * d, oa = row * d;
                int lim = FusedKernels.keyLimit(causal, i, tq, tk);
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < lim; j++) {
                    if (mask != null && mask[mo + b * tk + j] == 0f) {
                        s[j] = Float.NEGATIVE_INFINITY;
                        continue;
                    }
                    s[j] = dotF(q, qa, k, kb + j * d, d) * scale;
                    max = Math.max(max, s[j]);
                }
                if (max == Float.NEGATIVE_INFINITY) { // nothing visible: zeros, lse = −∞
                    java.util.Arrays.fill(out, oa, oa + d, 0f);
                    lse[row] = Float.NEGATIVE_INFINITY;
                    continue;
                }
                double sum = lim > 0 ? expStoreSum(s, 0, max, p, 0, lim) : 0;
                java.util.Arrays.fill(acc, 0f);
                for (int j = 0; j < lim; j++) {
                    if (s[j] == Float.NEGATIVE_INFINITY) {
                        continue; // masked: skip, so a non-finite v there cannot leak in as 0·∞
                    }
                    float pj = p[j];
                    FloatVector pv = FloatVector.broadcast(S, pj);
                    int va = vb + j * d, e = 0;
                    for (; e < ub; e += V) {
                        FloatVector.fromArray(S, acc, e).add(FloatVector.fromArray(S, v, va + e).mul(pv)).intoArray(acc, e);
                    }
                    for (; e < d; e++) {
                        acc[e] += pj * v[va + e];
                    }
                }
                float inv = (float) (1.0 / sum);
                int e = 0;
                for (; e < ub; e += V) {
                    FloatVector.fromArray(S, acc, e).mul(inv).intoArray(out, oa + e);
                }
                for (; e < d; e++) {
                    out[oa + e] = acc[e] * inv;
                }
                lse[row] = (float) (max + Math.log(sum));
            }
        });
    }

    // Gradients, parallel over (b, h) (gk, gv rows are shared by all queries of one head). Per
    // query row: D_i = dO·O; for visible keys s_j = q·k_j·scale − lse and dp_j = dO·v_j (two
    // vector dots in one pass over D), p = e^s (one vector pass), then gv_j += p·dO,
    // gq += ds·k_j, gk_j += ds·q with ds = p·(dp − D_i)·scale (vector axpys over D).
    @Override
    public void attentionBackward(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo,
                                  boolean causal, float scale, float[] out, float[] lse, float[] go, int goo,
                                  float[] gq, float[] gk, float[] gv, int bsz, int h, int tq, int tk, int d) {
        Parallel.forRange(bsz * h, 3L * tq * tk * d, (from, to) -> {
            float[] s = new float[tk], p = new float[tk], dps = new float[tk];
            int ub = S.loopBound(d);
            for (int bh = from; bh < to; bh++) {
                int b = bh / h;
                int kb = ko + bh * tk * d, vb = vo + bh * tk * d, kvo = bh * tk * d;
                java.util.Arrays.fill(gk, kvo, kvo + tk * d, 0f);
                java.util.Arrays.fill(gv, kvo, kvo + tk * d, 0f);
                for (int i = 0; i < tq; i++) {
                    int row = bh * tq + i;
                    int qa = qo + row * d, oa = row * d, ga = goo + row * d;
                    java.util.Arrays.fill(gq, oa, oa + d, 0f);
                    float l = lse[row];
                    if (l == Float.NEGATIVE_INFINITY) {
                        continue;
                    }
                    float di = dotF(go, ga, out, oa, d); // D_i = dO_i · O_i
                    int lim = FusedKernels.keyLimit(causal, i, tq, tk);
                    for (int j = 0; j < lim; j++) {
                        if (mask != null && mask[mo + b * tk + j] == 0f) {
                            s[j] = Float.NEGATIVE_INFINITY;
                            continue;
                        }
                        s[j] = dotF(q, qa, k, kb + j * d, d) * scale - l;
                        dps[j] = dotF(go, ga, v, vb + j * d, d);
                    }
                    int j = 0, jb = S.loopBound(lim);
                    for (; j < jb; j += V) {
                        exp(FloatVector.fromArray(S, s, j)).intoArray(p, j);
                    }
                    for (; j < lim; j++) {
                        p[j] = exp(s[j]);
                    }
                    for (j = 0; j < lim; j++) {
                        if (s[j] == Float.NEGATIVE_INFINITY) {
                            continue;
                        }
                        float pj = p[j];
                        float ds = pj * (dps[j] - di) * scale;
                        FloatVector pv = FloatVector.broadcast(S, pj), dsv = FloatVector.broadcast(S, ds);
                        int ka = kb + j * d, kg = kvo + j * d, e = 0;
                        for (; e < ub; e += V) {
                            FloatVector gov = FloatVector.fromArray(S, go, ga + e);
                            FloatVector.fromArray(S, gv, kg + e).add(gov.mul(pv)).intoArray(gv, kg + e);
                            FloatVector.fromArray(S, gq, oa + e).add(FloatVector.fromArray(S, k, ka + e).mul(dsv))
                                    .intoArray(gq, oa + e);
                            FloatVector.fromArray(S, gk, kg + e).add(FloatVector.fromArray(S, q, qa + e).mul(dsv))
                                    .intoArray(gk, kg + e);
                        }
                        for (; e < d; e++) {
                            gv[kg + e] += pj * go[ga + e];
                            gq[oa + e] += ds * k[ka + e];
                            gk[kg + e] += ds * q[qa + e];
                        }
                    }
                }
            }
        });
    }
}
