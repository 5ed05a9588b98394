package dev.plumbline.rlaif.ppo;

import dev.plumbline.tensor.Tensor;

/**
 * PPO's clipped objectives over masked response tokens, and the masked statistics PPO needs.
 *
 * <pre>
 * ratio    = exp(logπ − logπ_old)
 * L_policy = mean_mask( max(−A·ratio, −A·clip(ratio, 1−ε, 1+ε)) )
 * V_clip   = V_old + clip(V − V_old, −ε_v, ε_v)
 * L_value  = ½ · mean_mask( max((V − R)², (V_clip − R)²) )
 * </pre>
 * All inputs are (B, T) with a 0/1 mask (B, T); {@code old*}, advantages and returns carry no
 * gradient.
 */
public final class PpoLosses {
    private PpoLosses() {}

    /** The policy loss with its diagnostics (TRL's names in comments). */
    public record PolicyLoss(Tensor loss, float clipFraction, float approxKl, float ratioMean) {}

    /** Masked mean of x over mask (a scalar tensor). */
    public static Tensor maskedMean(Tensor x, Tensor mask) {
        return x.mul(mask).sum().div(mask.sum().clampMin(1f));
    }

    /**
     * Whitens x over the masked entries: (x − mean)/√(var + 1e-8), optionally adding the mean back
     * (TRL whitens advantages without shifting the mean back, and rewards with it). Unmasked
     * entries come out as 0.
     */
    public static Tensor whiten(Tensor x, Tensor mask, boolean shiftMean) {
        Tensor mean = maskedMean(x, mask);
        Tensor centered = x.sub(mean);
        Tensor var = maskedMean(centered.mul(centered), mask);
        Tensor w = centered.mul(var.add(1e-8f).rsqrt());
        if (!shiftMean) {
            w = w.add(mean);
        }
        return w.mul(mask);
    }

    /**
     * Clipped policy loss.
     *
     * @param logProbs    log π(y_t) under the current policy, with gradient (B, T)
     * @param oldLogProbs log π_old(y_t) at sampling time (B, T)
     * @param advantages  A_t (B, T)
     * @param mask        response-token mask (B, T)
     * @param clipRange   ε &gt; 0
     */
    public static PolicyLoss policy(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask, float clipRange) {
        if (!(clipRange > 0)) {
            throw new IllegalArgumentException("ppo: clip range must be > 0, got " + clipRange);
        }
        Tensor logRatio = logProbs.sub(oldLogProbs);
        Tensor ratio = logRatio.exp();
        Tensor pg1 = advantages.neg().mul(ratio);
        Tensor pg2 = advantages.neg().mul(ratio.clamp(1 - clipRange, 1 + clipRange));
        Tensor loss = maskedMean(pg1.maximum(pg2), mask);
        float clipFrac, approxKl, ratioMean;
        try (var ng = dev.plumbline.tensor.autograd.NoGrad.enter()) {
            clipFrac = maskedMean(pg2.gt(pg1), mask).item();
            approxKl = maskedMean(logRatio.mul(logRatio), mask).item() * 0.5f;
            ratioMean = maskedMean(ratio, mask).item();
        }
        return new PolicyLoss(loss, clipFrac, approxKl, ratioMean);
    }

    /** The value loss with the fraction of clipped entries. */
    public record ValueLoss(Tensor loss, float clipFraction) {}

    /**
     * Clipped value loss.
     *
     * @param values    V(s_t) under the current critic, with gradient (B, T)
     * @param oldValues V at sampling time (B, T)
     * @param returns   value targets R_t (B, T)
     * @param mask      response-token mask (B, T)
     * @param clipRange ε_v &gt; 0
     */
    public static ValueLoss value(Tensor values, Tensor oldValues, Tensor returns, Tensor mask, float clipRange) {
        if (!(clipRange > 0)) {
            throw new IllegalArgumentException("ppo: value clip range must be > 0, got " + clipRange);
        }
        Tensor clipped = oldValues.add(values.sub(oldValues).clamp(-clipRange, clipRange));
        Tensor l1 = values.sub(returns).square();
        Tensor l2 = clipped.sub(returns).square();
        Tensor loss = maskedMean(l1.maximum(l2), mask).mul(0.5f);
        float frac;
        try (var ng = dev.plumbline.tensor.autograd.NoGrad.enter()) {
            frac = maskedMean(l2.gt(l1), mask).item();
        }
        return new ValueLoss(loss, frac);
    }
}
