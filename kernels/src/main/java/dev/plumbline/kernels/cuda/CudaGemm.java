package dev.plumbline.kernels.cuda;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.kernels.cuda.CudaDevice.Ptr;
import jcuda.driver.CUdeviceptr;

/**
 * Chooses and launches the GEMM for one {@code matmul} call: out (..., M, N) = a (..., M, K) @ b (..., K, N).
 *
 * <ul>
 *   <li>BF16 @ BF16: cuBLAS {@code cublasGemmStridedBatchedEx} (BF16 in, F32 compute and out) when
 *       it loaded and the batch dims collapse to one stride; else {@code pl_bgemm} (mma.sync) on
 *       row-major copies where the operands are not already 16-byte-aligned row-major.</li>
 *   <li>F32 (a BF16 operand beside an F32 one is widened first): cuBLAS
 *       {@code cublasSgemmStridedBatched} (TF32 off, like PyTorch's default) when it loaded, else
 *       {@code pl_sgemm_{n,t}{n,t}[_vec]}, which read K- or M-contiguous a and N- or K-contiguous b
 *       in place (transposed views cost nothing).</li>
 * </ul>
 * <pre>{@code
 * // a: (B, T, C) contiguous, w: (OC, C) -> a @ w.mT() runs pl_sgemm_nt_vec (or cuBLAS op T) without a copy
 * }</pre>
 */
final class CudaGemm {
    private CudaGemm() {}

    static void matmul(CudaBackend be, CudaDevice dev, CublasBridge.Gemm cublas, boolean cublasOnly, Tensor a, Tensor b,
                       Tensor out) {
        int r = out.dim();
        int nb = r - 2;
        if (nb > 6) {
            throw new IllegalArgumentException("matmul: the CUDA backend supports up to 6 batch dims, got " + nb);
        }
        int m = out.size(-2), n = out.size(-1), k = a.size(-1);
        int[] bshape = java.util.Arrays.copyOf(out.shape(), nb);
        int batch = 1;
        for (int s : bshape) {
            batch *= s;
        }
        if (batch > 65535) {
            throw new IllegalArgumentException("matmul: batch " + batch + " exceeds the CUDA grid's z limit 65535");
        }
        if (m == 0 || n == 0 || batch == 0) {
            return;
        }
        if (k == 0) {
            be.fill(out, 0);
            return;
        }
        Tensor aa = a, bb = b;
        if (a.dtype() == DType.BF16 && b.dtype() == DType.BF16) {
            bf16(be, dev, cublas, cublasOnly, a, b, out, m, n, k, nb, bshape, batch);
            return;
        }
        if (aa.dtype() != DType.F32) {
            aa = be.denseFor(aa, DType.F32);
        }
        if (bb.dtype() != DType.F32) {
            bb = be.denseFor(bb, DType.F32);
        }
        Layout la = Layout.of(aa, m, k), lb = Layout.of(bb, k, n);
        if (la == null) {
            aa = be.denseFor(aa, DType.F32);
            la = Layout.of(aa, m, k);
        }
        if (lb == null) {
            bb = be.denseFor(bb, DType.F32);
            lb = Layout.of(bb, k, n);
        }
        long sa = uniformBatchStride(aa, bshape), sb = uniformBatchStride(bb, bshape);
        CudaStorage so = (CudaStorage) out.storage();
        if (cublas != null && sa >= 0 && sb >= 0) {
            cublas.sgemm(ptr(aa), la.contiguousInner, la.ld, sa, ptr(bb), lb.contiguousInner, lb.ld, sb,
                    so.pointer(out.offset()), m, n, k, batch);
        } else {
            if (cublasOnly) {
                throw new IllegalStateException("matmul: plumbline.cuda.gemm=cublas but cuBLAS is "
                        + (cublas == null ? "unavailable: " + CublasBridge.unavailableReason() : "not usable for these batch strides"));
            }
            int[] g = new int[19];
            g[0] = nb;
            int[] ast = aa.strides(), bst = bb.strides();
            for (int d = 0; d < nb; d++) {
                g[1 + d] = bshape[d];
                g[7 + d] = bshape[d] == 1 ? 0 : ast[d];
                g[13 + d] = bshape[d] == 1 ? 0 : bst[d];
            }
            boolean vec = la.ld % 4 == 0 && lb.ld % 4 == 0 && aa.offset() % 4 == 0 && bb.offset() % 4 == 0
                    && n % 4 == 0 && batchStridesMultipleOf4(g, nb);
            String name = "pl_sgemm_" + (la.contiguousInner ? "n" : "t") + (lb.contiguousInner ? "n" : "t") + (vec ? "_vec" : "");
            dev.launch(name, (n + 127) / 128, (m + 127) / 128, batch, 256, 0, new Ptr(addr(aa)), new Ptr(addr(bb)),
                    new Ptr(so.address(out.offset())), m, n, k, (long) la.ld, (long) lb.ld, g);
        }
        if (aa != a) {
            aa.storage().free();
        }
        if (bb != b) {
            bb.storage().free();
        }
    }

