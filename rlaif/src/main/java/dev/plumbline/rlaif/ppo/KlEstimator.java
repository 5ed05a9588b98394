package dev.plumbline.rlaif.ppo;

import dev.plumbline.tensor.Tensor;

/**
 * Per-token estimators of KL(π ‖ π_ref) from the log-probs of the sampled tokens (Schulman,
 * "Approximating KL divergence"). With r = log π_ref(y) − log π(y) for y ~ π:
 * <ul>
 *   <li>{@link #K1}: −r — unbiased, high variance, can be negative per token (TRL's default);</li>
 *   <li>{@link #K2}: r²/2 — biased, low variance, always ≥ 0;</li>
 *   <li>{@link #K3}: (eʳ − 1) − r — unbiased and always ≥ 0.</li>
 * </ul>
 *
 * <pre>{@code
 * Tensor kl = KlEstimator.K3.perToken(logProbs, refLogProbs);   // (B, T)
 * }</pre>
 */
public enum KlEstimator {
    K1, K2, K3;

    /**
     * Per-token KL estimate.
     *
     * @param logProbs    log π(y_t) of the sampled tokens, (B, T)
     * @param refLogProbs log π_ref(y_t), (B, T)
     * @return (B, T)
     */
    public Tensor perToken(Tensor logProbs, Tensor refLogProbs) {
        Tensor r = refLogProbs.sub(logProbs);
        switch (this) {
            case K1: return r.neg();
            case K2: return r.mul(r).mul(0.5f);
            case K3: return r.exp().sub(1f).sub(r);
            default: throw new IllegalStateException();
        }
    }

    /** Parses k1/k2/k3 (case-insensitive). */
    public static KlEstimator parse(String s) {
        for (KlEstimator k : values()) {
            if (k.name().equalsIgnoreCase(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown KL estimator '" + s + "': expected k1, k2 or k3");
    }
}
