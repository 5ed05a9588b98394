package dev.plumbline.tensor.ops;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.Autograd;

/** Gather-style ops whose gradients are scatter-adds: embedding lookup and last-dim gather. */
public final class Indexing {
    private Indexing() {}

    private static void checkIds(String op, Tensor ids) {
        if (ids.dtype() != DType.I32) {
            throw new IllegalArgumentException(op + ": indices must be I32, got " + ids.dtype());
        }
    }

    /** Rows of table (V, C) at ids (any shape) → (ids..., C); gradient scatter-adds into the table. */
    public static Tensor embedding(Tensor table, Tensor ids) {
        checkIds("embedding", ids);
        Elementwise.requireFloat("embedding", table);
        Elementwise.sameDevice("embedding", table, ids);
        if (table.dim() != 2) {
            throw new IllegalArgumentException("embedding: table must be (V, C), got " + Shape.str(table.shape()));
        }
        int c = table.size(1);
        Tensor idx = ids.reshape(-1).contiguous();
        Tensor tab = table.contiguous();
        Tensor out = Tensor.empty(table.device(), DType.F32, idx.size(0), c);
        table.backend().indexSelect(tab, idx, out);
        int[] os = java.util.Arrays.copyOf(ids.shape(), ids.dim() + 1);
        os[ids.dim()] = c;
        int[] ts = table.shape();
        Tensor rec = Autograd.record("embedding", out, (g, n) -> {
            Tensor gt = Tensor.zeros(g.device(), DType.F32, ts);
            g.backend().indexAdd(gt, idx, g.contiguous());
            return new Tensor[] {gt, null};
        }, tab, idx);
        return rec.reshape(os);
    }

    /** Last-dim gather: x (..., V), idx (..., K) I32 → out (..., K) with out[..., j] = x[..., idx[..., j]]. */
    public static Tensor gather(Tensor x, Tensor idx) {
        checkIds("gather", idx);
        Elementwise.requireFloat("gather", x);
        Elementwise.sameDevice("gather", x, idx);
        int[] xs = x.shape();
        int[] is = idx.shape();
        if (xs.length == 0 || xs.length != is.length
                || !java.util.Arrays.equals(java.util.Arrays.copyOf(xs, xs.length - 1), java.util.Arrays.copyOf(is, is.length - 1))) {
            throw new IllegalArgumentException("gather: index shape " + Shape.str(is) + " must match input shape "
                    + Shape.str(xs) + " in all but the last dim");
        }
        int v = xs[xs.length - 1];
        int k = is[is.length - 1];
        int rows = 1;                    // explicit: reshape(-1, 0) could not infer it for k = 0
        for (int i = 0; i < is.length - 1; i++) {
            rows *= is[i];
        }
        Tensor x2 = x.reshape(rows, v).contiguous();
        Tensor i2 = idx.reshape(rows, k).contiguous();
        Tensor out = Tensor.empty(x.device(), DType.F32, rows, k);
        if (out.numel() > 0) {           // nothing to gather (and no kernel to launch) for an empty index
            x.backend().gather(x2, i2, out);
        }
        Tensor rec = Autograd.record("gather", out, (g, n) -> {
            Tensor gx = Tensor.zeros(g.device(), DType.F32, x2.shape());
            if (g.numel() > 0) {
                g.backend().scatterAdd(gx, i2, g.contiguous());
            }
            return new Tensor[] {gx, null};
        }, x2, i2);
        return rec.reshape(is);
    }
}
