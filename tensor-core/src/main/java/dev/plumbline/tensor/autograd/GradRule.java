package dev.plumbline.tensor.autograd;

import dev.plumbline.tensor.Tensor;

/**
 * An op's gradient rule: given the gradient of the op's output, return the gradient of each input
 * (null for inputs that need none). Written with tensor ops, so it works on every backend.
 */
@FunctionalInterface
public interface GradRule {
    /**
     * @param grad      gradient of the loss w.r.t. the op's output (same shape as the output)
     * @param needsGrad needsGrad[i] is whether input i needs a gradient; skip the work when false
     * @return one entry per input, shaped like that input, or null
     */
    Tensor[] apply(Tensor grad, boolean[] needsGrad);
}
