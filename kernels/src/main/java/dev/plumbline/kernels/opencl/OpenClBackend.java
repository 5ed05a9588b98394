package dev.plumbline.kernels.opencl;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.backend.Backend;
import dev.plumbline.tensor.backend.BackendChecks;
import dev.plumbline.tensor.backend.BinaryOp;
import dev.plumbline.tensor.backend.RandomKind;
import dev.plumbline.tensor.backend.ReduceOp;
import dev.plumbline.tensor.backend.Storage;
import dev.plumbline.tensor.backend.UnaryOp;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.List;

import static org.lwjgl.opencl.CL10.*;
import static org.lwjgl.opencl.CL12.clEnqueueFillBuffer;

/**
 * The OpenCL backend: one context and one in-order command queue per device, buffers from an
 * {@link OpenClAllocator}, kernels from the {@code .cl} resources (see {@link OpenClPrograms}).
 * Semantics are those of the CPU reference backend; dtypes F32 and I32 (BF16 storage is rejected).
 *
 * <pre>{@code
 * Device d = Device.opencl(0);                       // GPUs first, then CPU devices such as PoCL
 * Tensor a = Tensor.randn(new Generator(1), 64, 32).to(d);
 * Tensor y = a.matmul(a.mT()).softmax();             // runs the OpenCL kernels
 * float[] host = y.toFloatArray();
 * }</pre>
 *
 * Launches are serialised on this object (kernel objects are not thread-safe). Index-taking ops
 * (embedding, gather, cross-entropy targets) check bounds on the host, which reads the indices back.
 */
public final class OpenClBackend implements Backend {
    private final Device device;
    private final OpenClDevices.Info info;
    private final long context;
    private final long queue;
    private final int wg;
    private final OpenClPrograms programs;
    private final OpenClAllocator allocator;
    private final ByteBuffer layoutA = MemoryUtil.memAlloc(StridedLayout.BYTES);
    private final ByteBuffer layoutB = MemoryUtil.memAlloc(StridedLayout.BYTES);
    private final PointerBuffer gws = MemoryUtil.memAllocPointer(3);
    private final PointerBuffer lws = MemoryUtil.memAllocPointer(3);
    private final ByteBuffer zero = MemoryUtil.memCalloc(4);

