package dev.plumbline.nn;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;

/**
 * One attention layer's cached keys and values for incremental decoding: preallocated
 * (B, H, capacity, D) buffers that each step appends (B, H, t, D) to. The buffers belong to no
 * {@link Scope} (they outlive per-step scopes); {@link #close()} frees them. Inference only: what is
 * appended is copied without a graph.
 *
 * <pre>{@code
 * KVCache c = new KVCache(device, B, H, D, capacity);
 * c.append(k, v);                       // k, v: (B, H, t, D)
 * Tensor keys = c.keys();               // (B, H, length, D)
 * }</pre>
 */
public final class KVCache implements AutoCloseable {
    private final int batch, heads, headDim, capacity;
    private final Tensor kBuf, vBuf; // (B, H, capacity, D)
    private int length;

    /** Empty cache with room for {@code capacity} positions. */
    public KVCache(Device device, int batch, int heads, int headDim, int capacity) {
        if (batch <= 0 || heads <= 0 || headDim <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("KVCache: batch, heads, headDim, capacity must be positive, got " + batch
                    + ", " + heads + ", " + headDim + ", " + capacity);
        }
        this.batch = batch;
        this.heads = heads;
        this.headDim = headDim;
        this.capacity = capacity;
        try (Scope s = Scope.detached()) {
            kBuf = Tensor.zeros(device, DType.F32, batch, heads, capacity, headDim);
            vBuf = Tensor.zeros(device, DType.F32, batch, heads, capacity, headDim);
        }
    }

    /** Appends new keys and values, each (B, H, t, D); throws if they do not fit. */
    public void append(Tensor k, Tensor v) {
        int[] want = {batch, heads, k.dim() == 4 ? k.size(2) : -1, headDim};
        if (!java.util.Arrays.equals(k.shape(), want) || !java.util.Arrays.equals(v.shape(), want)) {
            throw new IllegalArgumentException("KVCache.append: keys " + Shape.str(k.shape()) + " and values "
                    + Shape.str(v.shape()) + " must both be (B, H, t, D) = [" + batch + ", " + heads + ", t, " + headDim + "]");
        }
        int t = k.size(2);
        if (length + t > capacity) {
            throw new IllegalStateException("KVCache.append: " + length + " cached + " + t + " new positions exceed capacity "
                    + capacity);
        }
        try (NoGrad ng = NoGrad.enter()) {
            kBuf.narrow(2, length, t).copy_(k.detach());
            vBuf.narrow(2, length, t).copy_(v.detach());
        }
        length += t;
    }

    /** Cached keys, (B, H, length, D) — a view of the buffer. */
    public Tensor keys() {
        return kBuf.narrow(2, 0, length);
    }

    /** Cached values, (B, H, length, D) — a view of the buffer. */
    public Tensor values() {
        return vBuf.narrow(2, 0, length);
    }

    /** Number of cached positions. */
    public int length() {
        return length;
    }

    /** Maximum number of positions. */
    public int capacity() {
        return capacity;
    }

    /** Frees the buffers. */
    @Override
    public void close() {
        if (!kBuf.storage().isFreed()) {
            kBuf.storage().free();
            vBuf.storage().free();
        }
    }
}
