/*
 * SoftmaxKernels — softmax, log-softmax and cross-entropy on the CPU, forward and backward: the
 * entry points CpuBackend calls, then the Scalar and the Simd (Vector API) path side by side.
 *
 *   softmax / logSoftmax   x (R, V)             → out (R, V)
 *   crossEntropy           logits (N, V), t (N) → loss (N), lse (N)
 *
 * Arrays are contiguous; *o arguments are offsets; loss, lse and cross-entropy's gx start at 0.
 * Numerically careful (max-subtracted exponentials, double-accurate row sums), parallel over rows,
 * so no result depends on the thread count. Forward and gradient rules: tensor/ops/Fused.
 */
package dev.plumbline.tensor.backend.cpu;

import static dev.plumbline.tensor.backend.cpu.VectorMath.*;

import jdk.incubator.vector.FloatVector;

/** Softmax and cross-entropy kernels (see the file header). */
final class SoftmaxKernels {
    private SoftmaxKernels() {}

    /** x, out (rows, v): softmax (or log-softmax when {@code log}) of each row. */
    static void softmax(float[] x, int xo, float[] out, int oo, int rows, int v, boolean log) {
        if (CpuSimd.ON) {
            Simd.softmax(x, xo, out, oo, rows, v, log);
        } else {
            Scalar.softmax(x, xo, out, oo, rows, v, log);
        }
    }

    /** y, gy, gx (rows, v): gradient of (log-)softmax given its output y. */
    static void softmaxBackward(float[] y, int yo, float[] gy, int go, float[] gx, int xo, int rows, int v, boolean log) {
        if (CpuSimd.ON) {
            Simd.softmaxBackward(y, yo, gy, go, gx, xo, rows, v, log);
        } else {
            Scalar.softmaxBackward(y, yo, gy, go, gx, xo, rows, v, log);
        }
    }

    /** x (n, v), t (n) → loss (n) (0 where t = ignore), lse (n); a target outside [0, v) is refused first. */
    static void crossEntropy(float[] x, int xo, int[] t, int to, int ignore, float[] loss, float[] lse, int n, int v) {
        for (int r = 0; r < n; r++) {
            int tr = t[to + r];
            if (tr != ignore && (tr < 0 || tr >= v)) {
                throw new IndexOutOfBoundsException("crossEntropy: target " + tr + " out of range [0, " + v + ") at row " + r);
            }
        }
        if (CpuSimd.ON) {
            Simd.crossEntropy(x, xo, t, to, ignore, loss, lse, n, v);
        } else {
            Scalar.crossEntropy(x, xo, t, to, ignore, loss, lse, n, v);
        }
    }

    /** gx (n, v) = gl[r] · (softmax(x_r) − onehot(t_r)), zero rows where ignored. */
    static void crossEntropyBackward(float[] x, int xo, int[] t, int to, int ignore, float[] lse, float[] gl, int glo,
                                     float[] gx, int n, int v) {
        if (CpuSimd.ON) {
            Simd.crossEntropyBackward(x, xo, t, to, ignore, lse, gl, glo, gx, n, v);
        } else {
            Scalar.crossEntropyBackward(x, xo, t, to, ignore, lse, gl, glo, gx, n, v);
        }
    }

    /** Plain Java: the reference (double accumulators, {@code Math.exp}); used without the Vector API. */
    static final class Scalar {
        private Scalar() {}

