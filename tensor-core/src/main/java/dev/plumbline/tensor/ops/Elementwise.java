package dev.plumbline.tensor.ops;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.Autograd;
import dev.plumbline.tensor.backend.BinaryOp;
import dev.plumbline.tensor.backend.UnaryOp;

/**
 * Elementwise ops and their gradient rules, side by side. Binary ops broadcast like NumPy; the
 * gradient of a broadcast input is summed back to its shape ({@link Tensor#sumTo}).
 *
 * <p>Dtypes: F32 in, F32 out. Two I32 inputs stay I32 for add/sub/mul/maximum/minimum; mixing I32
 * with F32 promotes to F32; comparisons return F32 masks of 0 and 1.
 */
public final class Elementwise {
    private Elementwise() {}

    // ---- plumbing -------------------------------------------------------------------------------

    static Tensor unaryRaw(String name, UnaryOp op, Tensor x, float a, float b) {
        requireFloat(name, x);
        Tensor out = Tensor.empty(x.device(), DType.F32, x.shape());
        x.backend().unary(op, x, a, b, out);
        return out;
    }

    static void requireFloat(String name, Tensor x) {
        if (x.dtype() != DType.F32) {
            throw new IllegalArgumentException(name + ": expects an F32 tensor, got " + x.dtype() + " of shape "
                    + Shape.str(x.shape()) + (x.dtype() == DType.I32 ? " (convert with to(DType.F32))" : ""));
        }
    }

    static void sameDevice(String name, Tensor a, Tensor b) {
        if (!a.device().equals(b.device())) {
            throw new IllegalArgumentException(name + ": tensors are on different devices: " + a.device() + " "
                    + Shape.str(a.shape()) + " and " + b.device() + " " + Shape.str(b.shape()));
        }
    }

    /** Forward of a binary op with broadcasting and dtype promotion, not recorded. */
    static Tensor binaryRaw(String name, BinaryOp op, Tensor x, Tensor y) {
        sameDevice(name, x, y);
        int[] shape = Shape.broadcast(name, x.shape(), y.shape());
        boolean intMath = x.dtype() == DType.I32 && y.dtype() == DType.I32
                && (op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL || op == BinaryOp.MAX
                || op == BinaryOp.MIN);
        if (!intMath) {
            x = floatOperand(name, x);
            y = floatOperand(name, y);
        }
        Tensor out = Tensor.empty(x.device(), intMath ? DType.I32 : DType.F32, shape);
        x.backend().binary(op, Views.broadcastView(x, shape), Views.broadcastView(y, shape), out);
        return out;
    }

    private static Tensor floatOperand(String name, Tensor t) {
        if (t.dtype() == DType.F32) {
            return t;
        }
        if (t.dtype() == DType.I32) {
            return t.detach().to(DType.F32);
        }
        throw new IllegalArgumentException(name + ": unsupported dtype " + t.dtype() + " (CPU math is F32)");
    }

    private static Tensor unary(String name, UnaryOp op, Tensor x, float a, float b,
                                java.util.function.BiFunction<Tensor, Tensor, Tensor> grad) {
        Tensor out = unaryRaw(name, op, x, a, b);
        return Autograd.record(name, out, (g, n) -> new Tensor[] {grad.apply(g, out)}, x);
    }

    // ---- binary -----------------------------------------------------------------------------------

