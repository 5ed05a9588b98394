package dev.plumbline.kernels.cuda;

import dev.plumbline.tensor.backend.BackendChecks;
import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.backend.Backend;
import dev.plumbline.tensor.backend.BinaryOp;
import dev.plumbline.tensor.backend.RandomKind;
import dev.plumbline.tensor.backend.ReduceOp;
import dev.plumbline.tensor.backend.Storage;
import dev.plumbline.tensor.backend.UnaryOp;
import dev.plumbline.kernels.cuda.CudaDevice.Ptr;
import jcuda.driver.JCudaDriver;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The CUDA backend: every {@link Backend} primitive as a kernel of the checked-in fatbin
 * ({@code kernels/src/main/cuda/*.cu}), queued asynchronously on one stream per device; GEMMs go
 * to cuBLAS (through JCublas and the libcublas.so.12 bridge, see {@link CublasBridge}) when it
 * loads, else to Plumbline's own SIMT F32 and BF16 tensor-core kernels. Choose with the system
 * property {@code plumbline.cuda.gemm} = {@code auto} (default), {@code own} or {@code cublas}.
 *
 * <pre>{@code
 * Tensor a = Tensor.randn(gen, 1024, 1024).to(Device.cuda(0));
 * Tensor c = a.matmul(a);              // cuBLAS SGEMM, or pl_sgemm_nn_vec without cuBLAS
 * }</pre>
 *
 * Semantics are those of the CPU reference ({@code CpuBackend}); out-of-range indices are
 * reported as {@link IndexOutOfBoundsException}s naming the op, after a stream synchronisation.
 */
public final class CudaBackend implements Backend {
    private static final int THREADS = 256;
    private final CudaDevice dev;
    private final CublasBridge.Gemm cublas;
    private final String gemmMode = System.getProperty("plumbline.cuda.gemm", "auto");

    CudaBackend(CudaDevice dev) {
        this.dev = dev;
        this.cublas = "own".equals(gemmMode) ? null : CublasBridge.open(dev);
        dev.allowSharedMemory("pl_attn_fwd", 100 * 1024);
        dev.allowSharedMemory("pl_attn_bwd_dkv", 100 * 1024);
        dev.allowSharedMemory("pl_attn_bwd_dq", 100 * 1024);
    }

    @Override
    public Device device() {
        return dev.device;
    }

    @Override
    public String describe() {
        return "cuda:" + dev.index + " (" + dev.name + ", gemm " + (cublas != null ? "cuBLAS " + cublas.version()
                : "own kernels") + ")";
    }

    /** Whether GEMMs may use cuBLAS in this process (it loaded and was not switched off). */
    public boolean hasCublas() {
        return cublas != null;
    }

    /** Bytes the caching allocator holds in free lists. */
    public long cachedBytes() {
        return dev.cachedBytes();
    }

    /** Returns cached device memory to the driver. */
    @Override
    public void emptyCache() {
        dev.emptyCache();
    }

    // ---- helpers --------------------------------------------------------------------------------------

    private static CudaStorage st(Tensor t) {
        return (CudaStorage) t.storage();
    }

    private static Ptr p(Tensor t) {
        return t == null ? Ptr.NULL : new Ptr(st(t).address(t.offset()));
    }

    private static int code(DType d) {
        return d.ordinal(); // F32 0, BF16 1, I32 2 (common.cuh)
    }

    private static int grid(long n) {
        return (int) Math.max(1, Math.min((n + THREADS - 1) / THREADS, 65535L * 16));
    }

    /** The Strided descriptor of common.cuh: operand 0 is the output. */
    static int[] strided(int[] shape, Tensor... ops) {
        if (shape.length > 8 || ops.length > 4) {
            throw new IllegalArgumentException("cuda: elementwise supports rank <= 8, got " + shape.length);
        }
        int[] w = new int[2 + 8 + 4 + 32];
        w[0] = shape.length;
        boolean contig = true;
        for (Tensor t : ops) {
            contig &= t.isContiguous() && java.util.Arrays.equals(t.shape(), shape);
        }
        w[1] = contig ? 1 : 0;
        System.arraycopy(shape, 0, w, 2, shape.length);
        for (int k = 0; k < ops.length; k++) {
            w[10 + k] = 0; // offsets are folded into the pointers
            int[] s = ops[k].strides();
            int lead = shape.length - s.length;
            for (int d = 0; d < shape.length; d++) {
                w[14 + k * 8 + d] = d < lead || ops[k].shape()[d - lead] == 1 && shape[d] != 1 ? 0 : s[d - lead];
            }
        }
        return w;
    }

    private static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** Runs an indexing kernel with a fresh error word and throws the CPU's exception on a bad index. */
    private void checked(String op, int bound, java.util.function.Consumer<Ptr> body) {
        Tensor err = Tensor.view(allocate(DType.I32, 4), new int[] {4}, new int[] {1}, 0);
        body.accept(p(err));
        int[] e = downloadInts(err);
        err.storage().free();
        if (e[0] != 0) {
            throw new IndexOutOfBoundsException(op + ": index " + e[2] + " out of range [0, " + bound + ") at position " + e[1]);
        }
    }

    // ---- memory ---------------------------------------------------------------------------------------

    @Override
    public Storage allocate(DType dtype, long numel) {
        return CudaStorage.allocate(dev, dtype, numel);
    }

    @Override
    public Storage upload(float[] data, DType dtype) {
        if (dtype == DType.I32) {
            throw new IllegalArgumentException("cuda: upload(float[]) makes F32 or BF16 storage, not I32");
        }
        CudaStorage s = CudaStorage.allocate(dev, dtype, data.length);
        synchronized (dev) {
            long bytes = (long) data.length * dtype.byteSize();
            ByteBuffer b = dev.staging(bytes);
            if (dtype == DType.F32) {
                b.asFloatBuffer().put(data);
            } else {
                for (float f : data) {
                    b.putShort(toBf16(f));
                }
            }
            dev.upload(s.pointer(0), b, bytes);
        }
        return s;
    }

    /** Round to nearest even, NaN kept quiet (as {@code __float2bfloat16_rn}). */
    static short toBf16(float f) {
        int x = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((x >>> 16) | 0x40);
        }
        return (short) ((x + 0x7FFF + ((x >>> 16) & 1)) >>> 16);
    }

    @Override
    public Storage upload(int[] data) {
        CudaStorage s = CudaStorage.allocate(dev, DType.I32, data.length);
        synchronized (dev) {
            ByteBuffer b = dev.staging(4L * data.length);
            b.asIntBuffer().put(data);
            dev.upload(s.pointer(0), b, 4L * data.length);
        }
        return s;
    }

    private Tensor dense(Tensor t, DType as) {
        if (t.isContiguous() && t.dtype() == as) {
            return t;
        }
        Tensor out = Tensor.view(allocate(as, t.numel()), t.shape(), contiguousStrides(t.shape()), 0);
        copy(t, out);
        return out;
    }

    static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }

    @Override
    public float[] downloadFloats(Tensor t) {
        BackendChecks.download(device(), t, DType.F32, DType.BF16);
        Tensor d = dense(t, DType.F32);
        float[] out = new float[(int) t.numel()];
        synchronized (dev) {
            dev.download(st(d).pointer(d.offset()), 4L * out.length).asFloatBuffer().get(out);
        }
        if (d != t) {
            d.storage().free();
        }
        return out;
    }

    @Override
    public int[] downloadInts(Tensor t) {
        BackendChecks.download(device(), t, DType.I32);
        Tensor d = dense(t, DType.I32);
        int[] out = new int[(int) t.numel()];
        synchronized (dev) {
            dev.download(st(d).pointer(d.offset()), 4L * out.length).asIntBuffer().get(out);
        }
        if (d != t) {
            d.storage().free();
        }
        return out;
    }

    // ---- data movement ----------------------------------------------------------------------------------

    @Override
    public void fill(Tensor out, double value) {
        BackendChecks.fill(device(), out);
        long n = out.numel();
        dev.launch("pl_fill", grid(n), 1, 1, THREADS, 0, strided(out.shape(), out), n, p(out), code(out.dtype()),
                (float) value, (int) value);
    }

    @Override
    public void copy(Tensor src, Tensor out) {
        BackendChecks.copy(device(), src, out);
        long n = out.numel();
        if (src.isContiguous() && out.isContiguous() && src.dtype() == out.dtype() && src.numel() == n) {
            CudaException.check(JCudaDriver.cuMemcpyDtoDAsync(st(out).pointer(out.offset()), st(src).pointer(src.offset()),
                    n * out.dtype().byteSize(), dev.stream), "copy: cuMemcpyDtoDAsync");
            return;
        }
        dev.launch("pl_copy", grid(n), 1, 1, THREADS, 0, strided(out.shape(), out, src), n, p(out), code(out.dtype()),
                p(src), code(src.dtype()));
    }

    // ---- elementwise ----------------------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, Tensor x, float a, float b, Tensor out) {
        BackendChecks.unary(device(), op, x, out);
        long n = out.numel();
        if (x.isContiguous() && x.dtype() == DType.F32 && n % 4 == 0 && x.offset() % 4 == 0 && out.offset() % 4 == 0) {
            dev.launch("pl_unary_vec4", grid(n / 4), 1, 1, THREADS, 0, n / 4, op.ordinal(), a, b, p(out), p(x));
            return;
        }
        dev.launch("pl_unary", grid(n), 1, 1, THREADS, 0, strided(out.shape(), out, x), n, op.ordinal(), a, b, p(out),
                p(x), code(x.dtype()));
    }

    @Override
    public void binary(BinaryOp op, Tensor x, Tensor y, Tensor out) {
        BackendChecks.binary(device(), op, x, y, out);
        long n = out.numel();
        int[] s = strided(out.shape(), out, x, y);
        if (out.dtype() == DType.I32) {
            switch (op) {
                case ADD: case SUB: case MUL: case MAX: case MIN: break;
                default: throw new IllegalArgumentException("binary: op " + op + " has no I32 form");
            }
            dev.launch("pl_binary_i32", grid(n), 1, 1, THREADS, 0, s, n, op.ordinal(), p(out), p(x), p(y));
            return;
        }
        dev.launch("pl_binary", grid(n), 1, 1, THREADS, 0, s, n, op.ordinal(), p(out), p(x), code(x.dtype()), p(y),
                code(y.dtype()));
    }

    @Override
    public void where(Tensor cond, Tensor x, Tensor y, Tensor out) {
        BackendChecks.where(device(), cond, x, y, out);
        long n = out.numel();
        dev.launch("pl_where", grid(n), 1, 1, THREADS, 0, strided(out.shape(), out, cond, x, y), n, p(out), p(cond), p(x),
                p(y));
    }

    // ---- reductions -------------------------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        BackendChecks.reduce(device(), op, x, dims, out);
        Tensor xf = x.dtype() == DType.F32 ? x : dense(x, DType.F32);
        int r = xf.dim();
        int[] shape = xf.shape(), strides = xf.strides();
        boolean[] red = new boolean[r];
        for (int d : dims) {
            red[d] = true;
        }
        int[] w = new int[3 + 32];
        int nk = 0, nr = 0;
        long nOut = 1, inner = 1;
        int innerStride = 0;
        for (int d = 0; d < r; d++) {
            if (red[d]) {
                w[3 + 16 + nr] = shape[d];
                w[3 + 24 + nr] = strides[d];
                nr++;
                inner *= shape[d];
                innerStride = strides[d];
            } else {
                w[3 + nk] = shape[d];
                w[3 + 8 + nk] = strides[d];
                nk++;
                nOut *= shape[d];
            }
        }
        w[0] = nk;
        w[1] = nr;
        w[2] = 0;
        boolean rowWise = innerStride == 1 || nOut < 2048;
        if (rowWise) {
            dev.launch("pl_reduce_block", (int) Math.min(nOut, 65535L * 8), 1, 1, THREADS, 0, w, nOut, inner, op.ordinal(),
                    p(xf), p(out));
        } else {
            dev.launch("pl_reduce_thread", grid(nOut), 1, 1, THREADS, 0, w, nOut, inner, op.ordinal(), p(xf), p(out));
        }
        if (xf != x) {
            xf.storage().free();
        }
    }

    // ---- matmul -----------------------------------------------------------------------------------------

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        BackendChecks.matmul(device(), a, b, out);
        CudaGemm.matmul(this, dev, cublas, "cublas".equals(gemmMode), a, b, out);
    }

    Tensor denseFor(Tensor t, DType as) {
        return dense(t, as);
    }

    // ---- indexing ---------------------------------------------------------------------------------------

    @Override
    public void indexSelect(Tensor table, Tensor idx, Tensor out) {
        BackendChecks.indexSelect(device(), table, idx, out);
        int v = table.size(0), c = table.size(1), n = idx.size(0);
        Tensor id = dense(idx, DType.I32);
        checked("embedding", v, err -> dev.launch("pl_index_select", grid((long) n * c), 1, 1, THREADS, 0, p(table), p(id),
                p(out), v, c, n, err));
    }

    @Override
    public void indexAdd(Tensor out, Tensor idx, Tensor src) {
        BackendChecks.indexAdd(device(), out, idx, src);
        int v = out.size(0), c = out.size(1), n = idx.size(0);
        Tensor id = dense(idx, DType.I32), s = dense(src, DType.F32);
        checked("indexAdd", v, err -> dev.launch("pl_index_add", grid((long) n * c), 1, 1, THREADS, 0, p(out), p(id), p(s),
                v, c, n, err));
    }

    @Override
    public void gather(Tensor x, Tensor idx, Tensor out) {
        BackendChecks.gather(device(), x, idx, out);
        int rows = x.size(0), v = x.size(1), k = idx.size(1);
        Tensor xs = dense(x, DType.F32), id = dense(idx, DType.I32);
        checked("gather", v, err -> dev.launch("pl_gather", grid((long) rows * k), 1, 1, THREADS, 0, p(xs), p(id), p(out),
                rows, v, k, err));
    }

    @Override
    public void scatterAdd(Tensor out, Tensor idx, Tensor src) {
        BackendChecks.scatterAdd(device(), out, idx, src);
        int rows = out.size(0), v = out.size(1), k = idx.size(1);
        Tensor id = dense(idx, DType.I32), s = dense(src, DType.F32);
        checked("scatterAdd", v, err -> dev.launch("pl_scatter_add", grid((long) rows * k), 1, 1, THREADS, 0, p(out), p(id),
                p(s), rows, v, k, err));
    }

    // ---- random -----------------------------------------------------------------------------------------

    @Override
    public void random(Tensor out, RandomKind kind, long seed, long offset, float a, float b) {
        BackendChecks.random(device(), out);
        long n = out.numel();
        dev.launch("pl_random", grid((n + 3) / 4), 1, 1, THREADS, 0, p(out), n, seed, offset, kind.ordinal(), a, b);
    }

    // ---- fused ------------------------------------------------------------------------------------------

    private static int rowsOf(Tensor t) {
        return t.dim() == 0 ? 1 : (int) (t.numel() / Math.max(1, t.size(-1)));
    }

    private static int rowThreads(int v) {
        int t = 32;
        while (t < 1024 && t * 4 < v) {
            t *= 2;
        }
        return t;
    }

    @Override
    public void softmax(Tensor x, boolean log, Tensor out) {
        BackendChecks.softmax(device(), x, log, out);
        int rows = rowsOf(x), v = x.dim() == 0 ? 1 : x.size(-1);
        dev.launch("pl_softmax", Math.min(rows, 65535 * 8), 1, 1, rowThreads(v), 0, p(x), p(out), rows, v, log ? 1 : 0);
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gy, boolean log, Tensor gx) {
        BackendChecks.softmaxBackward(device(), y, gy, log, gx);
        int rows = rowsOf(y), v = y.dim() == 0 ? 1 : y.size(-1);
        dev.launch("pl_softmax_bwd", Math.min(rows, 65535 * 8), 1, 1, rowThreads(v), 0, p(y), p(gy), p(gx), rows, v,
                log ? 1 : 0);
    }

    @Override
    public void crossEntropy(Tensor logits, Tensor targets, int ignoreIndex, Tensor loss, Tensor lse) {
        BackendChecks.crossEntropy(device(), logits, targets, loss, lse);
        int n = logits.size(0), v = logits.size(1);
        checked("crossEntropy", v, err -> dev.launch("pl_xent_fwd", Math.min(n, 65535 * 8), 1, 1, rowThreads(v), 0,
                p(logits), p(targets), p(loss), p(lse), n, v, ignoreIndex, err));
    }

    @Override
    public void crossEntropyBackward(Tensor logits, Tensor targets, int ignoreIndex, Tensor lse, Tensor gLoss,
                                     Tensor gLogits) {
        BackendChecks.crossEntropyBackward(device(), logits, targets, lse, gLoss, gLogits);
        int n = logits.size(0), v = logits.size(1);
        Tensor g = dense(gLoss, DType.F32);
        dev.launch("pl_xent_bwd", Math.min(n, 65535 * 8), 1, 1, rowThreads(v), 0, p(logits), p(targets), p(lse), p(g),
                p(gLogits), n, v, ignoreIndex);
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out, Tensor mean, Tensor rstd) {
        BackendChecks.layerNorm(device(), x, weight, bias, out, mean, rstd);
        int n = x.size(0), c = x.size(1);
        dev.launch("pl_layernorm_fwd", (n + 7) / 8, 1, 1, THREADS, 0, p(x), p(weight), p(bias), eps, p(out), p(mean),
                p(rstd), n, c);
    }

    @Override
    public void layerNormBackward(Tensor gy, Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gx,
                                  Tensor gWeight, Tensor gBias) {
        BackendChecks.layerNormBackward(device(), gy, x, weight, mean, rstd, gx, gWeight, gBias);
        int n = x.size(0), c = x.size(1);
        dev.launch("pl_layernorm_bwd_x", (n + 7) / 8, 1, 1, THREADS, 0, p(gy), p(x), p(weight), p(mean), p(rstd), p(gx),
                n, c);
        if (gWeight == null && gBias == null) {
            return;
        }
        int rowsPerChunk = Math.max(64, (n + 127) / 128);
        int chunks = (n + rowsPerChunk - 1) / rowsPerChunk;
        Tensor partial = Tensor.view(allocate(DType.F32, 2L * chunks * c), new int[] {chunks, 2, c},
                contiguousStrides(new int[] {chunks, 2, c}), 0);
        dev.launch2("pl_layernorm_bwd_wb_partial", (c + 31) / 32, Math.max(1, chunks), 1, 32, 8, 0, p(gy), p(x), p(mean), p(rstd),
                p(partial), n, c, rowsPerChunk);
        dev.launch("pl_layernorm_bwd_wb_final", grid(c), 1, 1, THREADS, 0, p(partial), p(gWeight), p(gBias), c,
                Math.max(1, chunks));
        partial.storage().free();
    }

    private static final int ATT_ROWS = 16, ATT_TILE = 32;

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, float scale, Tensor out,
                          Tensor lse) {
        BackendChecks.attention(device(), q, k, v, keyMask, out, lse);
        int b = q.size(0), h = q.size(1), tq = q.size(2), tk = k.size(2), d = q.size(3);
        checkHeadDim(d);
        int smem = 4 * (2 * ATT_TILE * (d + 1) + ATT_ROWS * d);
        dev.launch("pl_attn_fwd", (tq + ATT_ROWS - 1) / ATT_ROWS, b * h, 1, THREADS, smem, p(q), p(k), p(v), p(keyMask),
                p(out), p(lse), h, tq, tk, d, causal ? 1 : 0, scale);
    }

    private static void checkHeadDim(int d) {
        if (d > 128) {
            throw new IllegalArgumentException("attention: the CUDA kernels support head dims up to 128, got " + d);
        }
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, float scale,
                                  Tensor out, Tensor lse, Tensor gOut, Tensor gq, Tensor gk, Tensor gv) {
        BackendChecks.attentionBackward(device(), q, k, v, keyMask, out, lse, gOut, gq, gk, gv);
        int b = q.size(0), h = q.size(1), tq = q.size(2), tk = k.size(2), d = q.size(3);
        checkHeadDim(d);
        Tensor go = dense(gOut, DType.F32);
        long rows = (long) b * h * tq;
        Tensor delta = Tensor.view(allocate(DType.F32, rows), new int[] {(int) rows}, new int[] {1}, 0);
        dev.launch("pl_attn_bwd_dot", (int) ((rows + 7) / 8), 1, 1, THREADS, 0, p(out), p(go), p(delta), rows, d);
        int smemKv = 4 * (2 * ATT_TILE * (d + 1) + 2 * ATT_ROWS * d + 2 * ATT_TILE);
        dev.launch("pl_attn_bwd_dkv", (tk + ATT_ROWS - 1) / ATT_ROWS, b * h, 1, THREADS, smemKv, p(q), p(k), p(v),
                p(keyMask), p(lse), p(delta), p(go), p(gk), p(gv), h, tq, tk, d, causal ? 1 : 0, scale);
        int smemQ = 4 * (2 * ATT_TILE * (d + 1) + 2 * ATT_ROWS * d);
        dev.launch("pl_attn_bwd_dq", (tq + ATT_ROWS - 1) / ATT_ROWS, b * h, 1, THREADS, smemQ, p(q), p(k), p(v),
                p(keyMask), p(lse), p(delta), p(go), p(gq), h, tq, tk, d, causal ? 1 : 0, scale);
        delta.storage().free();
    }

    private static final int ADAM_CHUNK = 16384;

    @Override
    public void adamw(List<Tensor> params, List<Tensor> grads, List<Tensor> m, List<Tensor> v, float lr, float beta1,
                      float beta2, float eps, float[] weightDecay, float bc1, float bc2) {
        BackendChecks.adamw(device(), params, grads, m, v, weightDecay);
        int t = params.size();
        if (t == 0) {
            return;
        }
        // table of AdamEntry {p, g, m, v, n, wd, pad}: 4 pointers + long + float + int = 48 bytes
        int[] starts = new int[t + 1];
        ByteBuffer table = ByteBuffer.allocate(48 * t).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < t; i++) {
            Tensor pp = params.get(i);
            for (Tensor c : new Tensor[] {pp, grads.get(i), m.get(i), v.get(i)}) {
                if (!c.isContiguous()) {
                    throw new IllegalArgumentException("adamw: tensor " + i + " must be contiguous");
                }
            }
            table.putLong(p(pp).address()).putLong(p(grads.get(i)).address()).putLong(p(m.get(i)).address())
                    .putLong(p(v.get(i)).address()).putLong(pp.numel()).putFloat(weightDecay[i]).putInt(0);
            starts[i + 1] = starts[i] + (int) ((pp.numel() + ADAM_CHUNK - 1) / ADAM_CHUNK);
        }
        byte[] tb = table.array();
        int[] words = new int[tb.length / 4];
        ByteBuffer.wrap(tb).order(java.nio.ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(words);
        Tensor tableT = Tensor.view(upload(words), new int[] {words.length}, new int[] {1}, 0);
        Tensor startsT = Tensor.view(upload(starts), new int[] {t + 1}, new int[] {1}, 0);
        dev.launch("pl_adamw", Math.max(1, starts[t]), 1, 1, THREADS, 0, p(tableT), p(startsT), t, lr, beta1, beta2, eps,
                bc1, bc2);
        tableT.storage().free(); // stream order: the block is reused only by later work
        startsT.storage().free();
    }

    @Override
    public void synchronize() {
        dev.synchronize();
    }

    /** The device behind this backend (benchmarks and tests). */
    CudaDevice cudaDevice() {
        return dev;
    }
}
