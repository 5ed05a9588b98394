// GradClip: global-L2-norm gradient clipping (torch.nn.utils.clip_grad_norm_) and the gradient norm
// used for logging.
package dev.plumbline.nn.optim;

import dev.plumbline.nn.Parameter;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;

import java.util.List;

/**
 * Clips gradients by their global L2 norm, like {@code torch.nn.utils.clip_grad_norm_}.
 *
 * <pre>{@code
 * loss.backward();
 * double norm = GradClip.clipGradNorm(model.parameters(), 1.0);   // norm before clipping
 * opt.step();
 * }</pre>
 */
public final class GradClip {
    private GradClip() {}

    /** Same as {@code clipGradNorm(params, maxNorm, false)}. */
    public static double clipGradNorm(List<Parameter> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, false);
    }

    /**
     * Scales every gradient by {@code min(1, maxNorm / (total + 1e-6))}, where total is the L2 norm
     * of all gradients concatenated; parameters without a gradient are skipped.
     *
     * @param errorIfNonFinite throw (before changing anything) if the total norm is NaN or infinite;
     *                         otherwise such gradients are scaled by NaN, as PyTorch does
     * @return the total norm before clipping
     */
    public static double clipGradNorm(List<Parameter> params, double maxNorm, boolean errorIfNonFinite) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be finite and > 0, got " + maxNorm);
        }
        double total = gradNorm(params);
        if (!Double.isFinite(total)) {
            if (errorIfNonFinite) {
                throw new ArithmeticException("clipGradNorm: the total gradient norm is " + total
                        + "; non-finite gradients in parameters " + nonFinite(params));
            }
        }
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1 || Double.isNaN(coef)) {
            try (NoGrad ng = NoGrad.enter(); Scope s = Scope.open()) {
                for (Parameter p : params) {
                    if (p.grad() != null) {
                        p.grad().mul_((float) coef);
                    }
                }
            }
        }
        return total;
    }

    /** The global L2 norm of all gradients (0 when none has one); nothing is changed. */
    public static double gradNorm(List<Parameter> params) {
        double sumSq = 0;
        try (NoGrad ng = NoGrad.enter(); Scope s = Scope.open()) {
            for (Parameter p : params) {
                Tensor g = p.grad();
                if (g != null) {
                    // per-tensor sum of squares on the device, then a double sum across tensors
                    sumSq += g.square().sum().item();
                }
            }
        }
        return Math.sqrt(sumSq);
    }

    private static String nonFinite(List<Parameter> params) {
        StringBuilder sb = new StringBuilder();
        try (NoGrad ng = NoGrad.enter(); Scope s = Scope.open()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor g = params.get(i).grad();
                if (g != null && g.isNonFinite().sum().item() > 0) {
                    sb.append(sb.length() == 0 ? "" : ", ").append('#').append(i).append(' ').append(Shape.str(g.shape()));
                }
            }
        }
        return "[" + sb + "]";
    }
}