    OpenClBackend(Device device, OpenClDevices.Info info) {
        this.device = device;
        this.info = info;
        String where = device + " (" + info.name() + ")";
        try (MemoryStack st = MemoryStack.stackPush()) {
            IntBuffer err = st.mallocInt(1);
            PointerBuffer props = st.mallocPointer(3).put(CL_CONTEXT_PLATFORM).put(info.platform()).put(0).flip();
            context = clCreateContext(props, info.device(), null, 0, err);
            OpenClException.check(err.get(0), "clCreateContext", where);
            queue = clCreateCommandQueue(context, info.device(), 0, err);
            OpenClException.check(err.get(0), "clCreateCommandQueue", where);
        }
        wg = Integer.highestOneBit(Math.max(1, Math.min(256, info.maxWorkGroupSize())));
        programs = new OpenClPrograms(context, info.device(), where, "-DWG=" + wg);
        allocator = new OpenClAllocator(context, device, info.maxAllocBytes());
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String describe() {
        return device + " (" + info + ", work-group " + wg + (info.fp64() ? ", fp64" : "") + ")";
    }

    /** The device's caching allocator (for memory statistics and {@code emptyCache()}). */
    public OpenClAllocator allocator() {
        return allocator;
    }

    @Override
    public synchronized void emptyCache() {
        allocator.emptyCache();
    }

    /** What discovery reported for this device. */
    public OpenClDevices.Info info() {
        return info;
    }

    /**
     * Compiles {@code source} for this device (the path every {@code .cl} resource takes), e.g. to
     * check a kernel before adding it.
     *
     * @throws OpenClBuildException with the driver's build log when it does not compile
     */
    public void compile(String name, String source) {
        long p = programs.build(name, source, "-DWG=" + wg);
        clReleaseProgram(p);
    }

    // ---- launching ------------------------------------------------------------------------------

    private static long mem(Tensor t) {
        Storage s = t.storage();
        if (!(s instanceof OpenClStorage)) {
            throw new IllegalArgumentException("opencl: tensor " + Shape.str(t.shape()) + " lives on " + t.device()
                    + ", not on an OpenCL device; move it with .to(device)");
        }
        return ((OpenClStorage) s).mem();
    }

    /** One kernel launch being prepared: arguments in order, then {@link #run}. */
    private final class Call {
        final long kernel;
        final String name;
        final String op;
        final Tensor[] shown;
        int arg;

        Call(String family, String options, String name, String op, Tensor... shown) {
            this.kernel = programs.kernel(family, options, name);
            this.name = name;
            this.op = op;
            this.shown = shown;
        }

        private String where() {
            StringBuilder sb = new StringBuilder(device.toString()).append(' ').append(op);
            for (int i = 0; i < shown.length; i++) {
                sb.append(i == 0 ? " " : ", ").append(shown[i] == null ? "null" : Shape.str(shown[i].shape()));
            }
            return sb.toString();
        }

        private void check(int err, String fn) {
            if (err != CL_SUCCESS) {
                throw new OpenClException(where() + ": " + fn + " failed with " + OpenClException.errorName(err)
                        + " in kernel '" + name + "' (argument " + arg + ")", err);
            }
        }

        Call mem(Tensor t) {
            check(clSetKernelArg1p(kernel, arg, OpenClBackend.mem(t)), "clSetKernelArg");
            arg++;
            return this;
        }

        Call i(int v) {
            check(clSetKernelArg1i(kernel, arg, v), "clSetKernelArg");
            arg++;
            return this;
        }

        Call f(float v) {
            check(clSetKernelArg1f(kernel, arg, v), "clSetKernelArg");
            arg++;
            return this;
        }

        Call l(long v) {
            check(clSetKernelArg1l(kernel, arg, v), "clSetKernelArg");
            arg++;
            return this;
        }

        Call layout(StridedLayout l, ByteBuffer buf) {
            check(clSetKernelArg(kernel, arg, l.write(buf)), "clSetKernelArg");
            arg++;
            return this;
        }

        /**
         * 1-D launch of {@code n} items (kernels bound-check), in work-groups of a fixed size: a
         * driver-chosen local size would make PoCL compile a new work-group function per size.
         */
        void run(long n) {
            if (n > 0) {
                launch(new long[] {roundUp(n, wg)}, new long[] {wg});
            }
        }

        /** 1-D launch of {@code groups} work-groups of {@code wg} items. */
        void runGroups(long groups) {
            if (groups > 0) {
                launch(new long[] {groups * wg}, new long[] {wg});
            }
        }

        void launch(long[] global, long[] local) {
            int dims = global.length;
            gws.clear();
            lws.clear();
            for (int d = 0; d < dims; d++) {
                gws.put(d, global[d]);
                if (local != null) {
                    lws.put(d, local[d]);
                }
            }
            gws.limit(dims);
            lws.limit(dims);
            int err = clEnqueueNDRangeKernel(queue, kernel, dims, null, gws, local == null ? null : lws, null, null);
            if (err != CL_SUCCESS) {
                throw new OpenClException(where() + ": clEnqueueNDRangeKernel failed with "
                        + OpenClException.errorName(err) + " in kernel '" + name + "' (global "
                        + java.util.Arrays.toString(global) + ", local " + java.util.Arrays.toString(local) + ")", err);
            }
        }
    }

    private static void requireSupported(DType dtype, String op) {
        if (dtype == DType.BF16) {
            throw new UnsupportedOperationException("opencl " + op + ": BF16 storage is not implemented on the OpenCL "
                    + "backend yet; use F32 (or the CUDA backend for BF16)");
        }
    }

    // ---- memory ---------------------------------------------------------------------------------

    @Override
    public synchronized Storage allocate(DType dtype, long numel) {
        requireSupported(dtype, "allocate");
        long bytes = numel * dtype.byteSize();
        long[] mb = allocator.acquire(bytes, "allocate " + numel + " x " + dtype);
        int err = clEnqueueFillBuffer(queue, mb[0], zero, 0, mb[1], null, null);
        if (err != CL_SUCCESS) {
            allocator.release(mb[0], mb[1]);
            throw new OpenClException(device + " allocate " + numel + " x " + dtype + ": clEnqueueFillBuffer failed with "
                    + OpenClException.errorName(err), err);
        }
        return new OpenClStorage(device, dtype, numel, mb[0], mb[1], allocator);
    }

    @Override
    public synchronized Storage upload(float[] data, DType dtype) {
        requireSupported(dtype, "upload");
        long[] mb = allocator.acquire(4L * data.length, "upload " + data.length + " floats");
        if (data.length > 0) {
            OpenClException.check(clEnqueueWriteBuffer(queue, mb[0], true, 0, data, null, null), "clEnqueueWriteBuffer",
                    device + " upload " + data.length + " floats");
        }
        return new OpenClStorage(device, dtype, data.length, mb[0], mb[1], allocator);
    }

    @Override
    public synchronized Storage upload(int[] data) {
        long[] mb = allocator.acquire(4L * data.length, "upload " + data.length + " ints");
        if (data.length > 0) {
            OpenClException.check(clEnqueueWriteBuffer(queue, mb[0], true, 0, data, null, null), "clEnqueueWriteBuffer",
                    device + " upload " + data.length + " ints");
        }
        return new OpenClStorage(device, DType.I32, data.length, mb[0], mb[1], allocator);
    }

    @Override
    public synchronized float[] downloadFloats(Tensor t) {
        BackendChecks.download(device, t, DType.F32, DType.BF16);
        requireSupported(t.dtype(), "download");
        float[] out = new float[(int) t.numel()];
        if (out.length == 0) {
            return out;
        }
        if (t.isContiguous()) {
            OpenClException.check(clEnqueueReadBuffer(queue, mem(t), true, 4L * t.offset(), out, null, null),
                    "clEnqueueReadBuffer", device + " download " + Shape.str(t.shape()));
            return out;
        }
        Tensor tmp = Tensor.empty(device, t.dtype(), t.shape());
        try {
            copy(t, tmp);
            return downloadFloats(tmp);
        } finally {
            tmp.storage().free();
        }
    }

    @Override
    public synchronized int[] downloadInts(Tensor t) {
        BackendChecks.download(device, t, DType.I32);
        int[] out = new int[(int) t.numel()];
        if (out.length == 0) {
            return out;
        }
        if (t.isContiguous()) {
            OpenClException.check(clEnqueueReadBuffer(queue, mem(t), true, 4L * t.offset(), out, null, null),
                    "clEnqueueReadBuffer", device + " download " + Shape.str(t.shape()));
            return out;
        }
        Tensor tmp = Tensor.empty(device, DType.I32, t.shape());
        try {
            copy(t, tmp);
            return downloadInts(tmp);
        } finally {
            tmp.storage().free();
        }
    }

    // ---- data movement --------------------------------------------------------------------------

    @Override
    public synchronized void fill(Tensor out, double value) {
        BackendChecks.fill(device, out);
        requireSupported(out.dtype(), "fill");
        StridedLayout l = StridedLayout.of("fill", out.shape(), out);
        if (out.dtype() == DType.I32) {
            new Call("elementwise", "", "fill_i32", "fill", out).mem(out).layout(l, layoutA).i((int) value).run(l.n);
        } else {
            new Call("elementwise", "", "fill_f32", "fill", out).mem(out).layout(l, layoutA).f((float) value).run(l.n);
        }
    }

    @Override
    public synchronized void copy(Tensor src, Tensor out) {
        BackendChecks.copy(device, src, out);
        requireSupported(src.dtype(), "copy");
        requireSupported(out.dtype(), "copy");
        String kernel = "copy_" + (src.dtype() == DType.I32 ? "i32" : "f32") + "_to_"
                + (out.dtype() == DType.I32 ? "i32" : "f32");
        StridedLayout l = StridedLayout.of("copy", out.shape(), out, src);
        new Call("elementwise", "", kernel, "copy", src, out).mem(out).mem(src).layout(l, layoutA).run(l.n);
    }

    // ---- elementwise ----------------------------------------------------------------------------

    @Override
    public synchronized void unary(UnaryOp op, Tensor x, float a, float b, Tensor out) {
        BackendChecks.unary(device, op, x, out);
        requireSupported(out.dtype(), "unary");
        StridedLayout l = StridedLayout.of(op.name().toLowerCase(), out.shape(), out, x);
        new Call("elementwise", "", "unary", "unary " + op, x).mem(out).mem(x).layout(l, layoutA).i(op.ordinal()).f(a).f(b)
                .run(l.n);
    }

    @Override
    public synchronized void binary(BinaryOp op, Tensor x, Tensor y, Tensor out) {
        BackendChecks.binary(device, op, x, y, out);
        requireSupported(out.dtype(), "binary");
        StridedLayout l = StridedLayout.of(op.name().toLowerCase(), out.shape(), out, x, y);
        String kernel = out.dtype() == DType.I32 ? "binary_i32" : "binary_f32";
        if (out.dtype() == DType.I32 && !(op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL
                || op == BinaryOp.MAX || op == BinaryOp.MIN)) {
            throw new IllegalArgumentException("binary: op " + op + " has no I32 form");
        }
        new Call("elementwise", "", kernel, "binary " + op, x, y).mem(out).mem(x).mem(y).layout(l, layoutA).i(op.ordinal())
                .run(l.n);
    }

    @Override
    public synchronized void where(Tensor cond, Tensor x, Tensor y, Tensor out) {
        BackendChecks.where(device, cond, x, y, out);
        requireSupported(out.dtype(), "where");
        StridedLayout l = StridedLayout.of("where", out.shape(), out, cond, x, y);
        new Call("elementwise", "", "where_f32", "where", cond, x, y).mem(out).mem(cond).mem(x).mem(y).layout(l, layoutA)
                .run(l.n);
    }

    // ---- reductions -----------------------------------------------------------------------------

    @Override
    public synchronized void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        BackendChecks.reduce(device, op, x, dims, out);
        requireSupported(x.dtype(), "reduce");
        int r = x.dim();
        int[] shape = x.shape(), strides = x.strides();
        boolean[] red = new boolean[r];
        for (int d : dims) {
            red[d] = true;
        }
        int nk = r - dims.length;
        int[] kShape = new int[nk], kStride = new int[nk], rShape = new int[dims.length], rStride = new int[dims.length];
        for (int d = 0, a = 0, b = 0; d < r; d++) {
            if (red[d]) {
                rShape[b] = shape[d];
                rStride[b++] = strides[d];
            } else {
                kShape[a] = shape[d];
                kStride[a++] = strides[d];
            }
        }
        String name = op.name().toLowerCase();
        StridedLayout kl = StridedLayout.of(name, kShape, new int[][] {kStride}, new int[] {x.offset()});
        StridedLayout rl = StridedLayout.of(name, rShape, new int[][] {rStride}, new int[] {0});
        if (kl.n == 0) {
            return;
        }
        if (rl.n == 0 && op != ReduceOp.SUM) {
            throw new IllegalArgumentException("reduce " + op + ": empty reduction over dims "
                    + java.util.Arrays.toString(dims) + " of " + Shape.str(shape));
        }
        if (rl.n < 64) {
            new Call("reduce", "", "reduce_serial", "reduce " + op, x).mem(x).mem(out).mem(out).layout(kl, layoutA)
                    .layout(rl, layoutB).i(op.ordinal()).run(kl.n);
        } else if (op == ReduceOp.SUM) {
            new Call("reduce", "", "reduce_wg_sum", "reduce " + op, x).mem(x).mem(out).layout(kl, layoutA)
                    .layout(rl, layoutB).runGroups(kl.n);
        } else {
            new Call("reduce", "", "reduce_wg_arg", "reduce " + op, x).mem(x).mem(out).mem(out).layout(kl, layoutA)
                    .layout(rl, layoutB).i(op.ordinal()).runGroups(kl.n);
        }
    }

