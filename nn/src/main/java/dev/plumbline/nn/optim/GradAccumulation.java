// GradAccumulation: the bookkeeping for gradient accumulation — scale each micro-batch loss by
// 1/microSteps so the summed gradients equal the gradient of the mean loss over the large batch.
package dev.plumbline.nn.optim;

import dev.plumbline.tensor.Tensor;

/**
 * Gradient accumulation over {@code microSteps} micro-batches per optimizer step. Gradients add up
 * across {@code backward()} calls ({@code +=} into {@code .grad}), so scaling each micro-batch loss
 * by 1/microSteps makes the accumulated gradient that of the mean of the micro-batch losses.
 *
 * <pre>{@code
 * GradAccumulation acc = new GradAccumulation(4);
 * opt.zeroGrad();
 * for (int micro = 0; micro < acc.microSteps(); micro++) {
 *     try (Scope s = Scope.open()) {
 *         acc.scale(model.logits(ids[micro]).crossEntropy(targets[micro])).backward();
 *     }
 * }
 * GradClip.clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 * }</pre>
 */
public final class GradAccumulation {
    private final int microSteps;

    /** @param microSteps micro-batches per optimizer step, ≥ 1 */
    public GradAccumulation(int microSteps) {
        if (microSteps < 1) {
            throw new IllegalArgumentException("GradAccumulation: microSteps must be >= 1, got " + microSteps);
        }
        this.microSteps = microSteps;
    }

    /** Micro-batches per optimizer step. */
    public int microSteps() {
        return microSteps;
    }

    /** {@code loss / microSteps} (differentiable; call backward on the result). */
    public Tensor scale(Tensor loss) {
        return microSteps == 1 ? loss : loss.div((float) microSteps);
    }

    /** Whether micro-batch number {@code micro} (0-based, counted across steps) ends an optimizer step. */
    public boolean isLastMicroStep(long micro) {
        return (micro + 1) % microSteps == 0;
    }
}
