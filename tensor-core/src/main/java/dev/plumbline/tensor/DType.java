package dev.plumbline.tensor;

/**
 * Element types a tensor can hold.
 *
 * <p>{@code F32} is the compute type everywhere (all CPU math is F32). {@code BF16} is a storage type
 * for GPU tensors and tensor-core matmul inputs (accumulation stays F32). {@code I32} holds token ids
 * and indices. Anything else is rejected with a clear error rather than cast silently.
 */
public enum DType {
    /** 32-bit IEEE float. */
    F32(4),
    /** bfloat16: the upper 16 bits of an F32. */
    BF16(2),
    /** 32-bit signed integer. */
    I32(4);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether values of this type are floating point (and so can carry gradients). */
    public boolean isFloatingPoint() {
        return this != I32;
    }
}
