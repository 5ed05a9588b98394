package dev.plumbline.tensor.backend;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * The host-side contract of every {@link Backend} primitive, checked before any kernel sees its
 * arguments: a GPU kernel given a tensor that is too small, of the wrong dtype or laid out other than
 * it assumes reads or writes outside its buffer, and on a CPU OpenCL device (PoCL) that corrupts the
 * JVM's own memory. Each method is named after the primitive it guards and throws
 * {@link IllegalArgumentException} naming the device, the op, the argument and the shapes and sizes
 * involved; nothing has been enqueued or written when it throws.
 *
 * <pre>{@code
 * public void softmax(Tensor x, boolean log, Tensor out) {
 *     BackendChecks.softmax(device, x, log, out);   // e.g. "opencl:0 softmax: out [2, 3] must have x's shape [4, 8]"
 *     ... enqueue ...
 * }
 * }</pre>
 *
 * Every tensor is also checked against its storage: live, on this device, and every element its
 * shape, strides and offset address inside the storage (so a hand-made {@link Tensor#view} cannot
 * reach past a buffer). The checks cost O(rank) per argument.
 */
public final class BackendChecks {
    private BackendChecks() {}

    // ---- building blocks ------------------------------------------------------------------------

    private static IllegalArgumentException bad(Device device, String op, String what) {
        return new IllegalArgumentException(device + " " + op + ": " + what);
    }

    private static String desc(Tensor t) {
        return Shape.str(t.shape()) + " " + t.dtype() + " (offset " + t.offset() + ", strides "
                + Arrays.toString(t.strides()) + ", storage of " + t.storage().numel() + " elements)";
    }

    /**
     * {@code t} is non-null, on {@code device}'s backend, live, of one of {@code dtypes} (any when
     * none given), and addresses only elements inside its storage.
     */
    public static void tensor(Device device, String op, String role, Tensor t, DType... dtypes) {
        if (t == null) {
            throw bad(device, op, role + " is null");
        }
        Storage s = t.storage();
        if (!s.device().equals(device)) {
            throw bad(device, op, role + " " + Shape.str(t.shape()) + " lives on " + s.device() + ", not on " + device);
        }
        if (s.isFreed()) {
            throw bad(device, op, role + " " + Shape.str(t.shape()) + " uses storage that was already freed");
        }
        if (dtypes.length > 0 && Arrays.stream(dtypes).noneMatch(d -> d == t.dtype())) {
            throw bad(device, op, role + " " + Shape.str(t.shape()) + " is " + t.dtype() + ", expected "
                    + (dtypes.length == 1 ? dtypes[0] : Arrays.toString(dtypes)));
        }
        int[] shape = t.shape(), strides = t.strides();
        if (strides.length != shape.length) {
            throw bad(device, op, role + " has shape " + Shape.str(shape) + " but " + strides.length + " strides");
        }
        long lo = t.offset(), hi = t.offset();
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0) {
                throw bad(device, op, role + " has a negative size in shape " + Shape.str(shape));
            }
            if (shape[d] == 0) {
                return; // addresses nothing
            }
            long reach = (long) (shape[d] - 1) * strides[d];
            if (reach < 0) {
                lo += reach;
            } else {
                hi += reach;
            }
        }
        if (lo < 0 || hi >= s.numel()) {
            throw bad(device, op, role + " " + desc(t) + " addresses elements " + lo + ".." + hi
                    + ", outside its storage");
        }
        if (hi > Integer.MAX_VALUE) {
            throw bad(device, op, role + " " + desc(t) + " addresses element " + hi
                    + "; the kernels index with 32-bit ints (at most 2^31-1)");
        }
    }

    /** {@link #tensor} plus: contiguous (row-major, offset anywhere). */
    public static void contiguous(Device device, String op, String role, Tensor t, DType... dtypes) {
        tensor(device, op, role, t, dtypes);
        if (!t.isContiguous()) {
            throw bad(device, op, role + " " + desc(t) + " must be contiguous");
        }
    }

    /** {@link #contiguous} plus: offset 0 (outputs the kernels write from the start of the buffer). */
    public static void fresh(Device device, String op, String role, Tensor t, DType... dtypes) {
        contiguous(device, op, role, t, dtypes);
        if (t.offset() != 0) {
            throw bad(device, op, role + " " + desc(t) + " must start at offset 0");
        }
    }

    /** {@code t} has exactly {@code shape}. */
    public static void shape(Device device, String op, String role, Tensor t, int[] shape, String like) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw bad(device, op, role + " " + Shape.str(t.shape()) + " must have shape " + Shape.str(shape)
                    + (like == null ? "" : " (" + like + ")"));
        }
    }

    private static void rank(Device device, String op, String role, Tensor t, int rank, String layout) {
        if (t.dim() != rank) {
            throw bad(device, op, role + " " + Shape.str(t.shape()) + " must be " + layout);
        }
    }

    private static void fitsInt(Device device, String op, String role, Tensor t) {
        if (t.numel() > Integer.MAX_VALUE) {
            throw bad(device, op, role + " " + Shape.str(t.shape()) + " has " + t.numel()
                    + " elements; the kernels index with 32-bit ints (at most 2^31-1)");
        }
    }

    private static final DType[] FLOATS = {DType.F32, DType.BF16};
    private static final DType[] ANY = {DType.F32, DType.BF16, DType.I32};

    // ---- the primitives -------------------------------------------------------------------------

    /** {@link Backend#downloadFloats} / {@link Backend#downloadInts}. */
    public static void download(Device device, Tensor t, DType... dtypes) {
        tensor(device, "download", "tensor", t, dtypes);
        fitsInt(device, "download", "tensor", t);
    }

    /** {@link Backend#fill}. */
    public static void fill(Device device, Tensor out) {
        tensor(device, "fill", "out", out, ANY);
        fitsInt(device, "fill", "out", out);
    }

    /** {@link Backend#copy}: same shape (src may be an expanded view). */
    public static void copy(Device device, Tensor src, Tensor out) {
        tensor(device, "copy", "src", src, ANY);
        tensor(device, "copy", "out", out, ANY);
        shape(device, "copy", "src", src, out.shape(), "out's shape");
        fitsInt(device, "copy", "out", out);
    }

    /** {@link Backend#unary}: x any layout, out of x's shape. */
    public static void unary(Device device, UnaryOp op, Tensor x, Tensor out) {
        String name = "unary " + op;
        tensor(device, name, "x", x, FLOATS);
        tensor(device, name, "out", out, FLOATS);
        shape(device, name, "x", x, out.shape(), "out's shape");
        fitsInt(device, name, "out", out);
    }

    /** {@link Backend#binary}: x and y expanded to out's shape; I32 only with I32 operands. */
    public static void binary(Device device, BinaryOp op, Tensor x, Tensor y, Tensor out) {
        String name = "binary " + op;
        tensor(device, name, "x", x, ANY);
        tensor(device, name, "y", y, ANY);
        tensor(device, name, "out", out, ANY);
        shape(device, name, "x", x, out.shape(), "out's shape: broadcast it first");
        shape(device, name, "y", y, out.shape(), "out's shape: broadcast it first");
        if (out.dtype() == DType.I32 && (x.dtype() != DType.I32 || y.dtype() != DType.I32)) {
            throw bad(device, name, "an I32 out needs I32 x and y, got " + x.dtype() + " and " + y.dtype());
        }
        if (out.dtype() != DType.I32 && (x.dtype() == DType.I32 || y.dtype() == DType.I32)) {
            throw bad(device, name, "a " + out.dtype() + " out needs floating x and y, got " + x.dtype() + " and "
                    + y.dtype());
        }
        fitsInt(device, name, "out", out);
    }

    /** {@link Backend#where}: all expanded to out's shape. */
    public static void where(Device device, Tensor cond, Tensor x, Tensor y, Tensor out) {
        tensor(device, "where", "cond", cond, FLOATS);
        tensor(device, "where", "x", x, FLOATS);
        tensor(device, "where", "y", y, FLOATS);
        tensor(device, "where", "out", out, FLOATS);
        shape(device, "where", "cond", cond, out.shape(), "out's shape");
        shape(device, "where", "x", x, out.shape(), "out's shape");
        shape(device, "where", "y", y, out.shape(), "out's shape");
        fitsInt(device, "where", "out", out);
    }

    /** {@link Backend#reduce}: dims sorted and distinct; out fresh, x's rank, size 1 in the reduced dims. */
    public static void reduce(Device device, ReduceOp op, Tensor x, int[] dims, Tensor out) {
        String name = "reduce " + op;
        tensor(device, name, "x", x, FLOATS);
        fitsInt(device, name, "x", x);
        if (dims == null) {
            throw bad(device, name, "dims is null");
        }
        int[] kept = x.shape().clone();
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 || dims[i] >= x.dim() || (i > 0 && dims[i] <= dims[i - 1])) {
                throw bad(device, name, "dims " + Arrays.toString(dims) + " must be sorted, distinct and in [0, "
                        + x.dim() + ") for x " + Shape.str(x.shape()));
            }
            kept[dims[i]] = 1;
        }
        fresh(device, name, "out", out, op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN ? DType.I32 : DType.F32);
        shape(device, name, "out", out, kept, "x's shape with the reduced dims set to 1");
    }

    /** {@link Backend#matmul}: a (..., M, K) @ b (..., K, N) → fresh out (..., M, N), batch dims equal. */
    public static void matmul(Device device, Tensor a, Tensor b, Tensor out) {
        tensor(device, "matmul", "a", a, FLOATS);
        tensor(device, "matmul", "b", b, FLOATS);
        fresh(device, "matmul", "out", out, FLOATS);
        int r = out.dim();
        if (r < 2 || a.dim() != r || b.dim() != r) {
            throw bad(device, "matmul", "a " + Shape.str(a.shape()) + ", b " + Shape.str(b.shape()) + " and out "
                    + Shape.str(out.shape()) + " must all have the same rank >= 2 (batch dims broadcast first)");
        }
        int[] want = out.shape().clone();
        want[r - 1] = a.size(-1);
        shape(device, "matmul", "a", a, want, "out's batch dims and rows, K columns");
        want = out.shape().clone();
        want[r - 2] = a.size(-1);
        shape(device, "matmul", "b", b, want, "out's batch dims, K rows, out's columns");
        fitsInt(device, "matmul", "out", out);
    }

    /** {@link Backend#indexSelect}: table (V, C) contiguous, idx (N) I32 contiguous, out fresh (N, C). */
    public static void indexSelect(Device device, Tensor table, Tensor idx, Tensor out) {
        contiguous(device, "embedding", "table", table, FLOATS);
        rank(device, "embedding", "table", table, 2, "(V, C)");
        contiguous(device, "embedding", "idx", idx, DType.I32);
        rank(device, "embedding", "idx", idx, 1, "(N)");
        fresh(device, "embedding", "out", out, FLOATS);
        shape(device, "embedding", "out", out, new int[] {idx.size(0), table.size(1)}, "(N, C)");
    }

    /** {@link Backend#indexAdd}: out (V, C) contiguous, idx (N) I32, src (N, C) contiguous. */
    public static void indexAdd(Device device, Tensor out, Tensor idx, Tensor src) {
        contiguous(device, "indexAdd", "out", out, FLOATS);
        rank(device, "indexAdd", "out", out, 2, "(V, C)");
        contiguous(device, "indexAdd", "idx", idx, DType.I32);
        rank(device, "indexAdd", "idx", idx, 1, "(N)");
        contiguous(device, "indexAdd", "src", src, FLOATS);
        shape(device, "indexAdd", "src", src, new int[] {idx.size(0), out.size(1)}, "(N, C)");
    }

    /** {@link Backend#gather}: x (R, V) contiguous, idx (R, K) I32 contiguous, out fresh (R, K). */
    public static void gather(Device device, Tensor x, Tensor idx, Tensor out) {
        contiguous(device, "gather", "x", x, FLOATS);
        rank(device, "gather", "x", x, 2, "(R, V)");
        contiguous(device, "gather", "idx", idx, DType.I32);
        rank(device, "gather", "idx", idx, 2, "(R, K)");
        if (idx.size(0) != x.size(0)) {
            throw bad(device, "gather", "idx " + Shape.str(idx.shape()) + " must have x's " + x.size(0) + " rows");
        }
        fresh(device, "gather", "out", out, FLOATS);
        shape(device, "gather", "out", out, idx.shape(), "idx's shape");
    }

    /** {@link Backend#scatterAdd}: out (R, V) contiguous, idx (R, K) I32, src (R, K) contiguous. */
    public static void scatterAdd(Device device, Tensor out, Tensor idx, Tensor src) {
        contiguous(device, "scatterAdd", "out", out, FLOATS);
        rank(device, "scatterAdd", "out", out, 2, "(R, V)");
        contiguous(device, "scatterAdd", "idx", idx, DType.I32);
        rank(device, "scatterAdd", "idx", idx, 2, "(R, K)");
        if (idx.size(0) != out.size(0)) {
            throw bad(device, "scatterAdd", "idx " + Shape.str(idx.shape()) + " must have out's " + out.size(0) + " rows");
        }
        contiguous(device, "scatterAdd", "src", src, FLOATS);
        shape(device, "scatterAdd", "src", src, idx.shape(), "idx's shape");
    }

    /** {@link Backend#random}: out contiguous floating. */
    public static void random(Device device, Tensor out) {
        contiguous(device, "random", "out", out, FLOATS);
        fitsInt(device, "random", "out", out);
    }

    /** {@link Backend#softmax}: x and out contiguous, same shape. */
    public static void softmax(Device device, Tensor x, boolean log, Tensor out) {
        String name = log ? "logSoftmax" : "softmax";
        contiguous(device, name, "x", x, FLOATS);
        contiguous(device, name, "out", out, FLOATS);
        shape(device, name, "out", out, x.shape(), "x's shape");
        fitsInt(device, name, "x", x);
    }

    /** {@link Backend#softmaxBackward}: y, gy and gx contiguous, same shape. */
    public static void softmaxBackward(Device device, Tensor y, Tensor gy, boolean log, Tensor gx) {
        String name = log ? "logSoftmax backward" : "softmax backward";
        contiguous(device, name, "y", y, FLOATS);
        contiguous(device, name, "gy", gy, FLOATS);
        contiguous(device, name, "gx", gx, FLOATS);
        shape(device, name, "gy", gy, y.shape(), "y's shape");
        shape(device, name, "gx", gx, y.shape(), "y's shape");
        fitsInt(device, name, "y", y);
    }

    /** {@link Backend#crossEntropy}: logits (N, V) contiguous, targets (N) I32, loss and lse fresh (N). */
    public static void crossEntropy(Device device, Tensor logits, Tensor targets, Tensor loss, Tensor lse) {
        String name = "crossEntropy";
        contiguous(device, name, "logits", logits, FLOATS);
        rank(device, name, "logits", logits, 2, "(N, V)");
        fitsInt(device, name, "logits", logits);
        int[] n = {logits.size(0)};
        contiguous(device, name, "targets", targets, DType.I32);
        shape(device, name, "targets", targets, n, "one per logits row");
        fresh(device, name, "loss", loss, FLOATS);
        shape(device, name, "loss", loss, n, "one per logits row");
        fresh(device, name, "lse", lse, FLOATS);
        shape(device, name, "lse", lse, n, "one per logits row");
    }

    /** {@link Backend#crossEntropyBackward}: as crossEntropy, gLoss (N) contiguous, gLogits fresh (N, V). */
    public static void crossEntropyBackward(Device device, Tensor logits, Tensor targets, Tensor lse, Tensor gLoss,
                                            Tensor gLogits) {
        String name = "crossEntropy backward";
        contiguous(device, name, "logits", logits, FLOATS);
        rank(device, name, "logits", logits, 2, "(N, V)");
        fitsInt(device, name, "logits", logits);
        int[] n = {logits.size(0)};
        contiguous(device, name, "targets", targets, DType.I32);
        shape(device, name, "targets", targets, n, "one per logits row");
        fresh(device, name, "lse", lse, FLOATS);
        shape(device, name, "lse", lse, n, "one per logits row");
        contiguous(device, name, "gLoss", gLoss, FLOATS);
        shape(device, name, "gLoss", gLoss, n, "one per logits row");
        fresh(device, name, "gLogits", gLogits, FLOATS);
        shape(device, name, "gLogits", gLogits, logits.shape(), "logits' shape");
    }

    private static void optionalColumn(Device device, String op, String role, Tensor t, int c, boolean fresh) {
        if (t == null) {
            return;
        }
        if (fresh) {
            BackendChecks.fresh(device, op, role, t, FLOATS);
        } else {
            contiguous(device, op, role, t, FLOATS);
        }
        shape(device, op, role, t, new int[] {c}, "one per column of x");
    }

    /** {@link Backend#layerNorm}: x (N, C) contiguous, weight/bias (C) or null, out fresh (N, C), mean/rstd fresh (N). */
    public static void layerNorm(Device device, Tensor x, Tensor weight, Tensor bias, Tensor out, Tensor mean,
                                 Tensor rstd) {
        String name = "layerNorm";
        contiguous(device, name, "x", x, FLOATS);
        rank(device, name, "x", x, 2, "(N, C)");
        fitsInt(device, name, "x", x);
        optionalColumn(device, name, "weight", weight, x.size(1), false);
        optionalColumn(device, name, "bias", bias, x.size(1), false);
        fresh(device, name, "out", out, FLOATS);
        shape(device, name, "out", out, x.shape(), "x's shape");
        int[] n = {x.size(0)};
        fresh(device, name, "mean", mean, FLOATS);
        shape(device, name, "mean", mean, n, "one per row of x");
        fresh(device, name, "rstd", rstd, FLOATS);
        shape(device, name, "rstd", rstd, n, "one per row of x");
    }

    /** {@link Backend#layerNormBackward}: shapes as layerNorm; gx fresh (N, C); gWeight/gBias fresh (C) or null. */
    public static void layerNormBackward(Device device, Tensor gy, Tensor x, Tensor weight, Tensor mean, Tensor rstd,
                                         Tensor gx, Tensor gWeight, Tensor gBias) {
        String name = "layerNorm backward";
        contiguous(device, name, "x", x, FLOATS);
        rank(device, name, "x", x, 2, "(N, C)");
        fitsInt(device, name, "x", x);
        contiguous(device, name, "gy", gy, FLOATS);
        shape(device, name, "gy", gy, x.shape(), "x's shape");
        optionalColumn(device, name, "weight", weight, x.size(1), false);
        int[] n = {x.size(0)};
        fresh(device, name, "mean", mean, FLOATS);
        shape(device, name, "mean", mean, n, "one per row of x");
        fresh(device, name, "rstd", rstd, FLOATS);
        shape(device, name, "rstd", rstd, n, "one per row of x");
        fresh(device, name, "gx", gx, FLOATS);
        shape(device, name, "gx", gx, x.shape(), "x's shape");
        optionalColumn(device, name, "gWeight", gWeight, x.size(1), true);
        optionalColumn(device, name, "gBias", gBias, x.size(1), true);
    }

    private static void attentionInputs(Device device, String name, Tensor q, Tensor k, Tensor v, Tensor keyMask) {
        contiguous(device, name, "q", q, FLOATS);
        rank(device, name, "q", q, 4, "(B, H, Tq, D)");
        fitsInt(device, name, "q", q);
        contiguous(device, name, "k", k, FLOATS);
        rank(device, name, "k", k, 4, "(B, H, Tk, D)");
        fitsInt(device, name, "k", k);
        int b = q.size(0), h = q.size(1), tk = k.size(2), d = q.size(3);
        shape(device, name, "k", k, new int[] {b, h, tk, d}, "q's B, H and D");
        contiguous(device, name, "v", v, FLOATS);
        shape(device, name, "v", v, k.shape(), "k's shape");
        if (keyMask != null) {
            contiguous(device, name, "keyMask", keyMask, FLOATS);
            shape(device, name, "keyMask", keyMask, new int[] {b, tk}, "(B, Tk)");
        }
    }

    /** {@link Backend#attention}: q (B, H, Tq, D), k and v (B, H, Tk, D), keyMask (B, Tk) or null; out fresh like q, lse fresh (B, H, Tq). */
    public static void attention(Device device, Tensor q, Tensor k, Tensor v, Tensor keyMask, Tensor out, Tensor lse) {
        attentionInputs(device, "attention", q, k, v, keyMask);
        fresh(device, "attention", "out", out, FLOATS);
        shape(device, "attention", "out", out, q.shape(), "q's shape");
        fresh(device, "attention", "lse", lse, DType.F32);
        shape(device, "attention", "lse", lse, Arrays.copyOf(q.shape(), 3), "(B, H, Tq)");
    }

    /** {@link Backend#attentionBackward}: as attention; gOut like q; gq, gk, gv fresh like q, k, v. */
    public static void attentionBackward(Device device, Tensor q, Tensor k, Tensor v, Tensor keyMask, Tensor out,
                                         Tensor lse, Tensor gOut, Tensor gq, Tensor gk, Tensor gv) {
        String name = "attention backward";
        attentionInputs(device, name, q, k, v, keyMask);
        contiguous(device, name, "out", out, FLOATS);
        shape(device, name, "out", out, q.shape(), "q's shape");
        fresh(device, name, "lse", lse, DType.F32);
        shape(device, name, "lse", lse, Arrays.copyOf(q.shape(), 3), "(B, H, Tq)");
        contiguous(device, name, "gOut", gOut, FLOATS);
        shape(device, name, "gOut", gOut, q.shape(), "q's shape");
        fresh(device, name, "gq", gq, FLOATS);
        shape(device, name, "gq", gq, q.shape(), "q's shape");
        fresh(device, name, "gk", gk, FLOATS);
        shape(device, name, "gk", gk, k.shape(), "k's shape");
        fresh(device, name, "gv", gv, FLOATS);
        shape(device, name, "gv", gv, v.shape(), "v's shape");
    }

    /** {@link Backend#adamw}: lists of equal length; each quadruple contiguous F32 of one shape. */
    public static void adamw(Device device, List<Tensor> params, List<Tensor> grads, List<Tensor> m, List<Tensor> v,
                             float[] weightDecay) {
        int n = params.size();
        if (grads.size() != n || m.size() != n || v.size() != n || weightDecay == null || weightDecay.length != n) {
            throw bad(device, "adamw", "params (" + n + "), grads (" + grads.size() + "), m (" + m.size() + "), v ("
                    + v.size() + ") and weightDecay (" + (weightDecay == null ? "null" : weightDecay.length)
                    + ") must have the same length");
        }
        for (int t = 0; t < n; t++) {
            String name = "adamw (tensor " + t + ")";
            Tensor p = params.get(t);
            contiguous(device, name, "param", p, DType.F32);
            fitsInt(device, name, "param", p);
            contiguous(device, name, "grad", grads.get(t), DType.F32);
            shape(device, name, "grad", grads.get(t), p.shape(), "the param's shape");
            contiguous(device, name, "m", m.get(t), DType.F32);
            shape(device, name, "m", m.get(t), p.shape(), "the param's shape");
            contiguous(device, name, "v", v.get(t), DType.F32);
            shape(device, name, "v", v.get(t), p.shape(), "the param's shape");
        }
    }
}
