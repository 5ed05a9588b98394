// GRPO's token-level clipped objective with the KL to π_ref as a loss term, and its three aggregations.
package dev.plumbline.rlaif.rl;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;

/**
 * The per-token loss of GRPO (Shao et al. 2024) as TRL's GRPOTrainer computes it:
 *
 * <pre>
 * // logp, oldLogp, refLogp, mask (B, N); adv (B), broadcast over the tokens of its response
 * ratio_t = exp(log π(y_t) − log π_old(y_t))
 * kl_t    = exp(log π_ref − log π) − (log π_ref − log π) − 1          (k3, ≥ 0, with gradient)
 * ℓ_t     = −min(ratio_t·A, clip(ratio_t, 1−ε_low, 1+ε_high)·A) + β·kl_t
 * GRPO:    L = mean_i ( Σ_t mask·ℓ / Σ_t mask )                       each response weighs the same
 * BNPO:    L = Σ_{i,t} mask·ℓ / Σ_{i,t} mask                          each token weighs the same (DAPO)
 * DR_GRPO: L = Σ_{i,t} mask·ℓ / (B · N_max)                           no length normalisation (Dr. GRPO)
 * </pre>
 *
 * <pre>{@code
 * GrpoLoss.Result l = GrpoLoss.compute(logp, oldLogp, refLogp, adv, mask, 0.2f, 0.2f, 0.04f,
 *                                      GrpoLoss.Type.GRPO, 14);
 * }</pre>
 */
public final class GrpoLoss {
    private GrpoLoss() {}

    /** How per-token losses are reduced to one number (TRL's {@code loss_type}). */
    public enum Type {
        GRPO, BNPO, DR_GRPO;

        /** Parses grpo / bnpo / dr_grpo (case-insensitive; {@code dapo} is BNPO). */
        public static Type parse(String s) {
            if (s.equalsIgnoreCase("dapo")) {
                return BNPO;
            }
            for (Type t : values()) {
                if (t.name().equalsIgnoreCase(s) || t.name().replace('_', '-').equalsIgnoreCase(s)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown GRPO loss type '" + s + "': expected grpo, bnpo, dr_grpo or dapo");
        }
    }

    /**
     * The loss with TRL's diagnostics: mean k3 KL, the fractions of tokens clipped below, above and
     * in either region (only tokens whose clipping changes the objective, as TRL counts them).
     */
    public record Result(Tensor loss, float kl, float clipLow, float clipHigh, float clipRegion) {}

    /**
     * @param logProbs          log π(y_t), with gradient (B, N)
     * @param oldLogProbs       log π_old(y_t) at sampling time (B, N)
     * @param refLogProbs       log π_ref(y_t) (B, N)
     * @param advantages        one advantage per response (B)
     * @param mask              response-token mask (B, N)
     * @param beta              weight of the KL term (0 drops it)
     * @param maxCompletionLength N_max for {@link Type#DR_GRPO}
     */
    public static Result compute(Tensor logProbs, Tensor oldLogProbs, Tensor refLogProbs, Tensor advantages, Tensor mask,
                                 float epsilonLow, float epsilonHigh, float beta, Type type, int maxCompletionLength) {
        if (!(epsilonLow > 0) || !(epsilonHigh > 0)) {
            throw new IllegalArgumentException("grpo: epsilon must be > 0, got low " + epsilonLow + ", high " + epsilonHigh);
        }
        if (logProbs.dim() != 2 || advantages.dim() != 1 || advantages.size(0) != logProbs.size(0)) {
            throw new IllegalArgumentException("grpo: expected log-probs (B, N) and advantages (B), got "
                    + java.util.Arrays.toString(logProbs.shape()) + " and " + java.util.Arrays.toString(advantages.shape()));
        }
        int b = logProbs.size(0);
        Tensor a = advantages.unsqueeze(1);                                   // (B, 1)
        Tensor ratio = logProbs.sub(oldLogProbs).mul(mask).exp();             // (B, N)
        Tensor clipped = ratio.clamp(1 - epsilonLow, 1 + epsilonHigh);
        Tensor perToken = ratio.mul(a).minimum(clipped.mul(a)).neg();
        Tensor diff = refLogProbs.sub(logProbs).mul(mask);
        Tensor kl = diff.exp().sub(diff).sub(1f);                             // k3 per token, 0 where masked
        if (beta != 0f) {
            perToken = perToken.add(kl.mul(beta));
        }
        Tensor masked = perToken.mul(mask);
        Tensor loss = switch (type) {
            case GRPO -> masked.sum(1, false).div(mask.sum(1, false).clampMin(1f)).mean();
            case BNPO -> masked.sum().div(mask.sum().clampMin(1f));
            case DR_GRPO -> masked.sum().div((float) b * maxCompletionLength);
        };
        float klMean, low, high, region;
        try (NoGrad ng = NoGrad.enter()) {
            Tensor count = mask.sum().clampMin(1f);
            klMean = kl.mul(mask).sum().div(count).item();
            Tensor isLow = ratio.lt(1 - epsilonLow).mul(a.lt(0f));
            Tensor isHigh = ratio.gt(1 + epsilonHigh).mul(a.gt(0f));
            low = isLow.mul(mask).sum().div(count).item();
            high = isHigh.mul(mask).sum().div(count).item();
            region = low + high;
        }
        return new Result(loss, klMean, low, high, region);
    }
}
