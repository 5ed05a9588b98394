package dev.plumbline.kernels.opencl;

import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The shape and per-operand strides/offsets of an elementwise loop, packed as the {@code pl_layout}
 * struct of {@code common.cl} and passed to kernels by value (no buffer per launch):
 *
 * <pre>
 * struct pl_layout { int rank; int n; int shape[8]; int stride[4][8]; int offset[4]; }   // 184 bytes
 * </pre>
 *
 * Size-1 dims are dropped and neighbouring dims that are contiguous in every operand are merged (as
 * the CPU's StridedLoop does), so element {@code i} of the row-major order maps to the same storage
 * offset in every operand, and most layouts shrink to rank 1.
 *
 * <pre>{@code
 * StridedLayout l = StridedLayout.of("add", out.shape(), out, x, y);   // operands 0, 1, 2
 * }</pre>
 */
final class StridedLayout {
    static final int MAX_RANK = 8;
    static final int MAX_OPERANDS = 4;
    static final int BYTES = 4 * (2 + MAX_RANK + MAX_OPERANDS * MAX_RANK + MAX_OPERANDS);

    final int rank;
    final int n;
    final int[] shape;
    final int[][] strides;
    final int[] offsets;

    private StridedLayout(int rank, int n, int[] shape, int[][] strides, int[] offsets) {
        this.rank = rank;
        this.n = n;
        this.shape = shape;
        this.strides = strides;
        this.offsets = offsets;
    }

    /** The layout of {@code operands} (all viewed with {@code shape}). */
    static StridedLayout of(String op, int[] shape, Tensor... operands) {
        int[][] st = new int[operands.length][];
        int[] off = new int[operands.length];
        for (int k = 0; k < operands.length; k++) {
            st[k] = operands[k].strides();
            off[k] = operands[k].offset();
        }
        return of(op, shape, st, off);
    }

    /** The layout of operands given by explicit strides and offsets over {@code shape}. */
    static StridedLayout of(String op, int[] shape, int[][] strides, int[] offsets) {
        int nops = strides.length;
        if (nops > MAX_OPERANDS) {
            throw new IllegalArgumentException("opencl " + op + ": " + nops + " operands, at most " + MAX_OPERANDS);
        }
        int[] s = new int[shape.length];
        int[][] ss = new int[nops][shape.length];
        int r = 0;
        long total = 1;
        for (int d = 0; d < shape.length; d++) {
            total *= shape[d];
            if (shape[d] == 1) {
                continue;
            }
            if (r > 0) {
                boolean merge = true;
                for (int k = 0; k < nops && merge; k++) {
                    merge = ss[k][r - 1] == strides[k][d] * shape[d];
                }
                if (merge) {
                    s[r - 1] *= shape[d];
                    for (int k = 0; k < nops; k++) {
                        ss[k][r - 1] = strides[k][d];
                    }
                    continue;
                }
            }
            s[r] = shape[d];
            for (int k = 0; k < nops; k++) {
                ss[k][r] = strides[k][d];
            }
            r++;
        }
        if (r > MAX_RANK) {
            throw new IllegalArgumentException("opencl " + op + ": layout " + Shape.str(shape) + " has " + r
                    + " dims after merging contiguous ones; the OpenCL kernels take at most " + MAX_RANK);
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("opencl " + op + ": " + total + " elements exceed 2^31-1");
        }
        return new StridedLayout(r, (int) total, s, ss, offsets.clone());
    }

    /** Writes the struct into {@code b} (direct, native order) from position 0 and flips it. */
    ByteBuffer write(ByteBuffer b) {
        b.clear();
        b.order(ByteOrder.nativeOrder());
        b.putInt(rank).putInt(n);
        for (int d = 0; d < MAX_RANK; d++) {
            b.putInt(d < rank ? shape[d] : 1);
        }
        for (int k = 0; k < MAX_OPERANDS; k++) {
            for (int d = 0; d < MAX_RANK; d++) {
                b.putInt(k < strides.length && d < rank ? strides[k][d] : 0);
            }
        }
        for (int k = 0; k < MAX_OPERANDS; k++) {
            b.putInt(k < offsets.length ? offsets[k] : 0);
        }
        b.flip();
        return b;
    }
}