    // ---- matmul ---------------------------------------------------------------------------------

    @Override
    public synchronized void matmul(Tensor a, Tensor b, Tensor out) {
        BackendChecks.matmul(device, a, b, out);
        requireSupported(out.dtype(), "matmul");
        int r = out.dim();
        int m = out.size(-2), n = out.size(-1), k = a.size(-1);
        int[] ast = a.strides(), bst = b.strides();
        int[] batchShape = java.util.Arrays.copyOf(out.shape(), r - 2);
        int[] aB = java.util.Arrays.copyOf(ast, r - 2), bB = java.util.Arrays.copyOf(bst, r - 2);
        StridedLayout l = StridedLayout.of("matmul", batchShape, new int[][] {aB, bB}, new int[] {a.offset(), b.offset()});
        if (l.n == 0 || m == 0 || n == 0) {
            return;
        }
        int ts = 16;
        Call c = new Call("matmul", "", "matmul", "matmul", a, b).mem(a).mem(b).mem(out).layout(l, layoutA).i(m).i(n).i(k)
                .i(ast[r - 2]).i(ast[r - 1]).i(bst[r - 2]).i(bst[r - 1]);
        c.launch(new long[] {roundUp(n, ts), roundUp(m, ts), l.n}, new long[] {ts, ts, 1});
    }

