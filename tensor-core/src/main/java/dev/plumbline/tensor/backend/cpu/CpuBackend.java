package dev.plumbline.tensor.backend.cpu;

import dev.plumbline.tensor.backend.BackendChecks;
import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.backend.Backend;
import dev.plumbline.tensor.backend.BinaryOp;
import dev.plumbline.tensor.backend.RandomKind;
import dev.plumbline.tensor.backend.ReduceOp;
import dev.plumbline.tensor.backend.Storage;
import dev.plumbline.tensor.backend.UnaryOp;
import dev.plumbline.tensor.random.Philox;

import java.util.List;

/**
 * The reference backend: plain Java over {@code float[]}/{@code int[]}, parallel over the
 * machine's cores ({@link Parallel}), with the matrix product in {@link CpuGemm} (SIMD through the
 * Vector API when present) and one file per fused-op family, each holding its Scalar and Simd
 * (Vector API) paths side by side: {@link SoftmaxKernels} (softmax, log-softmax, cross-entropy),
 * {@link LayerNormKernels}, {@link AttentionKernels}, {@link GeluKernels}, {@link OptimizerKernels}
 * (AdamW); elementwise ops in {@link CpuElementwise}, reductions in {@link CpuReduce}.
 * {@link CpuSimd} says which path runs.
 */
public final class CpuBackend implements Backend {
    /** The one CPU backend. */
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override
    public Device device() {
        return Device.cpu();
    }

    @Override
    public String describe() {
        return "cpu (" + Parallel.threads() + " threads, gemm " + CpuGemm.kernelName() + ")";
    }

    static float[] f(Tensor t) {
        return ((CpuStorage) t.storage()).floats();
    }

    static int[] i(Tensor t) {
        return ((CpuStorage) t.storage()).ints();
    }

    // ---- memory -----------------------------------------------------------------------------------------

    private final CpuArrayCache cache = new CpuArrayCache(CpuArrayCache.defaultLimit());

    @Override
    public Storage allocate(DType dtype, long numel) {
        return allocate(dtype, numel, true);
    }

    @Override
    public Storage allocateUninitialized(DType dtype, long numel) {
        return allocate(dtype, numel, false);
    }

    private Storage allocate(DType dtype, long numel, boolean zero) {
        if (numel > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cpu: cannot allocate " + numel + " elements (Java arrays hold at most 2^31-1)");
        }
        switch (dtype) {
            case F32: return CpuStorage.cachedFloats(cache.floats((int) numel, zero), cache);
            case I32: return CpuStorage.cachedInts(cache.ints((int) numel, zero), cache);
            default:
                throw new IllegalArgumentException("cpu: " + dtype + " is a GPU storage type; CPU tensors are F32 or I32");
        }
    }

    /** Drops the arrays the caching allocator holds (see {@link CpuArrayCache}). */
    @Override
    public void emptyCache() {
        cache.clear();
    }

    /** Bytes the caching allocator holds on its free lists. */
    public long cachedBytes() {
        return cache.cachedBytes();
    }

    @Override
    public Storage upload(float[] data, DType dtype) {
        if (dtype != DType.F32) {
            throw new IllegalArgumentException("cpu: " + dtype + " is a GPU storage type; CPU tensors are F32 or I32");
        }
        float[] a = cache.floats(data.length, false);
        System.arraycopy(data, 0, a, 0, data.length);
        return CpuStorage.cachedFloats(a, cache);
    }

    @Override
    public Storage upload(int[] data) {
        int[] a = cache.ints(data.length, false);
        System.arraycopy(data, 0, a, 0, data.length);
        return CpuStorage.cachedInts(a, cache);
    }

    @Override
    public float[] downloadFloats(Tensor t) {
        BackendChecks.download(Device.cpu(), t, DType.F32, DType.BF16);
        if (t.isContiguous()) {
            float[] src = f(t);
            return java.util.Arrays.copyOfRange(src, t.offset(), t.offset() + (int) t.numel());
        }
        // the array escapes to the caller: wrap a fresh one, which no cache may recycle
        Tensor out = Tensor.view(CpuStorage.ofFloats(new float[(int) t.numel()]), t.shape(),
                Shape.contiguousStrides(t.shape()), 0);
        copy(t, out);
        return f(out);
    }

