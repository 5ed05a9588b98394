package dev.plumbline.tensor.backend;

/**
 * Distributions of {@link Backend#random}; the bit-level mapping from Philox4x32-10 to values is
 * specified in {@code dev.plumbline.tensor.random.Philox} and is the same on every backend.
 */
public enum RandomKind {
    /** uniform on [a, b) */ UNIFORM,
    /** normal with mean a, std b */ NORMAL,
    /** 1 with probability a, else 0 */ BERNOULLI
}
