package dev.plumbline.tensor.backend.cpu;

import dev.plumbline.tensor.Tensor;

/**
 * Iterates several same-shape strided operands row by row. Dims of size 1 are dropped and
 * adjacent dims that are contiguous in every operand are merged, so most loops run as one long
 * inner row with fixed strides — the part the JIT vectorises.
 */
final class StridedLoop {
    /** Called once per inner row with each operand's starting offset and inner stride. */
    interface Row {
        void run(int[] offsets, int[] innerStrides, int length);
    }

    final int[] shape;       // coalesced, outer → inner
    final int[][] strides;   // [operand][dim]
    final int[] base;        // [operand] starting offset
    final int inner;         // length of the inner row
    final int rows;          // number of inner rows

    StridedLoop(int[] shape, Tensor... ts) {
        int n = ts.length;
        int[][] st = new int[n][];
        base = new int[n];
        for (int k = 0; k < n; k++) {
            st[k] = ts[k].strides();
            base[k] = ts[k].offset();
        }
        // drop size-1 dims, then merge mergeable neighbours from the inside out
        int r = 0;
        int[] s = new int[shape.length];
        int[][] ss = new int[n][shape.length];
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) {
                continue;
            }
            if (r > 0) {
                boolean merge = true;
                for (int k = 0; k < n && merge; k++) {
                    merge = ss[k][r - 1] == st[k][d] * shape[d];
                }
                if (merge) {
                    s[r - 1] *= shape[d];
                    for (int k = 0; k < n; k++) {
                        ss[k][r - 1] = st[k][d];
                    }
                    continue;
                }
            }
            s[r] = shape[d];
            for (int k = 0; k < n; k++) {
                ss[k][r] = st[k][d];
            }
            r++;
        }
        if (r == 0) { // a scalar or all-ones shape
            this.shape = new int[] {1};
            this.strides = new int[n][1];
            for (int k = 0; k < n; k++) {
                strides[k][0] = 1;
            }
        } else {
            this.shape = java.util.Arrays.copyOf(s, r);
            this.strides = new int[n][];
            for (int k = 0; k < n; k++) {
                strides[k] = java.util.Arrays.copyOf(ss[k], r);
            }
        }
        long total = 1;
        for (int d : shape) { // the caller's shape: same element count as the coalesced one
            total *= d;
        }
        this.inner = total == 0 ? 0 : this.shape[this.shape.length - 1];
        this.rows = inner == 0 ? 0 : (int) (total / inner);
    }

    /**
     * Whether this is a two-operand 2-D loop whose first operand (out) has contiguous rows and whose
     * second (src) has contiguous columns, i.e. a transposed copy (both dims longer than a tile).
     */
    boolean isTranspose() {
        return base.length == 2 && shape.length == 2 && strides[0][1] == 1 && strides[1][0] == 1
                && strides[1][1] != 1 && shape[0] >= 32 && shape[1] >= 32;
    }

    /**
     * Runs body over every row, in parallel when the work is large. Bodies must be elementwise: a
     * single long row may be handed over in pieces (one per thread).
     */
    void forEachRow(long costPerElement, Row body) {
        if (rows == 0) {
            return;
        }
        int r = shape.length;
        int n = base.length;
        int[] innerStrides = new int[n];
        for (int k = 0; k < n; k++) {
            innerStrides[k] = strides[k][r - 1];
        }
        if (rows == 1) { // one long row (every contiguous operand): split the row itself across threads
            Parallel.forRange(inner, costPerElement, (from, to) -> {
                int[] off = new int[n];
                for (int k = 0; k < n; k++) {
                    off[k] = base[k] + from * innerStrides[k];
                }
                body.run(off, innerStrides, to - from);
            });
            return;
        }
        Parallel.forRange(rows, costPerElement * inner, (from, to) -> {
            int[] idx = new int[Math.max(r - 1, 0)];
            int[] off = new int[n];
            // decompose `from` into the outer multi-index
            int rem = from;
            for (int d = r - 2; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
            }
            for (int k = 0; k < n; k++) {
                int o = base[k];
                for (int d = 0; d < r - 1; d++) {
                    o += idx[d] * strides[k][d];
                }
                off[k] = o;
            }
            for (int row = from; row < to; row++) {
                body.run(off, innerStrides, inner);
                // odometer increment of the outer index
                for (int d = r - 2; d >= 0; d--) {
                    idx[d]++;
                    for (int k = 0; k < n; k++) {
                        off[k] += strides[k][d];
                    }
                    if (idx[d] < shape[d]) {
                        break;
                    }
                    for (int k = 0; k < n; k++) {
                        off[k] -= strides[k][d] * shape[d];
                    }
                    idx[d] = 0;
                }
            }
        });
    }
}