    @Override
    public int[] downloadInts(Tensor t) {
        BackendChecks.download(Device.cpu(), t, DType.I32);
        if (t.isContiguous()) {
            int[] src = i(t);
            return java.util.Arrays.copyOfRange(src, t.offset(), t.offset() + (int) t.numel());
        }
        Tensor out = Tensor.view(CpuStorage.ofInts(new int[(int) t.numel()]), t.shape(),
                Shape.contiguousStrides(t.shape()), 0);
        copy(t, out);
        return i(out);
    }

    // ---- data movement ------------------------------------------------------------------------------------

    @Override
    public void fill(Tensor out, double value) {
        BackendChecks.fill(Device.cpu(), out);
        StridedLoop l = new StridedLoop(out.shape(), out);
        if (out.dtype() == DType.I32) {
            int[] o = i(out);
            int v = (int) value;
            l.forEachRow(1, (off, st, n) -> {
                for (int k = 0, p = off[0]; k < n; k++, p += st[0]) {
                    o[p] = v;
                }
            });
        } else {
            float[] o = f(out);
            float v = (float) value;
            l.forEachRow(1, (off, st, n) -> {
                for (int k = 0, p = off[0]; k < n; k++, p += st[0]) {
                    o[p] = v;
                }
            });
        }
    }

    @Override
    public void copy(Tensor src, Tensor out) {
        BackendChecks.copy(Device.cpu(), src, out);
        StridedLoop l = new StridedLoop(out.shape(), out, src);
        if (src.dtype() == DType.F32 && out.dtype() == DType.F32) {
            float[] o = f(out), s = f(src);
            if (l.isTranspose()) {
                copyTransposed(s, o, l);
                return;
            }
            l.forEachRow(1, (off, st, n) -> {
                if (st[0] == 1 && st[1] == 1) {
                    System.arraycopy(s, off[1], o, off[0], n);
                } else {
                    for (int k = 0, p = off[0], q = off[1]; k < n; k++, p += st[0], q += st[1]) {
                        o[p] = s[q];
                    }
                }
            });
        } else if (src.dtype() == DType.I32 && out.dtype() == DType.I32) {
            int[] o = i(out), s = i(src);
            l.forEachRow(1, (off, st, n) -> {
                for (int k = 0, p = off[0], q = off[1]; k < n; k++, p += st[0], q += st[1]) {
                    o[p] = s[q];
                }
            });
        } else if (src.dtype() == DType.I32) {
            float[] o = f(out);
            int[] s = i(src);
            l.forEachRow(1, (off, st, n) -> {
                for (int k = 0, p = off[0], q = off[1]; k < n; k++, p += st[0], q += st[1]) {
                    o[p] = s[q];
                }
            });
        } else {
            int[] o = i(out);
            float[] s = f(src);
            l.forEachRow(1, (off, st, n) -> {
                for (int k = 0, p = off[0], q = off[1]; k < n; k++, p += st[0], q += st[1]) {
                    o[p] = (int) s[q];
                }
            });
        }
    }

    /**
     * out[i, j] = src[i, j] where out's rows are contiguous and src's columns are (a transposed view):
     * 32x32 tiles, so both sides touch whole cache lines instead of one float per line of src.
     */
    private static void copyTransposed(float[] s, float[] o, StridedLoop l) {
        final int tile = 32;
        int rows = l.shape[0], cols = l.shape[1];
        int os = l.strides[0][0], ss = l.strides[1][1];
        int ob = l.base[0], sb = l.base[1];
        int rowTiles = (rows + tile - 1) / tile;
        Parallel.forRange(rowTiles, (long) tile * cols, (from, to) -> {
            for (int it = from; it < to; it++) {
                int i0 = it * tile, i1 = Math.min(rows, i0 + tile);
                for (int j0 = 0; j0 < cols; j0 += tile) {
                    int j1 = Math.min(cols, j0 + tile);
                    for (int i = i0; i < i1; i++) {
                        int op = ob + i * os, sp = sb + i;
                        for (int j = j0; j < j1; j++) {
                            o[op + j] = s[sp + j * ss];
                        }
                    }
                }
            }
        });
    }

    // ---- elementwise --------------------------------------------------------------------------------------

