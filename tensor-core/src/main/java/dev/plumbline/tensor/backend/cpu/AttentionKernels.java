/*
 * AttentionKernels — fused scaled-dot-product attention on the CPU, forward and backward: the
 * entry points CpuBackend calls, then the Scalar and the Simd (Vector API) path side by side.
 *
 *   attention   q (B,H,Tq,D), k, v (B,H,Tk,D), mask (B,Tk) or null → out (B,H,Tq,D), lse (B,H,Tq)
 *
 * Arrays are contiguous; *o arguments are offsets; out, lse, gq, gk, gv start at 0. Per query
 * row, max-subtracted; parallel over (batch, head, query) rows. Forward and gradient rules:
 * tensor/ops/Fused.
 */
package dev.plumbline.tensor.backend.cpu;

import static dev.plumbline.tensor.backend.cpu.VectorMath.*;

import jdk.incubator.vector.FloatVector;

/** Attention kernels (see the file header). */
final class AttentionKernels {
    private AttentionKernels() {}

    /** q (B,H,Tq,D), k, v (B,H,Tk,D), mask (B,Tk) or null → out (B,H,Tq,D), lse (B,H,Tq). */
    static void attention(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo, boolean causal,
                          float scale, float[] out, float[] lse, int bsz, int h, int tq, int tk, int d) {
        if (CpuSimd.ON) {
            Simd.attention(q, qo, k, ko, v, vo, mask, mo, causal, scale, out, lse, bsz, h, tq, tk, d);
        } else {
            Scalar.attention(q, qo, k, ko, v, vo, mask, mo, causal, scale, out, lse, bsz, h, tq, tk, d);
        }
    }

    /** Gradients gq (B,H,Tq,D), gk, gv (B,H,Tk,D) of attention given out, lse and dout. */
    static void attentionBackward(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo,
                                  boolean causal, float scale, float[] out, float[] lse, float[] go, int goo,
                                  float[] gq, float[] gk, float[] gv, int bsz, int h, int tq, int tk, int d) {
        if (CpuSimd.ON) {
            Simd.attentionBackward(q, qo, k, ko, v, vo, mask, mo, causal, scale, out, lse, go, goo, gq, gk, gv, bsz, h, tq, tk, d);
        } else {
            Scalar.attentionBackward(q, qo, k, ko, v, vo, mask, mo, causal, scale, out, lse, go, goo, gq, gk, gv, bsz, h, tq, tk, d);
        }
    }

    /** Last key index (exclusive) visible to query i (causal: queries are the last tq of tk positions). */
    static int keyLimit(boolean causal, int i, int tq, int tk) {
        return causal ? tk - tq + i + 1 : tk;
    }

    /** Plain Java: the reference (double accumulators, {@code Math.exp}); used without the Vector API. */
    static final class Scalar {
        private Scalar() {}

        static void attention(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo, boolean causal,
                              float scale, float[] out, float[] lse, int bsz, int h, int tq, int tk, int d) {
            int rows = bsz * h * tq;
            Parallel.forRange(rows, 4L * tk * d, (from, to) -> {
                float[] s = new float[tk];
                double[] acc = new double[d];
                for (int row = from; row < to; row++) {
                    int i = row % tq, bh = row / tq, b = bh / h;
                    int qa = qo + row * d, kb = ko + bh * tk * d, vb = vo + bh * tk * d, oa = row * d;
                    int lim = AttentionKernels.keyLimit(causal, i, tq, tk);
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < lim; j++) {
                        if (mask != null && mask[mo + b * tk + j] == 0f) {
                            s[j] = Float.NEGATIVE_INFINITY;
                            continue;
                        }
                        float dot = 0f;
                        for (int e = 0, ka = kb + j * d; e < d; e++) {
                            dot += q[qa + e] * k[ka + e];
                        }
                        s[j] = dot * scale;
                        max = Math.max(max, s[j]);
                    }
                    java.util.Arrays.fill(acc, 0);
                    if (max == Float.NEGATIVE_INFINITY) { // nothing visible: zeros, lse = −∞
                        java.util.Arrays.fill(out, oa, oa + d, 0f);
                        lse[row] = Float.NEGATIVE_INFINITY;
                        continue;
                    }
                    double sum = 0;
                    for (int j = 0; j < lim; j++) {
                        if (s[j] == Float.NEGATIVE_INFINITY) {
                            continue;
                        }
                        float p = (float) Math.exp(s[j] - max);
                        sum += p;
                        for (int e = 0, va = vb + j * d; e < d; e++) {
                            acc[e] += p * v[va + e];
                        }
                    }
                    for (int e = 0; e < d; e++) {
                        out[oa + e] = (float) (acc[e] / sum);
                    }
                    lse[row] = (float) (max + Math.log(sum));
                }
            });
        }

        static void attentionBackward(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo,
                                      boolean causal, float scale, float[] out, float[] lse, float[] go, int goo,
                                      float[] gq, float[] gk, float[] gv, int bsz, int h, int tq, int tk, int d) {
            // parallel over (b, h): gk and gv rows are shared by all queries of one head
            Parallel.forRange(bsz * h, 6L * tq * tk * d, (from, to) -> {
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
                        float di = 0f; // D_i = dO_i · O_i
                        for (int e = 0; e < d; e++) {
                            di += go[ga + e] * out[oa + e];
                        }
                        int lim = AttentionKernels.keyLimit(causal, i, tq, tk);
                        for (int j = 0; j < lim; j++) {
                            if (mask != null && mask[mo + b * tk + j] == 0f) {
                                continue;
                            }
                            int ka = kb + j * d, va = vb + j * d, kg = kvo + j * d;
                            float dot = 0f, dp = 0f;
                            for (int e = 0; e < d; e++) {
                                dot += q[qa + e] * k[ka + e];
                                dp += go[ga + e] * v[va + e];
                            }
                            float p = (float) Math.exp(dot * scale - l);
                            float ds = p * (dp - di) * scale;
                            for (int e = 0; e < d; e++) {
                                gv[kg + e] += p * go[ga + e];
                                gq[oa + e] += ds * k[ka + e];
                                gk[kg + e] += ds * q[qa + e];
                            }
                        }
                    }
                }
            });
        }
    }

    /** Vector API over {@link VectorMath}'s building blocks; loaded only when {@link CpuSimd#ON}. */
    static final class Simd {
        private Simd() {}

        // q (B,H,Tq,D), k, v (B,H,Tk,D) → out, lse. Per query row: scores s_j = q·k_j·scale (vector
        // dot over D), max, p = e^(s − max) and Σp in one vector pass, then out = Σ p_j·v_j / Σp
        // (vector axpy over D into a float accumulator).
        static void attention(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo, boolean causal,
                              float scale, float[] out, float[] lse, int bsz, int h, int tq, int tk, int d) {
            int rows = bsz * h * tq;
            Parallel.forRange(rows, 2L * tk * d, (from, to) -> {
                float[] s = new float[tk], p = new float[tk];
                float[] acc = new float[d];
                int ub = S.loopBound(d);
                for (int row = from; row < to; row++) {
                    int i = row % tq, bh = row / tq, b = bh / h;
                    int qa = qo + row * d, kb = ko + bh * tk * d, vb = vo + bh * tk * d, oa = row * d;
                    int lim = AttentionKernels.keyLimit(causal, i, tq, tk);
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
        static void attentionBackward(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo,
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
                        int lim = AttentionKernels.keyLimit(causal, i, tq, tk);
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
}