    private static long roundUp(long v, long m) {
        return (v + m - 1) / m * m;
    }

    // ---- indexing -------------------------------------------------------------------------------

    private void checkIndices(String op, Tensor idx, int bound, int ignore, boolean hasIgnore) {
        int[] ids = downloadInts(idx);
        for (int p = 0; p < ids.length; p++) {
            int id = ids[p];
            if (hasIgnore && id == ignore) {
                continue;
            }
            if (id < 0 || id >= bound) {
                if (op.equals("crossEntropy")) {
                    throw new IndexOutOfBoundsException("crossEntropy: target " + id + " out of range [0, " + bound
                            + ") at row " + p);
                }
                throw new IndexOutOfBoundsException(op + ": index " + id + " out of range [0, " + bound + ") at position " + p);
            }
        }
    }

    @Override
    public synchronized void indexSelect(Tensor table, Tensor idx, Tensor out) {
        BackendChecks.indexSelect(device, table, idx, out);
        requireSupported(out.dtype(), "embedding");
        int v = table.size(0), c = table.size(1), n = idx.size(0);
        checkIndices("embedding", idx, v, 0, false);
        new Call("index", "", "index_select", "embedding", table, idx).mem(table).i(table.offset()).mem(idx).i(idx.offset())
                .mem(out).i(n).i(c).run((long) n * c);
    }