    @Override
    public void unary(UnaryOp op, Tensor x, float a, float b, Tensor out) {
        BackendChecks.unary(Device.cpu(), op, x, out);
        float[] o = f(out), s = f(x);
        if ((op == UnaryOp.GELU || op == UnaryOp.GELU_GRAD) && x.isContiguous()) { // SIMD exp (GeluKernels)
            GeluKernels.gelu(s, x.offset(), o, out.offset(), (int) out.numel(), op == UnaryOp.GELU_GRAD);
            return;
        }
        StridedLoop l = new StridedLoop(out.shape(), out, x);
        long cost = op == UnaryOp.AFFINE || op == UnaryOp.NEG ? 1 : 8;
        l.forEachRow(cost, (off, st, n) -> CpuElementwise.unaryRow(op, a, b, s, off[1], st[1], o, off[0], n));
    }

    @Override
    public void binary(BinaryOp op, Tensor x, Tensor y, Tensor out) {
        BackendChecks.binary(Device.cpu(), op, x, y, out);
        StridedLoop l = new StridedLoop(out.shape(), out, x, y);
        if (out.dtype() == DType.I32) {
            int[] o = i(out), p = i(x), q = i(y);
            l.forEachRow(1, (off, st, n) -> CpuElementwise.binaryRowInt(op, p, off[1], st[1], q, off[2], st[2], o, off[0], n));
        } else {
            float[] o = f(out), p = f(x), q = f(y);
            l.forEachRow(op == BinaryOp.POW ? 16 : 1,
                    (off, st, n) -> CpuElementwise.binaryRow(op, p, off[1], st[1], q, off[2], st[2], o, off[0], n));
        }
    }

    @Override
    public void where(Tensor cond, Tensor x, Tensor y, Tensor out) {
        BackendChecks.where(Device.cpu(), cond, x, y, out);
        float[] o = f(out), c = f(cond), p = f(x), q = f(y);
        new StridedLoop(out.shape(), out, cond, x, y).forEachRow(1, (off, st, n) -> {
            for (int k = 0, po = off[0], pc = off[1], px = off[2], py = off[3]; k < n;
                 k++, po += st[0], pc += st[1], px += st[2], py += st[3]) {
                o[po] = c[pc] != 0 ? p[px] : q[py];
            }
        });
    }