    private static boolean batchStridesMultipleOf4(int[] g, int nb) {
        for (int d = 0; d < nb; d++) {
            if (g[7 + d] % 4 != 0 || g[13 + d] % 4 != 0) {
                return false;
            }
        }
        return true;
    }

    private static void bf16(CudaBackend be, CudaDevice dev, CublasBridge.Gemm cublas, boolean cublasOnly, Tensor a,
                             Tensor b, Tensor out, int m, int n, int k, int nb, int[] bshape, int batch) {
        Tensor aa = a, bb = b;
        Layout la = Layout.of(aa, m, k), lb = Layout.of(bb, k, n);
        long sa = uniformBatchStride(aa, bshape), sb = uniformBatchStride(bb, bshape);
        CudaStorage so = (CudaStorage) out.storage();
        if (cublas != null && la != null && lb != null && sa >= 0 && sb >= 0) {
            cublas.gemmBf16(ptr(aa), la.contiguousInner, la.ld, sa, ptr(bb), lb.contiguousInner, lb.ld, sb,
                    so.pointer(out.offset()), m, n, k, batch);
            return;
        }
        if (cublasOnly) {
            throw new IllegalStateException("matmul: plumbline.cuda.gemm=cublas but cuBLAS is unavailable: "
                    + CublasBridge.unavailableReason());
        }
        boolean ok = k % 8 == 0 && n % 8 == 0;
        if (!ok) { // the mma kernel's 16-byte chunks need K and N multiples of 8: use the F32 kernel
            Tensor fa = be.denseFor(a, DType.F32), fb = be.denseFor(b, DType.F32);
            matmul(be, dev, null, false, fa, fb, out);
            fa.storage().free();
            fb.storage().free();
            return;
        }
        if (!rowMajorAligned(aa, sa) ) {
            aa = be.denseFor(a, DType.BF16);
            if (aa == a) { // contiguous but misaligned offset: force a copy
                aa = copyOf(be, a);
            }
            sa = uniformBatchStride(aa, bshape);
        }
        if (!rowMajorAligned(bb, sb)) {
            bb = be.denseFor(b, DType.BF16);
            if (bb == b) {
                bb = copyOf(be, b);
            }
            sb = uniformBatchStride(bb, bshape);
        }
        int[] as = aa.strides(), bs = bb.strides();
        dev.launch("pl_bgemm", (n + 127) / 128, (m + 127) / 128, batch, 256, 0, new Ptr(addr(aa)), new Ptr(addr(bb)),
                new Ptr(so.address(out.offset())), m, n, k, (long) as[as.length - 2], (long) bs[bs.length - 2],
                Math.max(sa, 0), Math.max(sb, 0));
        if (aa != a) {
            aa.storage().free();
        }
        if (bb != b) {
            bb.storage().free();
        }
    }

    private static Tensor copyOf(CudaBackend be, Tensor t) {
        Tensor c = Tensor.view(be.allocate(t.dtype(), t.numel()), t.shape(), CudaBackend.contiguousStrides(t.shape()), 0);
        be.copy(t, c);
        return c;
    }

    private static boolean rowMajorAligned(Tensor t, long batchStride) {
        int[] s = t.strides();
        int r = s.length;
        return batchStride >= 0 && batchStride % 8 == 0 && s[r - 1] == 1 && s[r - 2] % 8 == 0 && t.offset() % 8 == 0;
    }

    /** How a (rows, cols) operand sits in memory: inner dim contiguous (row-major) or rows contiguous. */
    record Layout(boolean contiguousInner, int ld) {
        static Layout of(Tensor t, int rows, int cols) {
            int[] s = t.strides();
            int r = s.length;
            int rs = s[r - 2], cs = s[r - 1];
            if (cols == 1 || cs == 1) {
                int ld = rows == 1 ? Math.max(cols, 1) : rs;
                return ld >= Math.max(cols, 1) ? new Layout(true, ld) : null;
            }
            if (rows == 1 || rs == 1) {
                int ld = cols == 1 ? Math.max(rows, 1) : cs;
                return ld >= Math.max(rows, 1) ? new Layout(false, ld) : null;
            }
            return null;
        }
    }

    /** The single element stride between consecutive batch matrices, or −1 when dims do not collapse. */
    static long uniformBatchStride(Tensor t, int[] bshape) {
        int[] s = t.strides();
        long stride = -1;
        long expectNext = -1; // stride the next-outer non-trivial dim must have
        for (int d = bshape.length - 1; d >= 0; d--) {
            if (bshape[d] == 1) {
                continue;
            }
            if (stride < 0) {
                stride = s[d];
            } else if (s[d] != expectNext) {
                return -1;
            }
            expectNext = (long) s[d] * bshape[d];
        }
        return stride < 0 ? 0 : stride;
    }

    private static long addr(Tensor t) {
        return ((CudaStorage) t.storage()).address(t.offset());
    }

    private static CUdeviceptr ptr(Tensor t) {
        return ((CudaStorage) t.storage()).pointer(t.offset());
    }
}
