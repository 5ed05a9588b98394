package dev.plumbline.nn;

import dev.plumbline.tensor.Tensor;

/**
 * RMSNorm (Zhang &amp; Sennrich 2019, as in Llama): x / √(mean(x²) + eps) · weight. Built from
 * elementwise ops, so autograd derives its gradient.
 *
 * <pre>{@code
 * RMSNorm norm = new RMSNorm(512, 1e-5f);
 * Tensor y = norm.forward(x);   // x: (B, T, 512) → (B, T, 512)
 * }</pre>
 */
public final class RMSNorm extends Module {
    private final int dim;
    private final float eps;
    private final Parameter weight; // (C)

    /** An RMSNorm over {@code dim} features with weight 1. */
    public RMSNorm(int dim, float eps) {
        if (dim <= 0 || !(eps > 0)) {
            throw new IllegalArgumentException("RMSNorm: dim must be positive and eps > 0, got dim=" + dim + " eps=" + eps);
        }
        this.dim = dim;
        this.eps = eps;
        this.weight = param("weight", Tensor.ones(dim), false);
    }

    /** x: (..., C) → (..., C). */
    public Tensor forward(Tensor x) {
        if (x.dim() == 0 || x.size(-1) != dim) {
            throw new IllegalArgumentException("RMSNorm(" + dim + "): input " + dev.plumbline.tensor.Shape.str(x.shape())
                    + " must end in " + dim);
        }
        Tensor rms = x.square().mean(-1, true).add(eps).rsqrt(); // (..., 1)
        return x.mul(rms).mul(weight.data());
    }

    /** Gain, (C). */
    public Parameter weight() {
        return weight;
    }
}