    @Override
    public synchronized void indexAdd(Tensor out, Tensor idx, Tensor src) {
        BackendChecks.indexAdd(device, out, idx, src);
        requireSupported(out.dtype(), "indexAdd");
        int v = out.size(0), c = out.size(1), n = idx.size(0);
        checkIndices("indexAdd", idx, v, 0, false);
        new Call("index", "", "index_add", "indexAdd", out, idx, src).mem(out).i(out.offset()).mem(idx).i(idx.offset())
                .mem(src).i(src.offset()).i(n).i(c).run(c);
    }

    @Override
    public synchronized void gather(Tensor x, Tensor idx, Tensor out) {
        BackendChecks.gather(device, x, idx, out);
        requireSupported(out.dtype(), "gather");
        int rows = x.size(0), v = x.size(1), k = idx.size(1);
        checkIndices("gather", idx, v, 0, false);
        new Call("index", "", "gather_last", "gather", x, idx).mem(x).i(x.offset()).mem(idx).i(idx.offset()).mem(out)
                .i(rows).i(v).i(k).run((long) rows * k);
    }

    @Override
    public synchronized void scatterAdd(Tensor out, Tensor idx, Tensor src) {
        BackendChecks.scatterAdd(device, out, idx, src);
        requireSupported(out.dtype(), "scatterAdd");
        int rows = out.size(0), v = out.size(1), k = idx.size(1);
        checkIndices("scatterAdd", idx, v, 0, false);
        new Call("index", "", "scatter_add_last", "scatterAdd", out, idx, src).mem(out).i(out.offset()).mem(idx)
                .i(idx.offset()).mem(src).i(src.offset()).i(rows).i(v).i(k).run(rows);
    }

    // ---- random ---------------------------------------------------------------------------------

    @Override
    public synchronized void random(Tensor out, RandomKind kind, long seed, long offset, float a, float b) {
        BackendChecks.random(device, out);
        requireSupported(out.dtype(), "random");
        int n = (int) out.numel();
        new Call("random", "", "philox_fill", "random " + kind, out).mem(out).i(out.offset()).i(n).l(seed).l(offset)
                .i(kind.ordinal()).f(a).f(b).run((n + 3L) / 4);
    }

    // ---- fused ----------------------------------------------------------------------------------

    private static int rowsOf(Tensor t) {
        return t.dim() == 0 ? 1 : (int) (t.numel() / Math.max(1, t.size(-1)));
    }

    private static int lastOf(Tensor t) {
        return t.dim() == 0 ? 1 : t.size(-1);
    }

