package dev.plumbline.tensor.ops;

import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.Autograd;
import dev.plumbline.tensor.autograd.NoGrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shape ops. Views share storage (new shape/strides/offset, no copy); their gradients undo the
 * view (reshape back, inverse permute, sum over broadcast dims, pad a slice with zeros).
 */
public final class Views {
    private Views() {}

    private static Tensor make(Tensor x, int[] shape, int[] strides, int offset) {
        return Tensor.view(x.storage(), shape, strides, offset);
    }

    // ---- reshape ------------------------------------------------------------------------------------

    private static int[] inferShape(String op, Tensor x, int[] req) {
        int[] s = req.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": only one dim can be -1, got " + Shape.str(req));
                }
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException(op + ": negative size in " + Shape.str(req));
            } else {
                known *= s[i];
            }
        }
        long n = x.numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException(op + ": cannot reshape " + Shape.str(x.shape()) + " (" + n
                        + " elements) into " + Shape.str(req));
            }
            s[infer] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException(op + ": cannot reshape " + Shape.str(x.shape()) + " (" + n
                    + " elements) into " + Shape.str(req) + " (" + known + " elements)");
        }
        return s;
    }

    /** Strides for viewing x with newShape without a copy, or null if impossible (PyTorch's rule). */
    static int[] viewStrides(int[] oldShape, int[] oldStrides, int[] newShape) {
        if (Shape.numel(oldShape) == 0 || oldShape.length == 0) {
            // empty: any layout; 0-d: one element, so every new shape is all ones and any strides do
            return Shape.contiguousStrides(newShape);
        }
        int[] newStrides = new int[newShape.length];
        int viewD = newShape.length - 1;
        long chunkBase = oldStrides.length == 0 ? 1 : oldStrides[oldStrides.length - 1];
        long tensorNumel = 1;
        long viewNumel = 1;
        for (int d = oldShape.length - 1; d >= 0; d--) {
            tensorNumel *= oldShape[d];
            if (d == 0 || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    newStrides[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) {
                    return null;
                }
                if (d > 0) {
                    chunkBase = oldStrides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        if (viewD != -1) {
            return null;
        }
        return newStrides;
    }

    /** Reshape; copies only when no view exists. */
    public static Tensor reshape(Tensor x, int[] req) {
        int[] s = inferShape("reshape", x, req);
        int[] st = viewStrides(x.shape(), x.strides(), s);
        Tensor src = st == null ? contiguousCopy(x, "reshape") : x;
        return viewOf(src, s, st == null ? Shape.contiguousStrides(s) : st, "reshape");
    }

    /** View; never copies. */
    public static Tensor view(Tensor x, int[] req) {
        int[] s = inferShape("view", x, req);
        int[] st = viewStrides(x.shape(), x.strides(), s);
        if (st == null) {
            throw new IllegalArgumentException("view: shape " + Shape.str(s) + " is incompatible with the layout of a "
                    + "tensor of shape " + Shape.str(x.shape()) + " and strides " + Shape.str(x.strides())
                    + "; use reshape() (which copies)");
        }
        return viewOf(x, s, st, "view");
    }

    private static Tensor viewOf(Tensor x, int[] shape, int[] strides, String name) {
        Tensor out = make(x, shape, strides, x.offset());
        int[] inShape = x.shape();
        return Autograd.record(name, out, (g, n) -> new Tensor[] {g.reshape(inShape)}, x);
    }

    /** Collapses dims start..end (inclusive). */
    public static Tensor flatten(Tensor x, int start, int end) {
        int r = x.dim();
        if (r == 0) {
            return x.reshape(1);
        }
        int s = Shape.dim("flatten", start, r);
        int e = Shape.dim("flatten", end, r);
        if (s > e) {
            throw new IllegalArgumentException("flatten: start dim " + start + " is after end dim " + end);
        }
        int[] shape = x.shape();
        int[] out = new int[r - (e - s)];
        int k = 0;
        for (int i = 0; i < s; i++) {
            out[k++] = shape[i];
        }
        int m = 1;
        for (int i = s; i <= e; i++) {
            m *= shape[i];
        }
        out[k++] = m;
        for (int i = e + 1; i < r; i++) {
            out[k++] = shape[i];
        }
        return reshape(x, out);
    }

    // ---- permute / transpose ------------------------------------------------------------------------

    /** Reorders dims. */
    public static Tensor permute(Tensor x, int[] dims) {
        int r = x.dim();
        if (dims.length != r) {
            throw new IllegalArgumentException("permute: got " + dims.length + " dims " + Shape.str(dims)
                    + " for a tensor of rank " + r);
        }
        int[] shape = x.shape();
        int[] strides = x.strides();
        int[] ns = new int[r];
        int[] nst = new int[r];
        int[] inv = new int[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            int d = Shape.dim("permute", dims[i], r);
            if (seen[d]) {
                throw new IllegalArgumentException("permute: dim " + d + " repeated in " + Shape.str(dims));
            }
            seen[d] = true;
            ns[i] = shape[d];
            nst[i] = strides[d];
            inv[d] = i;
        }
        Tensor out = make(x, ns, nst, x.offset());
        return Autograd.record("permute", out, (g, n) -> new Tensor[] {g.permute(inv)}, x);
    }

    /** Swaps two dims. */
    public static Tensor transpose(Tensor x, int d0, int d1) {
        int r = x.dim();
        int a = Shape.dim("transpose", d0, r);
        int b = Shape.dim("transpose", d1, r);
        int[] p = new int[r];
        for (int i = 0; i < r; i++) {
            p[i] = i;
        }
        p[a] = b;
        p[b] = a;
        return permute(x, p);
    }

    // ---- slicing --------------------------------------------------------------------------------------

    /** Elements start..end-1 (step) along dim; negative indices count from the end, bounds clamp. */
    public static Tensor slice(Tensor x, int dim, int start, int end, int step) {
        int d = Shape.dim("slice", dim, x.dim());
        if (step <= 0) {
            throw new IllegalArgumentException("slice: step must be positive, got " + step);
        }
        int n = x.size(d);
        int s = start < 0 ? Math.max(0, start + n) : Math.min(start, n);
        int e = end < 0 ? Math.max(0, end + n) : Math.min(end, n);
        int len = e > s ? (e - s + step - 1) / step : 0;
        int[] shape = x.shape();
        int[] strides = x.strides();
        int offset = x.offset() + (len > 0 ? s * strides[d] : 0);
        shape[d] = len;
        strides[d] *= step;
        Tensor out = make(x, shape, strides, offset);
        int[] inShape = x.shape();
        final int s0 = s;
        return Autograd.record("slice", out, (g, nn) -> new Tensor[] {padInto(g, inShape, d, s0, step)}, x);
    }

    /** Zeros of inShape with g written at positions s0, s0+step, … along dim d. */
    private static Tensor padInto(Tensor g, int[] inShape, int d, int s0, int step) {
        Tensor z = Tensor.zeros(g.device(), g.dtype(), inShape);
        int[] shape = z.shape();
        int[] strides = z.strides();
        shape[d] = g.size(d);
        int offset = g.size(d) > 0 ? s0 * strides[d] : 0;
        strides[d] *= step;
        z.backend().copy(g, Tensor.view(z.storage(), shape, strides, offset));
        return z;
    }

    /** length elements from start along dim. */
    public static Tensor narrow(Tensor x, int dim, int start, int length) {
        int d = Shape.dim("narrow", dim, x.dim());
        int n = x.size(d);
        int s = start < 0 ? start + n : start;
        if (s < 0 || length < 0 || s + length > n) {
            throw new IllegalArgumentException("narrow: start " + start + " length " + length + " out of range for dim "
                    + d + " of size " + n + " (shape " + Shape.str(x.shape()) + ")");
        }
        return slice(x, d, s, s + length, 1);
    }

    /** The sub-tensor at index along dim, with that dim removed. */
    public static Tensor select(Tensor x, int dim, int index) {
        int d = Shape.dim("select", dim, x.dim());
        int n = x.size(d);
        int i = index < 0 ? index + n : index;
        if (i < 0 || i >= n) {
            throw new IllegalArgumentException("select: index " + index + " out of range for dim " + d + " of size "
                    + n + " (shape " + Shape.str(x.shape()) + ")");
        }
        return squeeze(slice(x, d, i, i + 1, 1), d);
    }

    // ---- broadcasting -------------------------------------------------------------------------------

    /** A non-recorded stride-0 view of x broadcast to shape (for op forwards). */
    public static Tensor broadcastView(Tensor x, int[] shape) {
        int[] xs = x.shape();
        if (Arrays.equals(xs, shape)) {
            return x;
        }
        int[] xst = x.strides();
        int r = shape.length;
        int[] st = new int[r];
        for (int i = 0; i < r; i++) {
            int j = i - (r - xs.length);
            if (j < 0) {
                st[i] = 0;
            } else if (xs[j] == shape[i]) {
                st[i] = xst[j];
            } else if (xs[j] == 1) {
                st[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: cannot expand shape " + Shape.str(xs) + " to "
                        + Shape.str(shape));
            }
        }
        return make(x, shape, st, x.offset());
    }

    /** Broadcast view, recorded; −1 keeps a size. */
    public static Tensor expand(Tensor x, int[] req) {
        int[] shape = req.clone();
        int lead = shape.length - x.dim();
        if (lead < 0) {
            throw new IllegalArgumentException("expand: target " + Shape.str(req) + " has fewer dims than "
                    + Shape.str(x.shape()));
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (i < lead) {
                    throw new IllegalArgumentException("expand: -1 not allowed for a new leading dim in " + Shape.str(req));
                }
                shape[i] = x.size(i - lead);
            }
        }
        Tensor out = broadcastView(x, shape);
        if (out == x) {
            return x;
        }
        int[] inShape = x.shape();
        return Autograd.record("expand", out, (g, n) -> new Tensor[] {g.sumTo(inShape)}, x);
    }

    /** Removes all size-1 dims. */
    public static Tensor squeeze(Tensor x) {
        int[] s = x.shape();
        int[] st = x.strides();
        int k = 0;
        for (int d : s) {
            if (d != 1) {
                k++;
            }
        }
        int[] ns = new int[k];
        int[] nst = new int[k];
        k = 0;
        for (int i = 0; i < s.length; i++) {
            if (s[i] != 1) {
                ns[k] = s[i];
                nst[k++] = st[i];
            }
        }
        return viewOf(x, ns, nst, "squeeze");
    }

    /** Removes dim d if its size is 1 (else returns x). */
    public static Tensor squeeze(Tensor x, int dim) {
        int d = Shape.dim("squeeze", dim, x.dim());
        if (x.size(d) != 1) {
            return x;
        }
        int[] s = x.shape();
        int[] st = x.strides();
        int[] ns = new int[s.length - 1];
        int[] nst = new int[s.length - 1];
        for (int i = 0, k = 0; i < s.length; i++) {
            if (i != d) {
                ns[k] = s[i];
                nst[k++] = st[i];
            }
        }
        return viewOf(x, ns, nst, "squeeze");
    }

    /** Inserts a size-1 dim at d (−1 appends). */
    public static Tensor unsqueeze(Tensor x, int dim) {
        int r = x.dim() + 1;
        int d = Shape.dim("unsqueeze", dim, r);
        int[] s = x.shape();
        int[] st = x.strides();
        int[] ns = new int[r];
        int[] nst = new int[r];
        for (int i = 0, k = 0; i < r; i++) {
            if (i == d) {
                ns[i] = 1;
                nst[i] = d < s.length ? st[d] * s[d] : 1;
            } else {
                ns[i] = s[k];
                nst[i] = st[k++];
            }
        }
        return viewOf(x, ns, nst, "unsqueeze");
    }

    // ---- split / cat --------------------------------------------------------------------------------

    /** Pieces of size along dim (the last may be smaller); each a view. */
    public static List<Tensor> split(Tensor x, int size, int dim) {
        int d = Shape.dim("split", dim, x.dim());
        if (size <= 0) {
            throw new IllegalArgumentException("split: size must be positive, got " + size);
        }
        List<Tensor> out = new ArrayList<>();
        for (int s = 0; s < x.size(d); s += size) {
            out.add(slice(x, d, s, Math.min(s + size, x.size(d)), 1));
        }
        return out;
    }

    /** chunks nearly equal pieces along dim (like torch.chunk). */
    public static List<Tensor> chunk(Tensor x, int chunks, int dim) {
        if (chunks <= 0) {
            throw new IllegalArgumentException("chunk: number of chunks must be positive, got " + chunks);
        }
        int d = Shape.dim("chunk", dim, x.dim());
        int size = Math.max(1, (x.size(d) + chunks - 1) / chunks);
        return split(x, size, d);
    }

    /** Concatenation along dim. */
    public static Tensor cat(List<Tensor> ts, int dim) {
        if (ts.isEmpty()) {
            throw new IllegalArgumentException("cat: no tensors given");
        }
        Tensor first = ts.get(0);
        int d = Shape.dim("cat", dim, first.dim());
        int[] shape = first.shape();
        int total = 0;
        for (int i = 0; i < ts.size(); i++) {
            Tensor t = ts.get(i);
            int[] s = t.shape();
            if (s.length != shape.length || t.dtype() != first.dtype() || !t.device().equals(first.device())) {
                throw new IllegalArgumentException("cat: tensor " + i + " " + Shape.str(s) + " " + t.dtype() + " on "
                        + t.device() + " does not match tensor 0 " + Shape.str(shape) + " " + first.dtype() + " on "
                        + first.device());
            }
            for (int k = 0; k < s.length; k++) {
                if (k != d && s[k] != shape[k]) {
                    throw new IllegalArgumentException("cat: shapes " + Shape.str(shape) + " and " + Shape.str(s)
                            + " (tensor " + i + ") differ outside dim " + d);
                }
            }
            total += s[d];
        }
        shape[d] = total;
        Tensor out = Tensor.empty(first.device(), first.dtype(), shape);
        int at = 0;
        int[] sizes = new int[ts.size()];
        try (NoGrad ng = NoGrad.enter()) {
            for (int i = 0; i < ts.size(); i++) {
                Tensor t = ts.get(i);
                sizes[i] = t.size(d);
                if (sizes[i] > 0) {
                    out.backend().copy(t, out.detach().narrow(d, at, sizes[i]));
                }
                at += sizes[i];
            }
        }
        return Autograd.record("cat", out, (g, n) -> {
            Tensor[] gs = new Tensor[sizes.length];
            int a = 0;
            for (int i = 0; i < sizes.length; i++) {
                gs[i] = n[i] ? g.narrow(d, a, sizes[i]) : null;
                a += sizes[i];
            }
            return gs;
        }, ts.toArray(new Tensor[0]));
    }

    /** Stacking along a new dim. */
    public static Tensor stack(List<Tensor> ts, int dim) {
        if (ts.isEmpty()) {
            throw new IllegalArgumentException("stack: no tensors given");
        }
        int d = Shape.dim("stack", dim, ts.get(0).dim() + 1);
        for (int i = 1; i < ts.size(); i++) {
            if (!Arrays.equals(ts.get(i).shape(), ts.get(0).shape())) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape " + Shape.str(ts.get(i).shape())
                        + " but tensor 0 has " + Shape.str(ts.get(0).shape()));
            }
        }
        List<Tensor> u = new ArrayList<>(ts.size());
        for (Tensor t : ts) {
            u.add(unsqueeze(t, d));
        }
        return cat(u, d);
    }

    /** A contiguous copy, recorded as an identity for gradients. */
    public static Tensor contiguousCopy(Tensor x, String name) {
        Tensor out = Tensor.empty(x.device(), x.dtype(), x.shape());
        x.backend().copy(x, out);
        return Autograd.record(name, out, (g, n) -> new Tensor[] {g}, x);
    }
}