        static void softmax(float[] x, int xo, float[] out, int oo, int rows, int v, boolean log) {
            Parallel.forRange(rows, 4L * v, (from, to) -> {
                for (int r = from; r < to; r++) {
                    int a = xo + r * v, b = oo + r * v;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < v; j++) {
                        max = Math.max(max, x[a + j]);
                    }
                    if (max == Float.NEGATIVE_INFINITY) {
                        max = 0f; // all −∞: exp gives zeros and the row comes out NaN, as in PyTorch
                    }
                    double sum = 0;
                    if (log) {
                        for (int j = 0; j < v; j++) {
                            sum += Math.exp(x[a + j] - max);
                        }
                        float l = (float) (max + Math.log(sum));
                        for (int j = 0; j < v; j++) {
                            out[b + j] = x[a + j] - l;
                        }
                    } else {
                        for (int j = 0; j < v; j++) {
                            float e = (float) Math.exp(x[a + j] - max);
                            out[b + j] = e;
                            sum += e;
                        }
                        float inv = (float) (1.0 / sum);
                        for (int j = 0; j < v; j++) {
                            out[b + j] *= inv;
                        }
                    }
                }
            });
        }

        static void softmaxBackward(float[] y, int yo, float[] gy, int go, float[] gx, int xo, int rows, int v, boolean log) {
            Parallel.forRange(rows, 4L * v, (from, to) -> {
                for (int r = from; r < to; r++) {
                    int a = yo + r * v, b = go + r * v, c = xo + r * v;
                    double dot = 0;
                    if (log) {
                        for (int j = 0; j < v; j++) {
                            dot += gy[b + j];
                        }
                        float s = (float) dot;
                        for (int j = 0; j < v; j++) {
                            gx[c + j] = gy[b + j] - (float) Math.exp(y[a + j]) * s;
                        }
                    } else {
                        for (int j = 0; j < v; j++) {
                            dot += gy[b + j] * y[a + j];
                        }
                        float s = (float) dot;
                        for (int j = 0; j < v; j++) {
                            gx[c + j] = y[a + j] * (gy[b + j] - s);
                        }
                    }
                }
            });
        }

        static void crossEntropy(float[] x, int xo, int[] t, int to, int ignore, float[] loss, float[] lse, int n, int v) {
            Parallel.forRange(n, 3L * v, (from, end) -> {
                for (int r = from; r < end; r++) {
                    int a = xo + r * v;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < v; j++) {
                        max = Math.max(max, x[a + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < v; j++) {
                        sum += Math.exp(x[a + j] - max);
                    }
                    float l = (float) (max + Math.log(sum));
                    lse[r] = l;
                    int tr = t[to + r];
                    loss[r] = tr == ignore ? 0f : l - x[a + tr];
                }
            });
        }

        static void crossEntropyBackward(float[] x, int xo, int[] t, int to, int ignore, float[] lse, float[] gl, int glo,
                                         float[] gx, int n, int v) {
            Parallel.forRange(n, 2L * v, (from, end) -> {
                for (int r = from; r < end; r++) {
                    int a = xo + r * v, c = r * v;
                    int tr = t[to + r];
                    if (tr == ignore) {
                        java.util.Arrays.fill(gx, c, c + v, 0f);
                        continue;
                    }
                    float g = gl[glo + r], l = lse[r];
                    for (int j = 0; j < v; j++) {
                        gx[c + j] = g * (float) Math.exp(x[a + j] - l);
                    }
                    gx[c + tr] -= g;
                }
            });
        }
    }

    /** Vector API over {@link VectorMath}'s building blocks; loaded only when {@link CpuSimd#ON}. */
    static final class Simd {
        private Simd() {}

        // x, out (rows, v). Passes per row (a 4 KiB row stays in L1): max; exp + sum (+ store);
        // scale (softmax) or subtract log-sum-exp (log-softmax).
        static void softmax(float[] x, int xo, float[] out, int oo, int rows, int v, boolean log) {
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
        static void softmaxBackward(float[] y, int yo, float[] gy, int go, float[] gx, int xo, int rows, int v, boolean log) {
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

        // logits (n, v) → lse (n), loss (n). Two passes per row (max, exp-sum); a 50257-float row
        // (196 KiB) stays in L2 between them.
        static void crossEntropy(float[] x, int xo, int[] t, int to, int ignore, float[] loss, float[] lse, int n, int v) {
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
        static void crossEntropyBackward(float[] x, int xo, int[] t, int to, int ignore, float[] lse, float[] gl, int glo,
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
    }
}
