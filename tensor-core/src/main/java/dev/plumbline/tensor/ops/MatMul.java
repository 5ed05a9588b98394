package dev.plumbline.tensor.ops;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.FlopCounter;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.Autograd;

/**
 * Matrix products with NumPy's matmul semantics and their gradients:
 * for C = A·B, dA = dC·Bᵀ and dB = Aᵀ·dC (summed over broadcast batch dims). Transposes are
 * views, so no operand is copied.
 */
public final class MatMul {
    private MatMul() {}

    /** a @ b: 1-D operands are promoted (and the added dim removed), batch dims broadcast. */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("matmul: both operands need at least 1 dim, got " + Shape.str(a.shape())
                    + " @ " + Shape.str(b.shape()));
        }
        Elementwise.sameDevice("matmul", a, b);
        if (a.dim() == 1 && b.dim() == 1) {
            return mm(a.unsqueeze(0), b.unsqueeze(1)).reshape();
        }
        if (a.dim() == 1) {
            return mm(a.unsqueeze(0), b).squeeze(-2);
        }
        if (b.dim() == 1) {
            return mm(a, b.unsqueeze(1)).squeeze(-1);
        }
        return mm(a, b);
    }

    /** Core: a (..., M, K) @ b (..., K, N), both with ≥ 2 dims. */
    private static Tensor mm(Tensor a, Tensor b) {
        int[] as = a.shape();
        int[] bs = b.shape();
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int k2 = bs[bs.length - 2];
        int n = bs[bs.length - 1];
        if (k != k2) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + Shape.str(as) + " @ " + Shape.str(bs));
        }
        if (a.dtype() == DType.I32 || b.dtype() == DType.I32) {
            throw new IllegalArgumentException("matmul: expects floating-point operands, got " + a.dtype() + " @ "
                    + b.dtype());
        }
        int[] batch = Shape.broadcast("matmul", java.util.Arrays.copyOf(as, as.length - 2),
                java.util.Arrays.copyOf(bs, bs.length - 2));
        int[] ao = concat(batch, m, k);
        int[] bo = concat(batch, k, n);
        int[] oo = concat(batch, m, n);
        Tensor ae = Views.broadcastView(a, ao);
        Tensor be = Views.broadcastView(b, bo);
        Tensor out = Tensor.empty(a.device(), DType.F32, oo);
        a.backend().matmul(ae, be, out);
        // 2·M·N·K per product; the gradient rule below is two more matmuls, counted when they run
        FlopCounter.add(2L * m * n * k * Shape.numel(batch));
        return Autograd.record("matmul", out, (g, nd) -> new Tensor[] {
                nd[0] ? g.matmul(be.mT()).sumTo(as) : null,
                nd[1] ? ae.mT().matmul(g).sumTo(bs) : null}, a, b);
    }

    private static int[] concat(int[] batch, int x, int y) {
        int[] r = java.util.Arrays.copyOf(batch, batch.length + 2);
        r[batch.length] = x;
        r[batch.length + 1] = y;
        return r;
    }

    /**
     * A linear layer: x (..., in) · weightᵀ (weight is (out, in)) + bias (out), as one 2-D GEMM over
     * all leading dims.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("linear: weight must be (out, in), got " + Shape.str(weight.shape()));
        }
        if (x.dim() == 0 || x.size(-1) != weight.size(1)) {
            throw new IllegalArgumentException("linear: input " + Shape.str(x.shape()) + " does not end in weight's in-features "
                    + weight.size(1) + " (weight " + Shape.str(weight.shape()) + ")");
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0))) {
            throw new IllegalArgumentException("linear: bias " + Shape.str(bias.shape()) + " does not match weight's out-features "
                    + weight.size(0));
        }
        int[] xs = x.shape();
        Tensor x2 = x.dim() == 2 ? x : x.reshape(-1, weight.size(1));
        Tensor y = matmul(x2, weight.mT());
        if (bias != null) {
            y = y.add(bias);
        }
        if (x.dim() == 2) {
            return y;
        }
        int[] os = xs.clone();
        os[os.length - 1] = weight.size(0);
        return y.reshape(os);
    }
}
