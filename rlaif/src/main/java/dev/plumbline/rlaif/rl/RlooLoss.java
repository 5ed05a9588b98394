// RLOO's clipped objective over whole responses: one ratio per sequence, one advantage per sequence.
package dev.plumbline.rlaif.rl;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;

/**
 * The policy loss of TRL's RLOOTrainer: the ratio is taken over the whole response (the sum of
 * the token log-ratios), so each sequence is one action with one leave-one-out advantage.
 *
 * <pre>
 * // logp, oldLogp, mask (B, N); adv (B)
 * d_i    = Σ_t mask·(log π(y_t) − log π_old(y_t))
 * ratio  = exp(d_i)
 * L      = mean_i max(−A_i·ratio_i, −A_i·clip(ratio_i, 1−ε, 1+ε))
 * </pre>
 *
 * <pre>{@code
 * RlooLoss.Result l = RlooLoss.compute(logp, oldLogp, adv, mask, 0.2f);
 * l.loss().backward();
 * }</pre>
 */
public final class RlooLoss {
    private RlooLoss() {}

    /** The loss with TRL's diagnostics: clipped fraction, ½·mean d², mean ratio. */
    public record Result(Tensor loss, float clipFraction, float approxKl, float ratioMean) {}

    /**
     * @param logProbs    log π(y_t), with gradient (B, N)
     * @param oldLogProbs log π_old(y_t) at sampling time (B, N)
     * @param advantages  one advantage per response (B)
     * @param mask        response-token mask (B, N)
     * @param clipRange   ε &gt; 0
     */
    public static Result compute(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask, float clipRange) {
        if (!(clipRange > 0)) {
            throw new IllegalArgumentException("rloo: clip range must be > 0, got " + clipRange);
        }
        if (logProbs.dim() != 2 || advantages.dim() != 1 || advantages.size(0) != logProbs.size(0)) {
            throw new IllegalArgumentException("rloo: expected log-probs (B, N) and advantages (B), got "
                    + java.util.Arrays.toString(logProbs.shape()) + " and " + java.util.Arrays.toString(advantages.shape()));
        }
        Tensor d = logProbs.sub(oldLogProbs).mul(mask).sum(1, false);     // (B)
        Tensor ratio = d.exp();
        Tensor pg1 = advantages.neg().mul(ratio);
        Tensor pg2 = advantages.neg().mul(ratio.clamp(1 - clipRange, 1 + clipRange));
        Tensor loss = pg1.maximum(pg2).mean();
        float clipFrac, approxKl, ratioMean;
        try (NoGrad ng = NoGrad.enter()) {
            clipFrac = pg2.gt(pg1).mean().item();
            approxKl = d.mul(d).mean().item() * 0.5f;
            ratioMean = ratio.mean().item();
        }
        return new Result(loss, clipFrac, approxKl, ratioMean);
    }
}
