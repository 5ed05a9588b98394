// Batch: one (B, T) block of input ids and next-token targets, with −100 where no loss applies.
package dev.plumbline.nn.train;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;

/**
 * Input ids and targets, row-major (B, T); {@code targets[i]} is the id to predict at position i,
 * or {@link #IGNORE} where the loss is masked (prompt tokens, padding).
 *
 * <pre>{@code
 * Batch b = sampler.next();
 * Tensor loss = model.logits(b.idsTensor(dev)).crossEntropy(b.targetsTensor(dev), Batch.IGNORE);
 * }</pre>
 */
public record Batch(int[] ids, int[] targets, int batchSize, int seqLen) {
    /** The ignore index of the loss (PyTorch's default). */
    public static final int IGNORE = -100;

    public Batch {
        if (ids.length != batchSize * seqLen || targets.length != ids.length) {
            throw new IllegalArgumentException("Batch: " + ids.length + " ids and " + targets.length + " targets for shape ("
                    + batchSize + ", " + seqLen + ")");
        }
    }

    /** The ids as a (B, T) I32 tensor on {@code device}. */
    public Tensor idsTensor(Device device) {
        return Tensor.fromArray(device, ids, batchSize, seqLen);
    }

    /** The targets as a (B, T) I32 tensor on {@code device}. */
    public Tensor targetsTensor(Device device) {
        return Tensor.fromArray(device, targets, batchSize, seqLen);
    }

    /** Number of positions that count toward the loss. */
    public int targetCount() {
        int n = 0;
        for (int t : targets) {
            if (t != IGNORE) {
                n++;
            }
        }
        return n;
    }
}
