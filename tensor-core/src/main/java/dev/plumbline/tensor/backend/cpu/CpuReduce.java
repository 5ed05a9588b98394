package dev.plumbline.tensor.backend.cpu;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.backend.ReduceOp;

/**
 * CPU reductions over any set of dims. Kept dims index the output; the reduced dims are walked
 * as a (coalesced) strided block per output element. Sums accumulate in double so that long
 * reductions stay accurate to float rounding (contiguous runs go through {@link #sum}:
 * on the Simd path {@link VectorMath#sum}, float lanes flushed to double every 512 elements). A fast path handles the common
 * "sum the leading dims of a contiguous tensor" (bias gradients) row by row.
 */
final class CpuReduce {
    private CpuReduce() {}

    static void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        int r = x.dim();
        int[] shape = x.shape();
        int[] strides = x.strides();
        float[] xv = CpuBackend.f(x);
        boolean[] red = new boolean[r];
        for (int d : dims) {
            red[d] = true;
        }
        if (op == ReduceOp.SUM && x.isContiguous() && isPrefix(red, dims.length)) {
            sumLeading(xv, x.offset(), shape, dims.length, CpuBackend.f(out));
            return;
        }
        int nk = r - dims.length;
        int[] kShape = new int[nk], kStride = new int[nk];
        int[] rShape = new int[dims.length], rStride = new int[dims.length];
        for (int d = 0, a = 0, b = 0; d < r; d++) {
            if (red[d]) {
                rShape[b] = shape[d];
                rStride[b++] = strides[d];
            } else {
                kShape[a] = shape[d];
                kStride[a++] = strides[d];
            }
        }
        int outN = 1;
        for (int s : kShape) {
            outN *= s;
        }
        long inner = 1;
        for (int s : rShape) {
            inner *= s;
        }
        // the reduced block, coalesced; its inner stride drives the innermost loop
        Tensor block = Tensor.view(x.storage(), rShape, rStride, 0);
        StridedLoop rl = new StridedLoop(rShape, block);
        boolean arg = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN;
        float[] ov = arg ? null : CpuBackend.f(out);
        int[] oi = arg ? CpuBackend.i(out) : null;
        int base0 = x.offset();
        Parallel.forRange(outN, inner, (from, to) -> {
            int[] idx = new int[rl.shape.length];
            for (int o = from; o < to; o++) {
                int base = base0, rem = o;
                for (int d = nk - 1; d >= 0; d--) {
                    base += (rem % kShape[d]) * kStride[d];
                    rem /= kShape[d];
                }
                double acc = op == ReduceOp.SUM ? 0 : Double.NaN;
                float best = op == ReduceOp.MAX || op == ReduceOp.ARGMAX ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
                int bestAt = -1;
                boolean nan = false;
                // walk the reduced block in row-major order
                java.util.Arrays.fill(idx, 0);
                int rows = rl.rows, len = rl.inner, rr = rl.shape.length;
                int[] rs = rl.strides[0];
                int pos = 0;
                for (int row = 0; row < rows; row++) {
                    int off = base;
                    for (int d = 0; d < rr - 1; d++) {
                        off += idx[d] * rs[d];
                    }
                    int st = rs[rr - 1];
                    if (op == ReduceOp.SUM && st == 1) {
                        acc += sum(xv, off, len); // contiguous run: lane-wise sums on SIMD
                    } else if (op == ReduceOp.SUM) {
                        double s = 0;
                        for (int k = 0, p = off; k < len; k++, p += st) {
                            s += xv[p];
                        }
                        acc += s;
                    } else {
                        boolean max = op == ReduceOp.MAX || op == ReduceOp.ARGMAX;
                        for (int k = 0, p = off; k < len; k++, p += st, pos++) {
                            float v = xv[p];
                            if (Float.isNaN(v)) {
                                if (!nan) {
                                    nan = true;
                                    bestAt = pos;
                                }
                            } else if (!nan && (bestAt < 0 || (max ? v > best : v < best))) {
                                best = v;
                                bestAt = pos;
                            }
                        }
                    }
                    for (int d = rr - 2; d >= 0; d--) {
                        if (++idx[d] < rl.shape[d]) {
                            break;
                        }
                        idx[d] = 0;
                    }
                }
                if (op == ReduceOp.SUM) {
                    ov[o] = (float) acc;
                } else if (arg) {
                    oi[o] = bestAt;
                } else {
                    ov[o] = nan ? Float.NaN : best;
                }
            }
        });
    }

    private static boolean isPrefix(boolean[] red, int count) {
        for (int d = 0; d < count; d++) {
            if (!red[d]) {
                return false;
            }
        }
        return count < red.length;
    }

    /** out[j] = Σ_i x[i, j] for contiguous x viewed as (rows, cols); parallel over column blocks. */
    private static void sumLeading(float[] x, int off, int[] shape, int lead, float[] out) {
        int rows = 1;
        for (int d = 0; d < lead; d++) {
            rows *= shape[d];
        }
        int cols = 1;
        for (int d = lead; d < shape.length; d++) {
            cols *= shape[d];
        }
        int nr = rows, nc = cols;
        Parallel.forRange(cols, rows, (c0, c1) -> {
            double[] acc = new double[c1 - c0];
            for (int i = 0; i < nr; i++) {
                int b = off + i * nc;
                for (int j = c0; j < c1; j++) {
                    acc[j - c0] += x[b + j];
                }
            }
            for (int j = c0; j < c1; j++) {
                out[j] = (float) acc[j - c0];
            }
        });
    }

    /** Σ x[off .. off+n) accumulated to double accuracy: {@link VectorMath#sum} on the Simd path, else {@link Scalar#sum}. */
    static double sum(float[] x, int off, int n) {
        return CpuSimd.ON ? VectorMath.sum(x, off, n) : Scalar.sum(x, off, n);
    }

    /** The plain-Java row sum (a double accumulator). */
    static final class Scalar {
        private Scalar() {}

        static double sum(float[] x, int off, int n) {
            double s = 0;
            for (int k = 0; k < n; k++) {
                s += x[off + k];
            }
            return s;
        }
    }
}
