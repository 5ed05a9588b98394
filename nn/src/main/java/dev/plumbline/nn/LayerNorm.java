package dev.plumbline.nn;

import dev.plumbline.tensor.Tensor;

/**
 * LayerNorm over the last dim: (x − mean)/√(var + eps)·weight + bias, with weight 1 and bias 0 at
 * init (one fused backend op forward and backward).
 *
 * <pre>{@code
 * LayerNorm ln = new LayerNorm(768, 1e-5f, true);
 * Tensor y = ln.forward(x);   // x: (B, T, 768) → (B, T, 768)
 * }</pre>
 */
public final class LayerNorm extends Module {
    private final int dim;
    private final float eps;
    private final Parameter weight; // (C)
    private final Parameter bias;   // (C) or null

    /** A LayerNorm over {@code dim} features. */
    public LayerNorm(int dim, float eps, boolean bias) {
        if (dim <= 0 || !(eps > 0)) {
            throw new IllegalArgumentException("LayerNorm: dim must be positive and eps > 0, got dim=" + dim + " eps=" + eps);
        }
        this.dim = dim;
        this.eps = eps;
        this.weight = param("weight", Tensor.ones(dim), false);
        this.bias = bias ? param("bias", Tensor.zeros(dim), false) : null;
    }

    /** x: (..., C) → (..., C). */
    public Tensor forward(Tensor x) {
        if (x.dim() == 0 || x.size(-1) != dim) {
            throw new IllegalArgumentException("LayerNorm(" + dim + "): input " + dev.plumbline.tensor.Shape.str(x.shape())
                    + " must end in " + dim);
        }
        return x.layerNorm(weight.data(), bias == null ? null : bias.data(), eps);
    }

    /** Gain, (C). */
    public Parameter weight() {
        return weight;
    }

    /** Shift, (C), or null. */
    public Parameter bias() {
        return bias;
    }
}
