package dev.plumbline.tensor.backend;

/**
 * Elementwise functions of one input, with up to two scalar parameters {@code a}, {@code b}.
 * The {@code *_GRAD} entries are derivatives used by gradient rules (so every backend gets them).
 */
public enum UnaryOp {
    /** −x */ NEG,
    /** eˣ */ EXP,
    /** ln x */ LOG,
    /** √x */ SQRT,
    /** 1/√x */ RSQRT,
    /** |x| */ ABS,
    /** sign(x) ∈ {−1, 0, 1} */ SIGN,
    /** tanh x */ TANH,
    /** 1/(1+e⁻ˣ) */ SIGMOID,
    /** max(x, 0) */ RELU,
    /** GELU, tanh form: ½x(1+tanh(√(2/π)(x+0.044715x³))) */ GELU,
    /** x·σ(x) */ SILU,
    /** xᵃ */ POW,
    /** min(max(x, a), b) */ CLAMP,
    /** a·x + b */ AFFINE,
    /** 1/x */ RECIPROCAL,
    /** 1 where a ≤ x ≤ b else 0 (clamp's derivative) */ INSIDE,
    /** d GELU/dx */ GELU_GRAD,
    /** d SiLU/dx */ SILU_GRAD,
    /** 1 where x is NaN or ±Inf, else 0 */ NONFINITE
}
