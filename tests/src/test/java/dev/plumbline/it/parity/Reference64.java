package dev.plumbline.it.parity;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Float64 definitions of the ops on row-major host arrays — the CPU backend's reference in the
 * parity suite. Written from the math, not from the engine. A strided read ({@link #strided})
 * expresses every view (transpose, step slice, expand) the cases apply.
 */
final class Reference64 {
    private Reference64() {}

    static int numel(int[] s) {
        int n = 1;
        for (int d : s) {
            n *= d;
        }
        return n;
    }

    static int[] stridesOf(int[] s) {
        int[] st = new int[s.length];
        for (int i = s.length - 1, acc = 1; i >= 0; i--) {
            st[i] = acc;
            acc *= s[i];
        }
        return st;
    }

    /** out[idx] = a[offset + Σ idx·strides]: the float64 twin of any view. */
    static double[] strided(double[] a, int[] shape, int[] strides, int offset) {
        double[] o = new double[numel(shape)];
        int[] idx = new int[shape.length];
        for (int i = 0; i < o.length; i++) {
            int p = offset;
            for (int d = 0; d < shape.length; d++) {
                p += idx[d] * strides[d];
            }
            o[i] = a[p];
            for (int d = shape.length - 1; d >= 0 && ++idx[d] == shape[d]; d--) {
                idx[d] = 0;
            }
        }
        return o;
    }

    /** a (shape) with its dims reordered. */
    static double[] permute(double[] a, int[] shape, int... perm) {
        int[] st = stridesOf(shape), ns = new int[perm.length], nst = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            ns[i] = shape[perm[i]];
            nst[i] = st[perm[i]];
        }
        return strided(a, ns, nst, 0);
    }

    static double[] map(double[] a, DoubleUnaryOperator f) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = f.applyAsDouble(a[i]);
        }
        return o;
    }

    static int[] broadcast(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
            int db = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
            o[i] = da == 1 ? db : da;
        }
        return o;
    }

    /** a broadcast up to shape: stride 0 on new and size-1 dims. */
    static double[] expand(double[] a, int[] as, int[] shape) {
        int[] st = new int[shape.length], ast = stridesOf(as);
        for (int i = 0; i < shape.length; i++) {
            int j = i - (shape.length - as.length);
            st[i] = j < 0 || as[j] == 1 ? 0 : ast[j];
        }
        return strided(a, shape, st, 0);
    }

    static double[] zip(double[] a, int[] as, double[] b, int[] bs, DoubleBinaryOperator f) {
        int[] os = broadcast(as, bs);
        double[] x = expand(a, as, os), y = expand(b, bs, os), o = new double[x.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = f.applyAsDouble(x[i], y[i]);
        }
        return o;
    }

    static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Reduction kinds. */
    enum Red { SUM, MAX }

    /** Reduce over dims, keep-dim layout. */
    static double[] reduce(double[] a, int[] shape, int[] dims, Red op) {
        int[] kept = shape.clone();
        for (int d : dims) {
            kept[d] = 1;
        }
        double[] o = new double[numel(kept)];
        Arrays.fill(o, op == Red.SUM ? 0 : Double.NEGATIVE_INFINITY);
        int[] kst = stridesOf(kept), idx = new int[shape.length];
        for (int i = 0; i < a.length; i++) {
            int j = 0;
            for (int d = 0; d < shape.length; d++) {
                j += (kept[d] == 1 ? 0 : idx[d]) * kst[d];
            }
            o[j] = op == Red.SUM ? o[j] + a[i] : Math.max(o[j], a[i]);
            for (int d = shape.length - 1; d >= 0 && ++idx[d] == shape[d]; d--) {
                idx[d] = 0;
            }
        }
        return o;
    }

    /** a (..., M, K) @ b (..., K, N), batch dims broadcast (both rank ≥ 2). */
    static double[] matmul(double[] a, int[] as, double[] b, int[] bs) {
        int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
        int[] batch = broadcast(Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2));
        int[] ae = Arrays.copyOf(batch, batch.length + 2), be = Arrays.copyOf(batch, batch.length + 2);
        ae[batch.length] = m;
        ae[batch.length + 1] = k;
        be[batch.length] = k;
        be[batch.length + 1] = n;
        double[] x = expand(a, as, ae), y = expand(b, bs, be);
        int nb = numel(batch);
        double[] o = new double[nb * m * n];
        for (int q = 0; q < nb; q++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += x[q * m * k + i * k + p] * y[q * k * n + p * n + j];
                    }
                    o[q * m * n + i * n + j] = s;
                }
            }
        }
        return o;
    }

    static double logSumExp(double[] x, int from, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            m = Math.max(m, x[from + j]);
        }
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += Math.exp(x[from + j] - m);
        }
        return m + Math.log(s);
    }

    static double[] softmaxRows(double[] x, int v, boolean log) {
        double[] o = new double[x.length];
        for (int r = 0; r < x.length / v; r++) {
            double l = logSumExp(x, r * v, v);
            for (int j = 0; j < v; j++) {
                o[r * v + j] = log ? x[r * v + j] - l : Math.exp(x[r * v + j] - l);
            }
        }
        return o;
    }

    /** Mean over non-ignored rows of lse − logit[target]. */
    static double crossEntropy(double[] logits, int v, int[] t, int ignore) {
        double s = 0;
        int c = 0;
        for (int r = 0; r < t.length; r++) {
            if (t[r] != ignore) {
                s += logSumExp(logits, r * v, v) - logits[r * v + t[r]];
                c++;
            }
        }
        return c == 0 ? 0 : s / c;
    }

    static double[] layerNorm(double[] x, int c, double[] w, double[] b, double eps) {
        double[] o = new double[x.length];
        for (int r = 0; r < x.length / c; r++) {
            double mean = 0, var = 0;
            for (int j = 0; j < c; j++) {
                mean += x[r * c + j] / c;
            }
            for (int j = 0; j < c; j++) {
                var += (x[r * c + j] - mean) * (x[r * c + j] - mean) / c;
            }
            for (int j = 0; j < c; j++) {
                o[r * c + j] = (x[r * c + j] - mean) / Math.sqrt(var + eps) * (w == null ? 1 : w[j]) + (b == null ? 0 : b[j]);
            }
        }
        return o;
    }

    /** Attention by its definition; causal query i sits at Tk − Tq + i; rows seeing nothing are 0. */
    static double[] attention(double[] q, double[] k, double[] v, double[] mask, boolean causal, double scale,
                              int bsz, int h, int tq, int tk, int d) {
        double[] o = new double[bsz * h * tq * d];
        for (int bh = 0; bh < bsz * h; bh++) {
            int b = bh / h;
            for (int i = 0; i < tq; i++) {
                double[] s = new double[tk];
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < tk; j++) {
                    boolean vis = (!causal || j <= tk - tq + i) && (mask == null || mask[b * tk + j] != 0);
                    s[j] = Double.NEGATIVE_INFINITY;
                    if (vis) {
                        double dot = 0;
                        for (int e = 0; e < d; e++) {
                            dot += q[(bh * tq + i) * d + e] * k[(bh * tk + j) * d + e];
                        }
                        s[j] = dot * scale;
                        m = Math.max(m, s[j]);
                    }
                }
                if (m == Double.NEGATIVE_INFINITY) {
                    continue;
                }
                double z = 0;
                for (int j = 0; j < tk; j++) {
                    z += Math.exp(s[j] - m);
                }
                for (int j = 0; j < tk; j++) {
                    double p = Math.exp(s[j] - m) / z;
                    for (int e = 0; e < d; e++) {
                        o[(bh * tq + i) * d + e] += p * v[(bh * tk + j) * d + e];
                    }
                }
            }
        }
        return o;
    }
}
