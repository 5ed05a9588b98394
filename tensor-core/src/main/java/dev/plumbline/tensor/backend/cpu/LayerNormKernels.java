/*
 * LayerNormKernels — layer norm on the CPU, forward and backward: the entry points CpuBackend
 * calls, then the Scalar and the Simd (Vector API) path side by side.
 *
 *   layerNorm   x (N, C), w, b (C) or null → out (N, C), mean (N), rstd (N)
 *
 * Arrays are contiguous; *o arguments are offsets; out, mean, rstd, gx, gw, gb start at 0. Row
 * statistics are double-accurate (two passes, so a large mean cannot cancel the variance away);
 * parallel over rows. Forward and gradient rules: tensor/ops/Fused.
 */
package dev.plumbline.tensor.backend.cpu;

import static dev.plumbline.tensor.backend.cpu.VectorMath.*;

import jdk.incubator.vector.FloatVector;

/** Layer-norm kernels (see the file header). */
final class LayerNormKernels {
    private LayerNormKernels() {}

    /** x, out (n, c); w, b (c) or null → out, mean (n), rstd (n). */
    static void layerNorm(float[] x, int xo, float[] w, int wo, float[] b, int bo, float eps, float[] out,
                          float[] mean, float[] rstd, int n, int c) {
        if (CpuSimd.ON) {
            Simd.layerNorm(x, xo, w, wo, b, bo, eps, out, mean, rstd, n, c);
        } else {
            Scalar.layerNorm(x, xo, w, wo, b, bo, eps, out, mean, rstd, n, c);
        }
    }

    /** gy, x, gx (n, c) → gx, and gw, gb (c) unless null. */
    static void layerNormBackward(float[] gy, int go, float[] x, int xo, float[] w, int wo, float[] mean, float[] rstd,
                                  float[] gx, float[] gw, float[] gb, int n, int c) {
        if (CpuSimd.ON) {
            Simd.layerNormBackward(gy, go, x, xo, w, wo, mean, rstd, gx, gw, gb, n, c);
        } else {
            Scalar.layerNormBackward(gy, go, x, xo, w, wo, mean, rstd, gx, gw, gb, n, c);
        }
    }

    /** Plain Java: the reference (double accumulators, {@code Math.exp}); used without the Vector API. */
    static final class Scalar {
        private Scalar() {}

        static void layerNorm(float[] x, int xo, float[] w, int wo, float[] b, int bo, float eps, float[] out,
                              float[] mean, float[] rstd, int n, int c) {
            Parallel.forRange(n, 4L * c, (from, to) -> {
                for (int r = from; r < to; r++) {
                    int a = xo + r * c, o = r * c;
                    double s = 0;
                    for (int j = 0; j < c; j++) {
                        s += x[a + j];
                    }
                    float mu = (float) (s / c);
                    double s2 = 0;
                    for (int j = 0; j < c; j++) {
                        float d = x[a + j] - mu;
                        s2 += d * d;
                    }
                    float rs = (float) (1.0 / Math.sqrt(s2 / c + eps));
                    for (int j = 0; j < c; j++) {
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

        static void layerNormBackward(float[] gy, int go, float[] x, int xo, float[] w, int wo, float[] mean, float[] rstd,
                                      float[] gx, float[] gw, float[] gb, int n, int c) {
            Parallel.forRange(n, 6L * c, (from, to) -> {
                for (int r = from; r < to; r++) {
                    int a = xo + r * c, g = go + r * c, o = r * c;
                    float mu = mean[r], rs = rstd[r];
                    double sumD = 0, sumDN = 0;
                    for (int j = 0; j < c; j++) {
                        float d = gy[g + j] * (w == null ? 1f : w[wo + j]);
                        float nv = (x[a + j] - mu) * rs;
                        sumD += d;
                        sumDN += d * nv;
                    }
                    float mD = (float) (sumD / c), mDN = (float) (sumDN / c);
                    for (int j = 0; j < c; j++) {
                        float d = gy[g + j] * (w == null ? 1f : w[wo + j]);
                        float nv = (x[a + j] - mu) * rs;
                        gx[o + j] = (d - mD - nv * mDN) * rs;
                    }
                }
            });
            if (gw != null || gb != null) {
                Parallel.forRange(c, 2L * n, (c0, c1) -> {
                    double[] aw = new double[c1 - c0], ab = new double[c1 - c0];
                    for (int r = 0; r < n; r++) {
                        int a = xo + r * c, g = go + r * c;
                        float mu = mean[r], rs = rstd[r];
                        for (int j = c0; j < c1; j++) {
                            aw[j - c0] += gy[g + j] * ((x[a + j] - mu) * rs);
                            ab[j - c0] += gy[g + j];
                        }
                    }
                    for (int j = c0; j < c1; j++) {
                        if (gw != null) {
                            gw[j] = (float) aw[j - c0];
                        }
                        if (gb != null) {
                            gb[j] = (float) ab[j - c0];
                        }
                    }
                });
            }
        }
    }

    /** Vector API over {@link VectorMath}'s building blocks; loaded only when {@link CpuSimd#ON}. */
    static final class Simd {
        private Simd() {}

        // x, out (n, c); w, b (c). Per row (3 KiB at C = 768, L1-resident): Σx → mean, Σ(x−mean)² →
        // rstd (two passes, not Σx², so a large mean cannot cancel the variance away), then one fused
        // normalise + affine pass.
        static void layerNorm(float[] x, int xo, float[] w, int wo, float[] b, int bo, float eps, float[] out,
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
        static void layerNormBackward(float[] gy, int go, float[] x, int xo, float[] w, int wo, float[] mean, float[] rstd,
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
    }
}