    // ---- reductions ---------------------------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) {
        BackendChecks.reduce(Device.cpu(), op, x, dims, out);
        CpuReduce.reduce(op, x, dims, out);
    }

    // ---- matmul -------------------------------------------------------------------------------------------

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        BackendChecks.matmul(Device.cpu(), a, b, out);
        int r = out.dim();
        int m = out.size(-2), n = out.size(-1), k = a.size(-1);
        int[] os = out.shape();
        int[] ast = a.strides(), bst = b.strides();
        int batch = 1;
        for (int d = 0; d < r - 2; d++) {
            batch *= os[d];
        }
        float[] av = f(a), bv = f(b), ov = f(out);
        int aRs = ast[r - 2], aCs = ast[r - 1], bRs = bst[r - 2], bCs = bst[r - 1];
        int mn = m * n;
        Parallel.RangeBody body = (from, to) -> {
            for (int bi = from; bi < to; bi++) {
                int ao = a.offset(), bo = b.offset(), rem = bi;
                for (int d = r - 3; d >= 0; d--) {
                    int idx = rem % os[d];
                    rem /= os[d];
                    ao += idx * ast[d];
                    bo += idx * bst[d];
                }
                CpuGemm.sgemm(m, n, k, av, ao, aRs, aCs, bv, bo, bRs, bCs, ov, bi * mn, n, false);
            }
        };
        long flops = 2L * m * n * k;
        if (batch > 1 && (flops < (1L << 22) || batch >= 2 * Parallel.threads())) {
            // many matrices: whole matrices per worker, each GEMM serial (no fork/join inside, and
            // attention's 256x64x256 products are too small for the GEMM's own split to pay)
            Parallel.forRange(batch, flops, body);
        } else {
            body.run(0, batch);                    // large matrices parallelise inside the GEMM
        }
    }

    // ---- indexing -----------------------------------------------------------------------------------------

    private static void checkIndex(String op, int id, int bound, int at) {
        if (id < 0 || id >= bound) {
            throw new IndexOutOfBoundsException(op + ": index " + id + " out of range [0, " + bound + ") at position " + at);
        }
    }

    @Override
    public void indexSelect(Tensor table, Tensor idx, Tensor out) {
        BackendChecks.indexSelect(Device.cpu(), table, idx, out);
        float[] t = f(table), o = f(out);
        int[] ids = i(idx);
        int io = idx.offset(), to = table.offset();
        int v = table.size(0), c = table.size(1), n = idx.size(0);
        for (int r = 0; r < n; r++) {
            checkIndex("embedding", ids[io + r], v, r);
        }
        Parallel.forRange(n, c, (from, end) -> {
            for (int r = from; r < end; r++) {
                System.arraycopy(t, to + ids[io + r] * c, o, r * c, c);
            }
        });
    }

    @Override
    public void indexAdd(Tensor out, Tensor idx, Tensor src) {
        BackendChecks.indexAdd(Device.cpu(), out, idx, src);
        float[] o = f(out), s = f(src);
        int[] ids = i(idx);
        int io = idx.offset(), so = src.offset();
        int v = out.size(0), c = out.size(1), n = idx.size(0);
        for (int r = 0; r < n; r++) {
            checkIndex("indexAdd", ids[io + r], v, r);
        }
        // parallel over column blocks: rows with equal ids never race
        Parallel.forRange(c, n, (c0, c1) -> {
            for (int r = 0; r < n; r++) {
                int dst = ids[io + r] * c, from = so + r * c;
                for (int j = c0; j < c1; j++) {
                    o[dst + j] += s[from + j];
                }
            }
        });
    }

    @Override
    public void gather(Tensor x, Tensor idx, Tensor out) {
        BackendChecks.gather(Device.cpu(), x, idx, out);
        float[] xv = f(x), o = f(out);
        int[] ids = i(idx);
        int rows = x.size(0), v = x.size(1), k = idx.size(1);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
                int id = ids[idx.offset() + r * k + j];
                checkIndex("gather", id, v, r * k + j);
                o[r * k + j] = xv[x.offset() + r * v + id];
            }
        }
    }

    @Override
    public void scatterAdd(Tensor out, Tensor idx, Tensor src) {
        BackendChecks.scatterAdd(Device.cpu(), out, idx, src);
        float[] o = f(out), s = f(src);
        int[] ids = i(idx);
        int rows = out.size(0), v = out.size(1), k = idx.size(1);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
                int id = ids[idx.offset() + r * k + j];
                checkIndex("scatterAdd", id, v, r * k + j);
                o[r * v + id] += s[src.offset() + r * k + j];
            }
        }
    }

    // ---- random -------------------------------------------------------------------------------------------

    @Override
    public void random(Tensor out, RandomKind kind, long seed, long offset, float a, float b) {
        BackendChecks.random(Device.cpu(), out);
        float[] o = f(out);
        long n = out.numel();
        switch (kind) {
            case UNIFORM: Philox.fillUniform(o, out.offset(), n, seed, offset, a, b); break;
            case NORMAL: Philox.fillNormal(o, out.offset(), n, seed, offset, a, b); break;
            case BERNOULLI: Philox.fillBernoulli(o, out.offset(), n, seed, offset, a); break;
            default: throw new IllegalArgumentException("random: unknown kind " + kind);
        }
    }

    // ---- fused --------------------------------------------------------------------------------------------

    @Override
    public void softmax(Tensor x, boolean log, Tensor out) {
        BackendChecks.softmax(Device.cpu(), x, log, out);
        SoftmaxKernels.softmax(f(x), x.offset(), f(out), out.offset(), rowsOf(x), x.size(-1), log);
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gy, boolean log, Tensor gx) {
        BackendChecks.softmaxBackward(Device.cpu(), y, gy, log, gx);
        SoftmaxKernels.softmaxBackward(f(y), y.offset(), f(gy), gy.offset(), f(gx), gx.offset(), rowsOf(y), y.size(-1), log);
    }

    private static int rowsOf(Tensor t) {
        return t.dim() == 0 ? 1 : (int) (t.numel() / Math.max(1, t.size(-1)));
    }

    @Override
    public void crossEntropy(Tensor logits, Tensor targets, int ignoreIndex, Tensor loss, Tensor lse) {
        BackendChecks.crossEntropy(Device.cpu(), logits, targets, loss, lse);
        SoftmaxKernels.crossEntropy(f(logits), logits.offset(), i(targets), targets.offset(), ignoreIndex, f(loss), f(lse),
                logits.size(0), logits.size(1));
    }

    @Override
    public void crossEntropyBackward(Tensor logits, Tensor targets, int ignoreIndex, Tensor lse, Tensor gLoss,
                                     Tensor gLogits) {
        BackendChecks.crossEntropyBackward(Device.cpu(), logits, targets, lse, gLoss, gLogits);
        SoftmaxKernels.crossEntropyBackward(f(logits), logits.offset(), i(targets), targets.offset(), ignoreIndex, f(lse),
                f(gLoss), gLoss.offset(), f(gLogits), logits.size(0), logits.size(1));
    }

    @Override
    public void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out, Tensor mean, Tensor rstd) {
        BackendChecks.layerNorm(Device.cpu(), x, weight, bias, out, mean, rstd);
        LayerNormKernels.layerNorm(f(x), x.offset(), weight == null ? null : f(weight), weight == null ? 0 : weight.offset(),
                bias == null ? null : f(bias), bias == null ? 0 : bias.offset(), eps, f(out), f(mean), f(rstd),
                x.size(0), x.size(1));
    }

    @Override
    public void layerNormBackward(Tensor gy, Tensor x, Tensor weight, Tensor mean, Tensor rstd, Tensor gx,
                                  Tensor gWeight, Tensor gBias) {
        BackendChecks.layerNormBackward(Device.cpu(), gy, x, weight, mean, rstd, gx, gWeight, gBias);
        LayerNormKernels.layerNormBackward(f(gy), gy.offset(), f(x), x.offset(), weight == null ? null : f(weight),
                weight == null ? 0 : weight.offset(), f(mean), f(rstd), f(gx),
                gWeight == null ? null : f(gWeight), gBias == null ? null : f(gBias), x.size(0), x.size(1));
    }

    @Override
    public void attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, float scale, Tensor out,
                          Tensor lse) {
        BackendChecks.attention(Device.cpu(), q, k, v, keyMask, out, lse);
        AttentionKernels.attention(f(q), q.offset(), f(k), k.offset(), f(v), v.offset(),
                keyMask == null ? null : f(keyMask), keyMask == null ? 0 : keyMask.offset(), causal, scale, f(out), f(lse),
                q.size(0), q.size(1), q.size(2), k.size(2), q.size(3));
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor keyMask, boolean causal, float scale,
                                  Tensor out, Tensor lse, Tensor gOut, Tensor gq, Tensor gk, Tensor gv) {
        BackendChecks.attentionBackward(Device.cpu(), q, k, v, keyMask, out, lse, gOut, gq, gk, gv);
        AttentionKernels.attentionBackward(f(q), q.offset(), f(k), k.offset(), f(v), v.offset(),
                keyMask == null ? null : f(keyMask), keyMask == null ? 0 : keyMask.offset(), causal, scale,
                f(out), f(lse), f(gOut), gOut.offset(), f(gq), f(gk), f(gv),
                q.size(0), q.size(1), q.size(2), k.size(2), q.size(3));
    }

    @Override
    public void adamw(List<Tensor> params, List<Tensor> grads, List<Tensor> m, List<Tensor> v, float lr, float beta1,
                      float beta2, float eps, float[] weightDecay, float bc1, float bc2) {
        BackendChecks.adamw(Device.cpu(), params, grads, m, v, weightDecay);
        for (int t = 0; t < params.size(); t++) {
            Tensor p = params.get(t);
            if (!p.isContiguous() || !grads.get(t).isContiguous()) {
                throw new IllegalArgumentException("adamw: tensor " + t + " " + Shape.str(p.shape()) + " must be contiguous");
            }
            OptimizerKernels.adamw(f(p), p.offset(), f(grads.get(t)), grads.get(t).offset(), f(m.get(t)), m.get(t).offset(),
                    f(v.get(t)), v.get(t).offset(), (int) p.numel(), lr, beta1, beta2, eps, weightDecay[t], bc1, bc2);
        }
    }
}
