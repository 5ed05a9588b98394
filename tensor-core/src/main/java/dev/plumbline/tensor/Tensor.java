package dev.plumbline.tensor;

import dev.plumbline.tensor.autograd.Autograd;
import dev.plumbline.tensor.autograd.Node;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.backend.Backend;
import dev.plumbline.tensor.backend.Backends;
import dev.plumbline.tensor.backend.RandomKind;
import dev.plumbline.tensor.backend.Storage;
import dev.plumbline.tensor.ops.Elementwise;
import dev.plumbline.tensor.ops.Fused;
import dev.plumbline.tensor.ops.Indexing;
import dev.plumbline.tensor.ops.MatMul;
import dev.plumbline.tensor.ops.Reductions;
import dev.plumbline.tensor.ops.Views;
import dev.plumbline.tensor.random.Generator;

import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional array on a {@link Device}, with eager ops and reverse-mode autodiff.
 *
 * <p>A tensor is a handle: storage, shape, strides and offset. Views ({@link #reshape},
 * {@link #permute}, {@link #transpose}, {@link #slice}, {@link #expand}…) share storage; {@link
 * #contiguous()} copies only when needed. Binary ops broadcast like NumPy. Every shape error
 * names the op and the shapes.
 *
 * <pre>{@code
 * Tensor w = Tensor.randn(new Generator(42), 3, 2).requiresGrad(true);
 * Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
 * Tensor loss = x.matmul(w).tanh().pow(2).mean();
 * loss.backward();
 * System.out.println(w.grad());   // d loss / d w, shape [3, 2]
 * }</pre>
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final int[] strides;
    private final int offset;

    private boolean requiresGrad;
    private Tensor grad;
    private Node gradFn;

    private Tensor(Storage storage, int[] shape, int[] strides, int offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ============================================================================================
    // Construction
    // ============================================================================================

    /**
     * A view of {@code storage} (for backends and ops). No data is copied; shape and strides are
     * trusted to stay inside the storage.
     */
    public static Tensor view(Storage storage, int[] shape, int[] strides, int offset) {
        return new Tensor(storage, shape.clone(), strides.clone(), offset);
    }

    /**
     * A new contiguous tensor whose contents are unspecified, as {@code torch.empty}: the backend's
     * caching allocator may hand back a reused buffer. For outputs that are written completely; use
     * {@link #zeros} when the values are read before they are written.
     */
    public static Tensor empty(Device device, DType dtype, int... shape) {
        int[] s = Shape.checked("empty", shape);
        Storage st = Backends.get(device).allocateUninitialized(dtype, Shape.numel(s));
        return new Tensor(st, s, Shape.contiguousStrides(s), 0);
    }

    /** Zeros of the given shape on the CPU. */
    public static Tensor zeros(int... shape) {
        return zeros(Device.cpu(), DType.F32, shape);
    }

    /** Zeros on a device with a dtype. */
    public static Tensor zeros(Device device, DType dtype, int... shape) {
        int[] s = Shape.checked("zeros", shape);
        Storage st = Backends.get(device).allocate(dtype, Shape.numel(s));
        return new Tensor(st, s, Shape.contiguousStrides(s), 0);
    }

    /** Ones of the given shape on the CPU. */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /** Ones on a device with a dtype. */
    public static Tensor ones(Device device, DType dtype, int... shape) {
        return full(device, dtype, 1f, shape);
    }

    /** A CPU F32 tensor filled with {@code value}. */
    public static Tensor full(float value, int... shape) {
        return full(Device.cpu(), DType.F32, value, shape);
    }

    /** A tensor filled with {@code value}. */
    public static Tensor full(Device device, DType dtype, double value, int... shape) {
        if (value == 0) {
            return zeros(device, dtype, shape);
        }
        Tensor t = empty(device, dtype, shape);
        t.backend().fill(t, value);
        return t;
    }

    /** A one-element, zero-dimensional F32 tensor on the CPU. */
    public static Tensor scalar(float value) {
        return full(value);
    }

    /** A zero-dimensional tensor on a device. */
    public static Tensor scalar(Device device, float value) {
        return full(device, DType.F32, value);
    }

    /** [0, 1, …, n−1] as F32 on the CPU. */
    public static Tensor arange(int n) {
        return arange(0, n, 1);
    }

    /** [start, start+step, …) up to but excluding {@code end}, F32 on the CPU. */
    public static Tensor arange(double start, double end, double step) {
        if (step == 0 || Double.isNaN(start) || Double.isNaN(end) || Double.isNaN(step)) {
            throw new IllegalArgumentException("arange: step must be non-zero and bounds finite, got start=" + start
                    + " end=" + end + " step=" + step);
        }
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (start + i * step);
        }
        return fromArray(v, n);
    }

    /** A CPU F32 tensor holding a copy of {@code data}, row-major, with the given shape. */
    public static Tensor fromArray(float[] data, int... shape) {
        return fromArray(Device.cpu(), data, shape);
    }

    /** A F32 tensor on {@code device} holding a copy of {@code data}. */
    public static Tensor fromArray(Device device, float[] data, int... shape) {
        int[] s = checkData("fromArray", data.length, shape);
        return new Tensor(Backends.get(device).upload(data, DType.F32), s, Shape.contiguousStrides(s), 0);
    }

    /** A CPU I32 tensor holding a copy of {@code data}. */
    public static Tensor fromArray(int[] data, int... shape) {
        return fromArray(Device.cpu(), data, shape);
    }

    /** An I32 tensor on {@code device} holding a copy of {@code data}. */
    public static Tensor fromArray(Device device, int[] data, int... shape) {
        int[] s = checkData("fromArray", data.length, shape);
        return new Tensor(Backends.get(device).upload(data), s, Shape.contiguousStrides(s), 0);
    }

    private static int[] checkData(String op, int length, int[] shape) {
        int[] s = shape.length == 0 && length != 1 ? new int[] {length} : Shape.checked(op, shape);
        if (Shape.numel(s) != length) {
            throw new IllegalArgumentException(op + ": " + length + " values do not fill shape " + Shape.str(s)
                    + " (" + Shape.numel(s) + " elements)");
        }
        return s;
    }

    /** Uniform on [0, 1) from {@code gen}, F32 on the CPU. */
    public static Tensor rand(Generator gen, int... shape) {
        return random(Device.cpu(), gen, RandomKind.UNIFORM, 0, 1, shape);
    }

    /** Standard normal from {@code gen}, F32 on the CPU. */
    public static Tensor randn(Generator gen, int... shape) {
        return random(Device.cpu(), gen, RandomKind.NORMAL, 0, 1, shape);
    }

    /** 1 with probability {@code p}, else 0, F32 on the CPU. */
    public static Tensor bernoulli(double p, Generator gen, int... shape) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("bernoulli: probability must be in [0, 1], got " + p);
        }
        return random(Device.cpu(), gen, RandomKind.BERNOULLI, (float) p, 0, shape);
    }

    /**
     * Random values on a device: same generator state → same numbers on every backend.
     *
     * @param a uniform low / normal mean / Bernoulli p
     * @param b uniform high / normal std (unused for Bernoulli)
     */
    public static Tensor random(Device device, Generator gen, RandomKind kind, float a, float b, int... shape) {
        Tensor t = empty(device, DType.F32, shape);
        long offset = gen.reserve(t.numel());
        t.backend().random(t, kind, gen.seed(), offset, a, b);
        return t;
    }

    /** Zeros with the shape, dtype and device of {@code t}. */
    public static Tensor zerosLike(Tensor t) {
        return zeros(t.device(), t.dtype(), t.shape);
    }

    /** Ones with the shape, dtype and device of {@code t}. */
    public static Tensor onesLike(Tensor t) {
        return full(t.device(), t.dtype(), 1, t.shape);
    }

    /** A filled tensor like {@code t}. */
    public static Tensor fullLike(Tensor t, double value) {
        return full(t.device(), t.dtype(), value, t.shape);
    }

    /** Uniform [0,1) like {@code t}. */
    public static Tensor randLike(Tensor t, Generator gen) {
        return random(t.device(), gen, RandomKind.UNIFORM, 0, 1, t.shape);
    }

    /** Standard normal like {@code t}. */
    public static Tensor randnLike(Tensor t, Generator gen) {
        return random(t.device(), gen, RandomKind.NORMAL, 0, 1, t.shape);
    }

    // ============================================================================================
    // Properties
    // ============================================================================================

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of dim {@code d} (negative counts from the end). */
    public int size(int d) {
        return shape[Shape.dim("size", d, shape.length)];
    }

    /** Number of dimensions. */
    public int dim() {
        return shape.length;
    }

    /** Number of elements. */
    public long numel() {
        return Shape.numel(shape);
    }

    /** A copy of the element strides. */
    public int[] strides() {
        return strides.clone();
    }

    /** Element offset of the first element into the storage. */
    public int offset() {
        return offset;
    }

    /** The underlying storage (shared by views). */
    public Storage storage() {
        return storage;
    }

    /** Element type. */
    public DType dtype() {
        return storage.dtype();
    }

    /** Where the storage lives. */
    public Device device() {
        return storage.device();
    }

    /** The backend serving this tensor's device. */
    public Backend backend() {
        storage.checkLive();
        return Backends.get(storage.device());
    }

    /** Whether elements are laid out row-major without gaps (size-1 dims ignored). */
    public boolean isContiguous() {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1) {
                if (strides[i] != expected) {
                    return false;
                }
                expected *= shape[i];
            }
        }
        return true;
    }

    // ============================================================================================
    // Autograd
    // ============================================================================================

    /** Whether gradients flow to/through this tensor. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Marks a leaf as requiring grad (returns this). Only floating-point leaves can require grad.
     */
    public Tensor requiresGrad(boolean on) {
        if (gradFn != null && !on) {
            throw new IllegalStateException("requiresGrad(false) on a non-leaf (output of '" + gradFn.op()
                    + "'): use detach()");
        }
        if (on && !dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("requiresGrad: only floating-point tensors can require grad, got " + dtype());
        }
        this.requiresGrad = on;
        return this;
    }

    /** Accumulated gradient of a leaf after {@link #backward()}, or null. */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the gradient (null clears it). */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape)) {
            throw new IllegalArgumentException("setGrad: gradient shape " + Shape.str(g.shape) + " differs from tensor shape "
                    + Shape.str(shape));
        }
        this.grad = g;
    }

    /** The op that produced this tensor, or null for a leaf. */
    public Node gradFn() {
        return gradFn;
    }

    /** For {@link Autograd}: attaches the node that produced this tensor. */
    public void attachGradFn(Node node) {
        this.gradFn = node;
        this.requiresGrad = true;
    }

    /** Whether this tensor was not produced by a recorded op. */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** Backpropagates from this one-element tensor; gradients accumulate into leaves' {@link #grad()}. */
    public void backward() {
        Autograd.backward(this, null, false);
    }

    /** Backpropagates with d(loss)/d(this) = {@code gradient}. */
    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient, false);
    }

    /** Backpropagates, optionally keeping the graph for another backward. */
    public void backward(Tensor gradient, boolean retainGraph) {
        Autograd.backward(this, gradient, retainGraph);
    }

    /** A view sharing storage, cut from the graph (requires no grad). */
    public Tensor detach() {
        return new Tensor(storage, shape, strides, offset);
    }

    /** A contiguous copy cut from the graph. */
    public Tensor copyDetached() {
        try (NoGrad ng = NoGrad.enter()) {
            Tensor out = empty(device(), dtype(), shape);
            backend().copy(this, out);
            return out;
        }
    }

    // ============================================================================================
    // Data access
    // ============================================================================================

    /** The value of a one-element tensor. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item: tensor of shape " + Shape.str(shape) + " has " + numel()
                    + " elements, not 1");
        }
        return dtype() == DType.I32 ? backend().downloadInts(this)[0] : backend().downloadFloats(this)[0];
    }

    /** All elements, row-major, as floats (I32 is converted). */
    public float[] toFloatArray() {
        if (dtype() == DType.I32) {
            int[] v = backend().downloadInts(this);
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = v[i];
            }
            return f;
        }
        return backend().downloadFloats(this);
    }

    /** All elements of an I32 tensor, row-major. */
    public int[] toIntArray() {
        if (dtype() != DType.I32) {
            throw new IllegalStateException("toIntArray: tensor is " + dtype() + ", not I32 (use to(DType.I32) first)");
        }
        return backend().downloadInts(this);
    }

    /** This tensor on another device (itself if already there); differentiable. */
    public Tensor to(Device target) {
        if (target.equals(device())) {
            return this;
        }
        Tensor src = this;
        Tensor out = dtype() == DType.I32
                ? fromArray(target, toIntArray(), shape)
                : new Tensor(Backends.get(target).upload(toFloatArray(), dtype()), shape.clone(),
                        Shape.contiguousStrides(shape), 0);
        Device from = device();
        return Autograd.record("to", out, (g, n) -> new Tensor[] {g.to(from)}, src);
    }

    /** This tensor converted to another dtype (itself if already that type). */
    public Tensor to(DType target) {
        if (target == dtype()) {
            return this;
        }
        Tensor out = empty(device(), target, shape);
        backend().copy(this, out);
        if (!target.isFloatingPoint() || !dtype().isFloatingPoint()) {
            return out;
        }
        DType from = dtype();
        return Autograd.record("to", out, (g, n) -> new Tensor[] {g.to(from)}, this);
    }

    /** A contiguous tensor with the same values: this one if already contiguous. */
    public Tensor contiguous() {
        return isContiguous() ? this : Views.contiguousCopy(this, "contiguous");
    }

    /** A contiguous copy that stays in the graph. */
    public Tensor copy() {
        return Views.contiguousCopy(this, "clone");
    }

    // ============================================================================================
    // Views and shape ops (no copy unless said)
    // ============================================================================================

    /** Same data, new shape (one dim may be −1); copies only if the layout requires. */
    public Tensor reshape(int... newShape) {
        return Views.reshape(this, newShape);
    }

    /** Like {@link #reshape} but never copies: fails if the layout does not allow a view. */
    public Tensor view(int... newShape) {
        return Views.view(this, newShape);
    }

    /** All dims collapsed into one. */
    public Tensor flatten() {
        return reshape(-1);
    }

    /** Dims {@code start..end} (inclusive) collapsed into one. */
    public Tensor flatten(int start, int end) {
        return Views.flatten(this, start, end);
    }

    /** Reorders dims: {@code out.shape[i] = shape[dims[i]]}. */
    public Tensor permute(int... dims) {
        return Views.permute(this, dims);
    }

    /** Swaps two dims. */
    public Tensor transpose(int d0, int d1) {
        return Views.transpose(this, d0, d1);
    }

    /** Swaps the last two dims (matrix transpose of every batch element). */
    public Tensor mT() {
        return transpose(-2, -1);
    }

    /** Elements {@code start..end-1} along {@code dim} (negative indices count from the end). */
    public Tensor slice(int dim, int start, int end) {
        return Views.slice(this, dim, start, end, 1);
    }

    /** Every {@code step}-th element of {@code start..end-1} along {@code dim}. */
    public Tensor slice(int dim, int start, int end, int step) {
        return Views.slice(this, dim, start, end, step);
    }

    /** {@code length} elements along {@code dim} from {@code start}. */
    public Tensor narrow(int dim, int start, int length) {
        return Views.narrow(this, dim, start, length);
    }

    /** The sub-tensor at {@code index} of {@code dim}, with that dim removed. */
    public Tensor select(int dim, int index) {
        return Views.select(this, dim, index);
    }

    /** Broadcasts size-1 dims (and new leading dims) to {@code newShape}; −1 keeps a size. */
    public Tensor expand(int... newShape) {
        return Views.expand(this, newShape);
    }

    /** Removes all size-1 dims. */
    public Tensor squeeze() {
        return Views.squeeze(this);
    }

    /** Removes dim {@code d} if its size is 1. */
    public Tensor squeeze(int d) {
        return Views.squeeze(this, d);
    }

    /** Inserts a size-1 dim at {@code d}. */
    public Tensor unsqueeze(int d) {
        return Views.unsqueeze(this, d);
    }

    /** Splits along {@code dim} into pieces of {@code size} (the last may be smaller). */
    public List<Tensor> split(int size, int dim) {
        return Views.split(this, size, dim);
    }

    /** Splits along {@code dim} into {@code chunks} nearly equal pieces. */
    public List<Tensor> chunk(int chunks, int dim) {
        return Views.chunk(this, chunks, dim);
    }

    /** Concatenates along {@code dim}. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return Views.cat(tensors, dim);
    }

    /** Stacks along a new dim {@code dim}. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        return Views.stack(tensors, dim);
    }

    // ============================================================================================
    // Elementwise
    // ============================================================================================

    /** this + other (broadcast). */
    public Tensor add(Tensor other) { return Elementwise.add(this, other); }
    /** this + s. */
    public Tensor add(float s) { return Elementwise.affine(this, 1f, s); }
    /** this − other (broadcast). */
    public Tensor sub(Tensor other) { return Elementwise.sub(this, other); }
    /** this − s. */
    public Tensor sub(float s) { return Elementwise.affine(this, 1f, -s); }
    /** this ⊙ other (broadcast). */
    public Tensor mul(Tensor other) { return Elementwise.mul(this, other); }
    /** this · s. */
    public Tensor mul(float s) { return Elementwise.affine(this, s, 0f); }
    /** this / other (broadcast). */
    public Tensor div(Tensor other) { return Elementwise.div(this, other); }
    /** this / s. */
    public Tensor div(float s) { return Elementwise.affine(this, 1f / s, 0f); }
    /** −this. */
    public Tensor neg() { return Elementwise.neg(this); }
    /** eˣ. */
    public Tensor exp() { return Elementwise.exp(this); }
    /** ln x. */
    public Tensor log() { return Elementwise.log(this); }
    /** √x. */
    public Tensor sqrt() { return Elementwise.sqrt(this); }
    /** 1/√x. */
    public Tensor rsqrt() { return Elementwise.rsqrt(this); }
    /** xᵖ. */
    public Tensor pow(float p) { return Elementwise.pow(this, p); }
    /** x^y elementwise (broadcast). */
    public Tensor pow(Tensor y) { return Elementwise.pow(this, y); }
    /** x². */
    public Tensor square() { return Elementwise.mul(this, this); }
    /** |x|. */
    public Tensor abs() { return Elementwise.abs(this); }
    /** tanh x. */
    public Tensor tanh() { return Elementwise.tanh(this); }
    /** σ(x). */
    public Tensor sigmoid() { return Elementwise.sigmoid(this); }
    /** max(x, 0). */
    public Tensor relu() { return Elementwise.relu(this); }
    /** GELU, tanh approximation (GPT-2's). */
    public Tensor gelu() { return Elementwise.gelu(this); }
    /** x·σ(x). */
    public Tensor silu() { return Elementwise.silu(this); }
    /** min(max(x, lo), hi). */
    public Tensor clamp(float lo, float hi) { return Elementwise.clamp(this, lo, hi); }
    /** max(x, lo). */
    public Tensor clampMin(float lo) { return Elementwise.clamp(this, lo, Float.POSITIVE_INFINITY); }
    /** min(x, hi). */
    public Tensor clampMax(float hi) { return Elementwise.clamp(this, Float.NEGATIVE_INFINITY, hi); }
    /** Elementwise maximum (broadcast). */
    public Tensor maximum(Tensor o) { return Elementwise.maximum(this, o); }
    /** Elementwise minimum (broadcast). */
    public Tensor minimum(Tensor o) { return Elementwise.minimum(this, o); }
    /** cond ≠ 0 ? a : b (broadcast). */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Elementwise.where(cond, a, b); }
    /** Mask (F32 0/1) of this == o. */
    public Tensor eq(Tensor o) { return Elementwise.compare(dev.plumbline.tensor.backend.BinaryOp.EQ, this, o); }
    /** Mask of this != o. */
    public Tensor ne(Tensor o) { return Elementwise.compare(dev.plumbline.tensor.backend.BinaryOp.NE, this, o); }
    /** Mask of this &lt; o. */
    public Tensor lt(Tensor o) { return Elementwise.compare(dev.plumbline.tensor.backend.BinaryOp.LT, this, o); }
    /** Mask of this ≤ o. */
    public Tensor le(Tensor o) { return Elementwise.compare(dev.plumbline.tensor.backend.BinaryOp.LE, this, o); }
    /** Mask of this &gt; o. */
    public Tensor gt(Tensor o) { return Elementwise.compare(dev.plumbline.tensor.backend.BinaryOp.GT, this, o); }
    /** Mask of this ≥ o. */
    public Tensor ge(Tensor o) { return Elementwise.compare(dev.plumbline.tensor.backend.BinaryOp.GE, this, o); }
    /** Mask of this == s. */
    public Tensor eq(float s) { return eq(scalarLike(s)); }
    /** Mask of this &lt; s. */
    public Tensor lt(float s) { return lt(scalarLike(s)); }
    /** Mask of this &gt; s. */
    public Tensor gt(float s) { return gt(scalarLike(s)); }
    /** Mask of this ≤ s. */
    public Tensor le(float s) { return le(scalarLike(s)); }
    /** Mask of this ≥ s. */
    public Tensor ge(float s) { return ge(scalarLike(s)); }
    /** Mask (F32 0/1) of elements that are NaN or infinite. */
    public Tensor isNonFinite() { return Elementwise.nonFinite(this); }

    private Tensor scalarLike(float s) {
        return full(device(), dtype() == DType.I32 ? DType.I32 : DType.F32, s);
    }

    // ============================================================================================
    // Reductions
    // ============================================================================================

    /** Sum of all elements (a scalar). */
    public Tensor sum() { return Reductions.sum(this, null, false); }
    /** Sum over {@code dims}. */
    public Tensor sum(int[] dims, boolean keepDim) { return Reductions.sum(this, dims, keepDim); }
    /** Sum over one dim. */
    public Tensor sum(int dim, boolean keepDim) { return Reductions.sum(this, new int[] {dim}, keepDim); }
    /** Mean of all elements. */
    public Tensor mean() { return Reductions.mean(this, null, false); }
    /** Mean over {@code dims}. */
    public Tensor mean(int[] dims, boolean keepDim) { return Reductions.mean(this, dims, keepDim); }
    /** Mean over one dim. */
    public Tensor mean(int dim, boolean keepDim) { return Reductions.mean(this, new int[] {dim}, keepDim); }
    /** Maximum of all elements. */
    public Tensor max() { return Reductions.max(this, null, false); }
    /** Maximum over one dim (values; see {@link #maxWithIndices}). */
    public Tensor max(int dim, boolean keepDim) { return Reductions.max(this, new int[] {dim}, keepDim); }
    /** Minimum over one dim. */
    public Tensor min(int dim, boolean keepDim) { return Reductions.min(this, new int[] {dim}, keepDim); }
    /** Minimum of all elements. */
    public Tensor min() { return Reductions.min(this, null, false); }
    /** Maximum values and their I32 indices along {@code dim}. */
    public Reductions.ValuesIndices maxWithIndices(int dim, boolean keepDim) { return Reductions.maxWithIndices(this, dim, keepDim); }
    /** I32 index of the maximum along {@code dim} (first on ties). */
    public Tensor argmax(int dim, boolean keepDim) { return Reductions.argmax(this, dim, keepDim); }
    /** log Σ exp over {@code dims}, computed stably. */
    public Tensor logsumexp(int[] dims, boolean keepDim) { return Reductions.logsumexp(this, dims, keepDim); }
    /** log Σ exp over one dim. */
    public Tensor logsumexp(int dim, boolean keepDim) { return Reductions.logsumexp(this, new int[] {dim}, keepDim); }
    /** Variance over {@code dims}; {@code unbiased} divides by n−1. */
    public Tensor var(int[] dims, boolean unbiased, boolean keepDim) { return Reductions.var(this, dims, unbiased, keepDim); }
    /** Variance over one dim. */
    public Tensor var(int dim, boolean unbiased, boolean keepDim) { return Reductions.var(this, new int[] {dim}, unbiased, keepDim); }
    /** Sums this down to {@code target} (the reverse of broadcasting it up). */
    public Tensor sumTo(int[] target) { return Reductions.sumTo(this, target); }

    // ============================================================================================
    // Linear algebra and fused ops
    // ============================================================================================

    /** Matrix product with NumPy semantics (1-D, 2-D, batched, broadcast batch dims). */
    public Tensor matmul(Tensor other) { return MatMul.matmul(this, other); }
    /** x·wᵀ + b with w (out, in) and optional b (out). */
    public Tensor linear(Tensor weight, Tensor bias) { return MatMul.linear(this, weight, bias); }
    /** Softmax over the last dim. */
    public Tensor softmax() { return Fused.softmax(this, -1); }
    /** Softmax over {@code dim}. */
    public Tensor softmax(int dim) { return Fused.softmax(this, dim); }
    /** Log-softmax over the last dim. */
    public Tensor logSoftmax() { return Fused.logSoftmax(this, -1); }
    /** Log-softmax over {@code dim}. */
    public Tensor logSoftmax(int dim) { return Fused.logSoftmax(this, dim); }
    /** Mean cross-entropy of logits (..., V) against I32 targets (...). */
    public Tensor crossEntropy(Tensor targets) { return Fused.crossEntropy(this, targets, -100); }
    /** Mean cross-entropy skipping targets equal to {@code ignoreIndex}. */
    public Tensor crossEntropy(Tensor targets, int ignoreIndex) { return Fused.crossEntropy(this, targets, ignoreIndex); }
    /** Log-probability of the chosen ids: logits (..., V), ids (...) I32 → (...). */
    public Tensor gatherLogProbs(Tensor ids) { return Fused.gatherLogProbs(this, ids); }
    /** LayerNorm over the last dim with optional affine weight and bias. */
    public Tensor layerNorm(Tensor weight, Tensor bias, float eps) { return Fused.layerNorm(this, weight, bias, eps); }
    /** Inverted dropout: zero with probability p and scale the rest by 1/(1−p); identity when not training. */
    public Tensor dropout(float p, boolean training, Generator gen) { return Fused.dropout(this, p, training, gen); }
    /** Last-dim gather: out[..., j] = this[..., idx[..., j]]. */
    public Tensor gather(Tensor idx) { return Indexing.gather(this, idx); }
    /** Rows of this (V, C) at I32 ids (any shape) → (ids..., C). */
    public Tensor embedding(Tensor ids) { return Indexing.embedding(this, ids); }

    // ============================================================================================
    // In-place updates (optimizers; not recorded)
    // ============================================================================================

    private void checkInPlace(String op) {
        if (Autograd.isEnabled() && (requiresGrad || gradFn != null)) {
            throw new IllegalStateException(op + ": in-place update of a tensor that requires grad (shape "
                    + Shape.str(shape) + "); wrap it in try (NoGrad ng = NoGrad.enter()) { ... }");
        }
    }

    /** this += other (broadcast onto this's shape). */
    public Tensor add_(Tensor other) {
        return add_(other, 1f);
    }

    /** this += alpha · other. */
    public Tensor add_(Tensor other, float alpha) {
        checkInPlace("add_");
        try (NoGrad ng = NoGrad.enter()) {
            Tensor upd = alpha == 1f ? other : other.mul(alpha);
            Tensor sum = Elementwise.add(this, upd);
            if (!Arrays.equals(sum.shape, shape)) {
                throw new IllegalArgumentException("add_: shape " + Shape.str(other.shape) + " does not broadcast onto "
                        + Shape.str(shape));
            }
            backend().copy(sum, this);
            sum.storage().free();
        }
        return this;
    }

    /** this *= s. */
    public Tensor mul_(float s) {
        checkInPlace("mul_");
        try (NoGrad ng = NoGrad.enter()) {
            Tensor r = mul(s);
            backend().copy(r, this);
            r.storage().free();
        }
        return this;
    }

    /** this *= other (broadcast onto this's shape). */
    public Tensor mul_(Tensor other) {
        checkInPlace("mul_");
        try (NoGrad ng = NoGrad.enter()) {
            Tensor r = Elementwise.mul(this, other);
            if (!Arrays.equals(r.shape, shape)) {
                throw new IllegalArgumentException("mul_: shape " + Shape.str(other.shape) + " does not broadcast onto "
                        + Shape.str(shape));
            }
            backend().copy(r, this);
            r.storage().free();
        }
        return this;
    }

    /** Copies {@code src} (broadcast, any device/dtype) into this. */
    public Tensor copy_(Tensor src) {
        checkInPlace("copy_");
        Tensor s = src.device().equals(device()) ? src : src.detach().to(device());
        if (!Arrays.equals(s.shape, shape)) {
            s = Views.expand(s.detach(), shape);
        }
        backend().copy(s, this);
        return this;
    }

    /** Sets every element to zero. */
    public Tensor zero_() {
        return fill_(0f);
    }

    /** Sets every element to {@code v}. */
    public Tensor fill_(float v) {
        checkInPlace("fill_");
        backend().fill(this, v);
        return this;
    }

    // ============================================================================================
    // Printing
    // ============================================================================================

    /** PyTorch-like: {@code tensor([[1.0000, 2.0000], ...], shape=[2, 2], grad_fn=mul)}; large tensors are elided. */
    @Override
    public String toString() {
        if (storage.isFreed()) {
            return "tensor(<freed>, shape=" + Shape.str(shape) + ")";
        }
        StringBuilder sb = new StringBuilder("tensor(");
        boolean ints = dtype() == DType.I32;
        float[] f = ints ? null : toFloatArray();
        int[] iv = ints ? toIntArray() : null;
        format(sb, 0, 0, f, iv);
        sb.append(", shape=").append(Shape.str(shape));
        if (dtype() != DType.F32) {
            sb.append(", dtype=").append(dtype());
        }
        if (!device().isCpu()) {
            sb.append(", device=").append(device());
        }
        if (gradFn != null) {
            sb.append(", grad_fn=").append(gradFn.op());
        } else if (requiresGrad) {
            sb.append(", requires_grad=true");
        }
        return sb.append(')').toString();
    }

    private void format(StringBuilder sb, int d, int base, float[] f, int[] iv) {
        if (d == shape.length) {
            if (iv != null) {
                sb.append(iv[base]);
            } else {
                float v = f[base];
                sb.append(Float.isFinite(v) ? String.format(java.util.Locale.ROOT, "%.4f", v) : Float.toString(v));
            }
            return;
        }
        int n = shape[d];
        int inner = 1;
        for (int i = d + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (n > 8 && i == 3) {
                sb.append("...");
                i = n - 3;
                sb.append(d == shape.length - 1 ? ", " : ",\n" + " ".repeat(d + 8));
            }
            format(sb, d + 1, base + i * inner, f, iv);
            if (i < n - 1) {
                sb.append(d == shape.length - 1 ? ", " : ",\n" + " ".repeat(d + 8));
            }
        }
        sb.append(']');
    }
}
