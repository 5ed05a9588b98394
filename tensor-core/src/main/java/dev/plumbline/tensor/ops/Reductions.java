package dev.plumbline.tensor.ops;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.Autograd;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.backend.BinaryOp;
import dev.plumbline.tensor.backend.ReduceOp;

import java.util.Arrays;

/**
 * Reductions along any set of dims, with {@code keepDim}, and their gradients (the reduced
 * gradient is broadcast back; max/min route it to the arg-extreme elements, ties split evenly).
 */
public final class Reductions {
    private Reductions() {}

    /** Values and I32 indices of a max/min along one dim. */
    public record ValuesIndices(Tensor values, Tensor indices) {}

    /** Sorted distinct normalised dims; null or empty means all dims. */
    static int[] normDims(String op, int[] dims, int rank) {
        if (dims == null || dims.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] d = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            d[i] = Shape.dim(op, dims[i], rank);
        }
        Arrays.sort(d);
        for (int i = 1; i < d.length; i++) {
            if (d[i] == d[i - 1]) {
                throw new IllegalArgumentException(op + ": dim " + d[i] + " repeated in " + Shape.str(dims));
            }
        }
        return d;
    }

    static int[] keptShape(int[] shape, int[] dims) {
        int[] k = shape.clone();
        for (int d : dims) {
            k[d] = 1;
        }
        return k;
    }

    static int[] squeezedShape(int[] shape, int[] dims) {
        int[] out = new int[shape.length - dims.length];
        for (int i = 0, k = 0, j = 0; i < shape.length; i++) {
            if (j < dims.length && dims[j] == i) {
                j++;
            } else {
                out[k++] = shape[i];
            }
        }
        return out;
    }

    /** Raw backend reduction in keep-dim form, not recorded. */
    static Tensor reduceRaw(String op, ReduceOp r, Tensor x, int[] dims) {
        if (x.dtype() != DType.F32) {
            x = x.detach().to(DType.F32);
        }
        for (int d : dims) {
            if (x.size(d) == 0 && r != ReduceOp.SUM) {
                throw new IllegalArgumentException(op + ": cannot reduce over empty dim " + d + " of shape "
                        + Shape.str(x.shape()));
            }
        }
        boolean arg = r == ReduceOp.ARGMAX || r == ReduceOp.ARGMIN;
        Tensor out = Tensor.empty(x.device(), arg ? DType.I32 : DType.F32, keptShape(x.shape(), dims));
        x.backend().reduce(r, x, dims, out);
        return out;
    }

    private static Tensor finish(Tensor kept, int[] shape, int[] dims, boolean keepDim) {
        return keepDim ? kept : kept.reshape(squeezedShape(shape, dims));
    }

    /** Σ over dims (all when null). */
    public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        int[] d = normDims("sum", dims, x.dim());
        int[] shape = x.shape();
        Tensor kept = reduceRaw("sum", ReduceOp.SUM, x, d);
        Tensor out = keepDim ? kept : Tensor.view(kept.storage(), squeezedShape(shape, d),
                Shape.contiguousStrides(squeezedShape(shape, d)), 0);
        int[] keptShape = keptShape(shape, d);
        return Autograd.record("sum", out, (g, n) -> new Tensor[] {g.reshape(keptShape).expand(shape)}, x);
    }

    /** Mean over dims. */
    public static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        int[] d = normDims("mean", dims, x.dim());
        long count = 1;
        for (int k : d) {
            count *= x.size(k);
        }
        return sum(x, d, keepDim).mul(1f / count);
    }

    private static Tensor extreme(String op, ReduceOp r, Tensor x, int[] dims, boolean keepDim) {
        int[] d = normDims(op, dims, x.dim());
        int[] shape = x.shape();
        Tensor kept = reduceRaw(op, r, x, d);
        Tensor out = keepDim ? kept : Tensor.view(kept.storage(), squeezedShape(shape, d),
                Shape.contiguousStrides(squeezedShape(shape, d)), 0);
        int[] keptShape = keptShape(shape, d);
        return Autograd.record(op, out, (g, n) -> {
            Tensor mask = Elementwise.compare(BinaryOp.EQ, x, kept);
            Tensor share = mask.div(Reductions.sum(mask, d, true));
            return new Tensor[] {g.reshape(keptShape).mul(share)};
        }, x);
    }

    /** Maximum over dims (all when null). */
    public static Tensor max(Tensor x, int[] dims, boolean keepDim) {
        return extreme("max", ReduceOp.MAX, x, dims, keepDim);
    }

    /** Minimum over dims (all when null). */
    public static Tensor min(Tensor x, int[] dims, boolean keepDim) {
        return extreme("min", ReduceOp.MIN, x, dims, keepDim);
    }

    /** Max values with their indices along one dim. */
    public static ValuesIndices maxWithIndices(Tensor x, int dim, boolean keepDim) {
        return new ValuesIndices(max(x, new int[] {dim}, keepDim), argmax(x, dim, keepDim));
    }

    /** Index of the maximum along dim (I32, first occurrence on ties). */
    public static Tensor argmax(Tensor x, int dim, boolean keepDim) {
        int[] d = {Shape.dim("argmax", dim, x.dim())};
        return finish(reduceRaw("argmax", ReduceOp.ARGMAX, x, d), x.shape(), d, keepDim);
    }

    /** log Σ exp, stable: m + log Σ exp(x − m) with m the (detached) max; −∞ rows stay −∞. */
    public static Tensor logsumexp(Tensor x, int[] dims, boolean keepDim) {
        int[] d = normDims("logsumexp", dims, x.dim());
        Tensor m;
        try (NoGrad ng = NoGrad.enter()) {
            Tensor raw = reduceRaw("logsumexp", ReduceOp.MAX, x, d);
            // a row of all −∞ has max −∞; use 0 there so x − m stays −∞ rather than NaN
            m = Elementwise.where(raw.isNonFinite(), Tensor.zeros(x.device(), DType.F32), raw);
        }
        Tensor out = sum(x.sub(m).exp(), d, true).log().add(m);
        return keepDim ? out : out.reshape(squeezedShape(x.shape(), d));
    }

    /** Variance (biased, or unbiased with n−1). */
    public static Tensor var(Tensor x, int[] dims, boolean unbiased, boolean keepDim) {
        int[] d = normDims("var", dims, x.dim());
        long count = 1;
        for (int k : d) {
            count *= x.size(k);
        }
        Tensor dev = x.sub(mean(x, d, true));
        long denom = unbiased ? count - 1 : count;
        Tensor v = sum(dev.mul(dev), d, keepDim);
        return denom > 0 ? v.mul(1f / denom) : v.mul(Float.NaN);
    }

    /** Sums x down to target shape (inverse of broadcasting). */
    public static Tensor sumTo(Tensor x, int[] target) {
        int[] s = x.shape();
        if (Arrays.equals(s, target)) {
            return x;
        }
        int lead = s.length - target.length;
        if (lead < 0) {
            throw new IllegalArgumentException("sumTo: cannot sum " + Shape.str(s) + " to larger rank " + Shape.str(target));
        }
        int[] dims = new int[s.length];
        int k = 0;
        for (int i = 0; i < s.length; i++) {
            if (i < lead) {
                dims[k++] = i;
            } else if (target[i - lead] == 1 && s[i] != 1) {
                dims[k++] = i;
            } else if (target[i - lead] != s[i]) {
                throw new IllegalArgumentException("sumTo: shape " + Shape.str(s) + " does not broadcast from "
                        + Shape.str(target));
            }
        }
        Tensor r = k == 0 ? x : sum(x, Arrays.copyOf(dims, k), true);
        return r.reshape(target);
    }
}