    /** a + b. */
    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = binaryRaw("add", BinaryOp.ADD, a, b);
        return Autograd.record("add", out, (g, n) -> new Tensor[] {
                n[0] ? g.sumTo(a.shape()) : null,
                n[1] ? g.sumTo(b.shape()) : null}, a, b);
    }

    /** a − b. */
    public static Tensor sub(Tensor a, Tensor b) {
        Tensor out = binaryRaw("sub", BinaryOp.SUB, a, b);
        return Autograd.record("sub", out, (g, n) -> new Tensor[] {
                n[0] ? g.sumTo(a.shape()) : null,
                n[1] ? g.neg().sumTo(b.shape()) : null}, a, b);
    }

    /** a ⊙ b. */
    public static Tensor mul(Tensor a, Tensor b) {
        Tensor out = binaryRaw("mul", BinaryOp.MUL, a, b);
        return Autograd.record("mul", out, (g, n) -> new Tensor[] {
                n[0] ? g.mul(b).sumTo(a.shape()) : null,
                n[1] ? g.mul(a).sumTo(b.shape()) : null}, a, b);
    }

    /** a / b (true division; I32 inputs give F32). */
    public static Tensor div(Tensor a, Tensor b) {
        Tensor out = binaryRaw("div", BinaryOp.DIV, a, b);
        return Autograd.record("div", out, (g, n) -> new Tensor[] {
                n[0] ? g.div(b).sumTo(a.shape()) : null,
                n[1] ? g.mul(out).div(b).neg().sumTo(b.shape()) : null}, a, b);
    }

    /** x^y; d/dx = y·x^(y−1) (0 where y = 0, also at x = 0, as PyTorch), d/dy = x^y·ln x. */
    public static Tensor pow(Tensor x, Tensor y) {
        Tensor out = binaryRaw("pow", BinaryOp.POW, x, y);
        return Autograd.record("pow", out, (g, n) -> new Tensor[] {
                n[0] ? where(y.eq(0f), Tensor.zeros(g.device(), DType.F32), g.mul(y).mul(pow(x, y.sub(1f))))
                        .sumTo(x.shape()) : null,
                n[1] ? g.mul(out).mul(x.log()).sumTo(y.shape()) : null}, x, y);
    }

    /** Elementwise maximum; on ties the gradient is split evenly. */
    public static Tensor maximum(Tensor a, Tensor b) {
        Tensor out = binaryRaw("maximum", BinaryOp.MAX, a, b);
        return Autograd.record("maximum", out, (g, n) -> {
            Tensor share = compare(BinaryOp.GT, a, b).add(compare(BinaryOp.EQ, a, b).mul(0.5f));
            return new Tensor[] {
                    n[0] ? g.mul(share).sumTo(a.shape()) : null,
                    n[1] ? g.mul(share.neg().add(1f)).sumTo(b.shape()) : null};
        }, a, b);
    }

    /** Elementwise minimum; on ties the gradient is split evenly. */
    public static Tensor minimum(Tensor a, Tensor b) {
        Tensor out = binaryRaw("minimum", BinaryOp.MIN, a, b);
        return Autograd.record("minimum", out, (g, n) -> {
            Tensor share = compare(BinaryOp.LT, a, b).add(compare(BinaryOp.EQ, a, b).mul(0.5f));
            return new Tensor[] {
                    n[0] ? g.mul(share).sumTo(a.shape()) : null,
                    n[1] ? g.mul(share.neg().add(1f)).sumTo(b.shape()) : null};
        }, a, b);
    }

    /** A comparison mask (F32 0/1); not differentiable. */
    public static Tensor compare(BinaryOp op, Tensor a, Tensor b) {
        String name = op.name().toLowerCase(java.util.Locale.ROOT);
        sameDevice(name, a, b);
        int[] shape = Shape.broadcast(name, a.shape(), b.shape());
        Tensor x = a.dtype() == DType.F32 ? a : a.detach().to(DType.F32);
        Tensor y = b.dtype() == DType.F32 ? b : b.detach().to(DType.F32);
        Tensor out = Tensor.empty(a.device(), DType.F32, shape);
        a.backend().binary(op, Views.broadcastView(x, shape), Views.broadcastView(y, shape), out);
        return out;
    }

    /** cond ≠ 0 ? a : b, broadcast over all three; gradients flow to a and b by the mask. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        sameDevice("where", cond, a);
        sameDevice("where", a, b);
        int[] shape = Shape.broadcast("where", Shape.broadcast("where", cond.shape(), a.shape()), b.shape());
        Tensor c = cond.dtype() == DType.F32 ? cond : cond.detach().to(DType.F32);
        Tensor x = floatOperand("where", a);
        Tensor y = floatOperand("where", b);
        Tensor out = Tensor.empty(a.device(), DType.F32, shape);
        a.backend().where(Views.broadcastView(c, shape), Views.broadcastView(x, shape), Views.broadcastView(y, shape), out);
        return Autograd.record("where", out, (g, n) -> {
            Tensor zero = Tensor.zeros(g.device(), DType.F32);
            return new Tensor[] {null,
                    n[1] ? where(c, g, zero).sumTo(a.shape()) : null,
                    n[2] ? where(c, zero, g).sumTo(b.shape()) : null};
        }, cond, a, b);
    }

    // ---- unary ------------------------------------------------------------------------------------

    /** a·x + b in one pass (scalar add/mul/div/sub use it). */
    public static Tensor affine(Tensor x, float a, float b) {
        if (x.dtype() == DType.I32) {
            x = x.to(DType.F32);
        }
        return unary("affine", UnaryOp.AFFINE, x, a, b, (g, out) -> g.mul(a));
    }

    /** −x. */
    public static Tensor neg(Tensor x) {
        return unary("neg", UnaryOp.NEG, x, 0, 0, (g, out) -> g.neg());
    }

    /** eˣ; d/dx = eˣ. */
    public static Tensor exp(Tensor x) {
        return unary("exp", UnaryOp.EXP, x, 0, 0, (g, out) -> g.mul(out));
    }

    /** ln x; d/dx = 1/x. */
    public static Tensor log(Tensor x) {
        return unary("log", UnaryOp.LOG, x, 0, 0, (g, out) -> g.div(x));
    }

    /** √x; d/dx = 1/(2√x). */
    public static Tensor sqrt(Tensor x) {
        return unary("sqrt", UnaryOp.SQRT, x, 0, 0, (g, out) -> g.div(out).mul(0.5f));
    }

    /** 1/√x; d/dx = −½ x^(−3/2). */
    public static Tensor rsqrt(Tensor x) {
        return unary("rsqrt", UnaryOp.RSQRT, x, 0, 0, (g, out) -> g.mul(out.pow(3f)).mul(-0.5f));
    }

    /** xᵖ; d/dx = p·x^(p−1). */
    public static Tensor pow(Tensor x, float p) {
        // x^0 = 1 everywhere, so its gradient is 0, also at x = 0 where 0·x^-1 would be NaN (PyTorch: 0)
        return unary("pow", UnaryOp.POW, x, p, 0, (g, out) -> p == 0f ? Tensor.zerosLike(g)
                : p == 2f ? g.mul(x).mul(2f) : g.mul(x.pow(p - 1f)).mul(p));
    }

    /** |x|; d/dx = sign(x). */
    public static Tensor abs(Tensor x) {
        return unary("abs", UnaryOp.ABS, x, 0, 0, (g, out) -> g.mul(unaryRaw("sign", UnaryOp.SIGN, x, 0, 0)));
    }

    /** tanh x; d/dx = 1 − tanh². */
    public static Tensor tanh(Tensor x) {
        return unary("tanh", UnaryOp.TANH, x, 0, 0, (g, out) -> g.mul(out.mul(out).neg().add(1f)));
    }

    /** σ(x); d/dx = σ(1−σ). */
    public static Tensor sigmoid(Tensor x) {
        return unary("sigmoid", UnaryOp.SIGMOID, x, 0, 0, (g, out) -> g.mul(out.mul(out.neg().add(1f))));
    }

    /** max(x, 0); d/dx = [x &gt; 0]. */
    public static Tensor relu(Tensor x) {
        return unary("relu", UnaryOp.RELU, x, 0, 0,
                (g, out) -> g.mul(compare(BinaryOp.GT, x, Tensor.zeros(x.device(), DType.F32))));
    }

    /** GELU (tanh form). */
    public static Tensor gelu(Tensor x) {
        return unary("gelu", UnaryOp.GELU, x, 0, 0, (g, out) -> g.mul(unaryRaw("gelu_grad", UnaryOp.GELU_GRAD, x, 0, 0)));
    }

    /** x·σ(x). */
    public static Tensor silu(Tensor x) {
        return unary("silu", UnaryOp.SILU, x, 0, 0, (g, out) -> g.mul(unaryRaw("silu_grad", UnaryOp.SILU_GRAD, x, 0, 0)));
    }

    /** min(max(x, lo), hi); gradient passes where lo ≤ x ≤ hi. */
    public static Tensor clamp(Tensor x, float lo, float hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("clamp: lower bound " + lo + " is above upper bound " + hi);
        }
        return unary("clamp", UnaryOp.CLAMP, x, lo, hi,
                (g, out) -> g.mul(unaryRaw("clamp_grad", UnaryOp.INSIDE, x, lo, hi)));
    }

    /** Mask of non-finite elements; not differentiable. */
    public static Tensor nonFinite(Tensor x) {
        return unaryRaw("isNonFinite", UnaryOp.NONFINITE, x, 0, 0);
    }
}