    @Override
    public synchronized void softmax(Tensor x, boolean log, Tensor out) {
        BackendChecks.softmax(device, x, log, out);
        requireSupported(x.dtype(), "softmax");
        new Call("softmax", "", "softmax_fwd", log ? "logSoftmax" : "softmax", x).mem(x).i(x.offset()).mem(out)
                .i(out.offset()).i(lastOf(x)).i(log ? 1 : 0).runGroups(lastOf(x) == 0 ? 0 : rowsOf(x));
    }

    @Override
    public synchronized void softmaxBackward(Tensor y, Tensor gy, boolean log, Tensor gx) {
        BackendChecks.softmaxBackward(device, y, gy, log, gx);
        requireSupported(y.dtype(), "softmax backward");
        new Call("softmax", "", "softmax_bwd", log ? "logSoftmax backward" : "softmax backward", y, gy).mem(y)
                .i(y.offset()).mem(gy).i(gy.offset()).mem(gx).i(gx.offset()).i(lastOf(y)).i(log ? 1 : 0)
                .runGroups(lastOf(y) == 0 ? 0 : rowsOf(y));
    }

    @Override
    public synchronized void crossEntropy(Tensor logits, Tensor targets, int ignoreIndex, Tensor loss, Tensor lse) {
        BackendChecks.crossEntropy(device, logits, targets, loss, lse);
        requireSupported(logits.dtype(), "crossEntropy");
        int n = logits.size(0), v = logits.size(1);
        checkIndices("crossEntropy", targets, v, ignoreIndex, true);
        new Call("softmax", "", "ce_fwd", "crossEntropy", logits, targets).mem(logits).i(logits.offset()).mem(targets)
                .i(targets.offset()).i(ignoreIndex).mem(loss).mem(lse).i(v).runGroups(n);
    }

    @Override
    public synchronized void crossEntropyBackward(Tensor logits, Tensor targets, int ignoreIndex, Tensor lse,
                                                  Tensor gLoss, Tensor gLogits) {
        BackendChecks.crossEntropyBackward(device, logits, targets, lse, gLoss, gLogits);
        requireSupported(logits.dtype(), "crossEntropy backward");
        int n = logits.size(0), v = logits.size(1);
        new Call("softmax", "", "ce_bwd", "crossEntropy backward", logits, targets).mem(logits).i(logits.offset())
                .mem(targets).i(targets.offset()).i(ignoreIndex).mem(lse).mem(gLoss).i(gLoss.offset()).mem(gLogits).i(v)
                .runGroups(n);
    }

