/*
 * VectorMath — the Vector-API building blocks of the CPU kernels' SIMD paths (the Simd classes of
 * SoftmaxKernels, LayerNormKernels, AttentionKernels, GeluKernels, and CpuReduce's row sums). Each
 * Simd path gives its Scalar twin's results to float rounding.
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
 * Touched only when CpuSimd.ON: CpuSimd probes it by name, so nothing links against
 * jdk.incubator.vector unless the module is in the boot layer.
 */
package dev.plumbline.tensor.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector-API exp, fixed-order 16-lane sums, dot products and max over float rows. */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> SI = S.vectorShape().withLanes(int.class);
    static final int V = S.length();
    /** Logical lanes of every sum: the same on every machine (a multiple of any x86 float V). */
    static final int L = 16;
    /** Vectors per logical 16-lane accumulator: 1 (AVX-512), 2 (AVX2), 4 (SSE / 128-bit). */
    static final int K = L / V;
    /** Elements per float-lane partial sum before it is added to the double total. */
    static final int BLOCK = 512;

    // exp constants (Cephes expf)
    private static final float EXP_LO = -110f, EXP_HI = 89f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: adding it rounds a float of magnitude < 2^22 to an integer in the low mantissa bits. */
    private static final float MAGIC = 12582912f;
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    private VectorMath() {}

    /**
     * {@code "vector-<bits>"}, or an exception when there is no real SIMD behind the API (e.g. a
     * 64-bit preferred species), where the scalar paths are as good. Called once, by {@link CpuSimd}.
     */
    static String probe() {
        if (V < 4 || V > L || L % V != 0 || SI.length() != V) {
            throw new UnsupportedOperationException("preferred float species has " + V + " lanes");
        }
        return "vector-" + S.vectorBitSize();
    }

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

    /**
     * Σ of the 16 logical lanes a0 (lanes 0..V-1), a1 (V..2V-1), a2, a3 in one fixed pairwise order:
     * lane i += lane i+8, then i+4, i+2, i+1. The same additions happen for every V (unused
     * arguments are ignored), so the result does not depend on the hardware vector length.
     * {@code reduceLanes(ADD)} leaves its order unspecified and is not used.
     */
    static float sumLanes(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3) {
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
    static int bound(int n) {
        return n & -L;
    }

    /** max of x[a .. a+n), NaN if any is NaN, −∞ for n = 0. */
    static float max(float[] x, int a, int n) {
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

    /** Σ x[a .. a+n) to double accuracy, 16 logical lanes (CpuReduce's contiguous rows). */
    static double sum(float[] x, int a, int n) {
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
    static double dot(float[] x, int a, float[] y, int b, int n) {
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
    static float dotF(float[] x, int a, float[] y, int b, int n) {
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
    static double expSum(float[] x, int a, float shift, int n) {
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
    static double expStoreSum(float[] x, int a, float shift, float[] out, int o, int n) {
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
}
