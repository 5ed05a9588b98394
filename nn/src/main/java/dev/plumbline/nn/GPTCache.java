package dev.plumbline.nn;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;

/**
 * A whole model's decoding state: one {@link KVCache} per block, the key mask of every cached
 * position (B, length), and each row's count of real (unmasked) tokens so far, which gives the
 * next default position id (HF's {@code cumsum(mask) − 1}).
 *
 * <pre>{@code
 * try (GPTCache cache = GPTCache.create(gpt, B)) {
 *     Tensor logits = gpt.forward(promptIds, null, promptMask, cache); // prefill (B, Tp, V)
 *     logits = gpt.forward(nextIds, null, null, cache);                // one step (B, 1, V)
 * }
 * }</pre>
 */
public final class GPTCache implements AutoCloseable {
    private final KVCache[] layers;
    private final Tensor maskBuf; // (B, capacity) F32, 1 = real token
    private final int batch, capacity;
    private final int[] realCounts;
    private boolean anyMasked;
    private int length;

    /** A cache for {@code batch} rows with room for the model's full context. */
    public static GPTCache create(GPT model, int batch) {
        return create(model, batch, model.config().contextLength());
    }

    /** A cache for {@code batch} rows with room for {@code capacity} ≤ contextLength positions. */
    public static GPTCache create(GPT model, int batch, int capacity) {
        GPTConfig c = model.config();
        if (capacity <= 0 || capacity > c.contextLength()) {
            throw new IllegalArgumentException("GPTCache: capacity " + capacity + " must be in [1, contextLength "
                    + c.contextLength() + "]");
        }
        return new GPTCache(model.device(), batch, c.layers(), c.heads(), c.headDim(), capacity);
    }

    private GPTCache(Device device, int batch, int nLayers, int heads, int headDim, int capacity) {
        this.batch = batch;
        this.capacity = capacity;
        this.layers = new KVCache[nLayers];
        for (int i = 0; i < nLayers; i++) {
            layers[i] = new KVCache(device, batch, heads, headDim, capacity);
        }
        try (Scope s = Scope.detached()) {
            maskBuf = Tensor.zeros(device, DType.F32, batch, capacity);
        }
        realCounts = new int[batch];
    }

    /** Block i's cache. */
    public KVCache layer(int i) {
        return layers[i];
    }

    /** Rows B. */
    public int batch() {
        return batch;
    }

    /** Cached positions so far. */
    public int length() {
        return length;
    }

    /** Maximum positions. */
    public int capacity() {
        return capacity;
    }

    /** Real tokens seen so far in each row (a copy). */
    public int[] realCounts() {
        return realCounts.clone();
    }

    /**
     * Records the mask of {@code t} new positions ((B, t) host values, 1 = real; null = all real) and
     * returns the key mask over all positions including them, (B, length + t), or null when no
     * position was ever masked. Called by {@link GPT} before its blocks append; see {@link #advance}.
     */
    Tensor pushMask(float[] newMask, int t) {
        if (length + t > capacity) {
            throw new IllegalStateException("GPTCache: " + length + " cached + " + t + " new positions exceed capacity "
                    + capacity);
        }
        float[] m = newMask;
        if (m == null) {
            m = new float[batch * t];
            java.util.Arrays.fill(m, 1f);
        }
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < t; j++) {
                if (m[b * t + j] != 0f) {
                    realCounts[b]++;
                } else {
                    anyMasked = true;
                }
            }
        }
        try (NoGrad ng = NoGrad.enter()) {
            maskBuf.narrow(1, length, t).copy_(Tensor.fromArray(maskBuf.device(), m, batch, t));
        }
        return anyMasked ? maskBuf.narrow(1, 0, length + t) : null;
    }

    /** Marks {@code t} appended positions as cached (after every block appended them). */
    void advance(int t) {
        length += t;
    }

    /** Frees every buffer. */
    @Override
    public void close() {
        for (KVCache c : layers) {
            c.close();
        }
        if (!maskBuf.storage().isFreed()) {
            maskBuf.storage().free();
        }
    }
}