    @Override
    public synchronized void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out, Tensor mean,
                                       Tensor rstd) {
        BackendChecks.layerNorm(device, x, weight, bias, out, mean, rstd);
        requireSupported(x.dtype(), "layerNorm");
        int n = x.size(0), c = x.size(1);
        new Call("layernorm", "", "ln_fwd", "layerNorm", x, weight, bias).mem(x).i(x.offset())
                .mem(weight == null ? x : weight).i(weight == null ? 0 : weight.offset()).i(weight == null ? 0 : 1)
                .mem(bias == null ? x : bias).i(bias == null ? 0 : bias.offset()).i(bias == null ? 0 : 1).f(eps).mem(out)
                .mem(mean).mem(rstd).i(c).runGroups(n);
    }

    @Override
    public synchronized void layerNormBackward(Tensor gy, Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gx,
                                               Tensor gWeight, Tensor gBias) {
        BackendChecks.layerNormBackward(device, gy, x, weight, mean, rstd, gx, gWeight, gBias);
        requireSupported(x.dtype(), "layerNorm backward");
        int n = x.size(0), c = x.size(1);
        new Call("layernorm", "", "ln_bwd_x", "layerNorm backward", gy, x, weight).mem(gy).i(gy.offset()).mem(x)
                .i(x.offset()).mem(weight == null ? x : weight).i(weight == null ? 0 : weight.offset())
                .i(weight == null ? 0 : 1).mem(mean).mem(rstd).mem(gx).i(c).runGroups(n);
        if (gWeight != null || gBias != null) {
            new Call("layernorm", "", "ln_bwd_wb", "layerNorm backward (weight, bias)", gy, x).mem(gy).i(gy.offset())
                    .mem(x).i(x.offset()).mem(mean).mem(rstd).mem(gWeight == null ? gx : gWeight)
                    .i(gWeight == null ? 0 : 1).mem(gBias == null ? gx : gBias).i(gBias == null ? 0 : 1).i(n).i(c).run(c);
        }
    }

    private static String attentionOptions(int d) {
        int maxd = 16;
        while (maxd < d) {
            maxd <<= 1;
        }
        return "-DMAXD=" + maxd;
    }

    @Override
    public synchronized void attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, float scale,
                                       Tensor out, Tensor lse) {
        BackendChecks.attention(device, q, k, v, keyMask, out, lse);
        requireSupported(q.dtype(), "attention");
        int b = q.size(0), h = q.size(1), tq = q.size(2), tk = k.size(2), d = q.size(3);
        int rows = b * h * tq;
        new Call("attention", attentionOptions(d), "attn_fwd", "attention", q, k, v).mem(q).i(q.offset()).mem(k)
                .i(k.offset()).mem(v).i(v.offset()).mem(keyMask == null ? q : keyMask)
                .i(keyMask == null ? 0 : keyMask.offset()).i(keyMask == null ? 0 : 1).i(causal ? 1 : 0).f(scale).mem(out)
                .mem(lse).i(rows).i(h).i(tq).i(tk).i(d).run(rows);
    }

    @Override
    public synchronized void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, float scale,
                                               Tensor out, Tensor lse, Tensor gOut, Tensor gq, Tensor gk, Tensor gv) {
        BackendChecks.attentionBackward(device, q, k, v, keyMask, out, lse, gOut, gq, gk, gv);
        requireSupported(q.dtype(), "attention backward");
        int b = q.size(0), h = q.size(1), tq = q.size(2), tk = k.size(2), d = q.size(3);
        String opts = attentionOptions(d);
        Tensor mask = keyMask == null ? q : keyMask;
        int mo = keyMask == null ? 0 : keyMask.offset(), has = keyMask == null ? 0 : 1;
        new Call("attention", opts, "attn_bwd_q", "attention backward", q, k, v).mem(q).i(q.offset()).mem(k).i(k.offset())
                .mem(v).i(v.offset()).mem(mask).i(mo).i(has).i(causal ? 1 : 0).f(scale).mem(out).mem(lse).mem(gOut)
                .i(gOut.offset()).mem(gq).i(b * h * tq).i(h).i(tq).i(tk).i(d).run((long) b * h * tq);
        new Call("attention", opts, "attn_bwd_kv", "attention backward", q, k, v).mem(q).i(q.offset()).mem(k).i(k.offset())
                .mem(v).i(v.offset()).mem(mask).i(mo).i(has).i(causal ? 1 : 0).f(scale).mem(out).mem(lse).mem(gOut)
                .i(gOut.offset()).mem(gk).mem(gv).i(b * h * tk).i(h).i(tq).i(tk).i(d).run((long) b * h * tk);
    }

    @Override
    public synchronized void adamw(List<Tensor> params, List<Tensor> grads, List<Tensor> m, List<Tensor> v, float lr,
                                   float beta1, float beta2, float eps, float[] weightDecay, float bc1, float bc2) {
        BackendChecks.adamw(device, params, grads, m, v, weightDecay);
        float sb2 = (float) Math.sqrt(bc2);
        float stepSize = lr / bc1;
        for (int t = 0; t < params.size(); t++) {
            Tensor p = params.get(t), g = grads.get(t);
            if (!p.isContiguous() || !g.isContiguous() || !m.get(t).isContiguous() || !v.get(t).isContiguous()) {
                throw new IllegalArgumentException("adamw: tensor " + t + " " + Shape.str(p.shape()) + " must be contiguous");
            }
            float decay = 1f - lr * weightDecay[t];
            new Call("adamw", "", "adamw_step", "adamw (tensor " + t + ")", p).mem(p).i(p.offset()).mem(g).i(g.offset())
                    .mem(m.get(t)).i(m.get(t).offset()).mem(v.get(t)).i(v.get(t).offset()).i((int) p.numel()).f(beta1)
                    .f(beta2).f(eps).f(decay).f(stepSize).f(sb2).run(p.numel());
        }
    }

    @Override
    public synchronized void synchronize() {
        OpenClException.check(clFinish(queue), "clFinish", device + " synchronize");
    }
}
