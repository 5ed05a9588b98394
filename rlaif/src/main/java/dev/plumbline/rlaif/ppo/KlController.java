package dev.plumbline.rlaif.ppo;

/**
 * The KL penalty coefficient β of the PPO reward r_t − β·KL_t: fixed, or adaptive as in Ziegler
 * et al. (2019), which nudges β so the measured KL tracks a target:
 * e = clip(KL / target − 1, −0.2, 0.2), β ← β·(1 + e·n / horizon).
 *
 * <pre>{@code
 * KlController kl = KlController.adaptive(0.1, 6.0, 10_000);
 * kl.update(measuredKl, batchSize);
 * double beta = kl.coef();
 * }</pre>
 */
public final class KlController {
    private double coef;
    private final double target;
    private final double horizon;

    private KlController(double coef, double target, double horizon) {
        if (!(coef >= 0) || Double.isInfinite(coef)) {
            throw new IllegalArgumentException("KL coefficient must be finite and >= 0, got " + coef);
        }
        this.coef = coef;
        this.target = target;
        this.horizon = horizon;
    }

    /** A constant coefficient. */
    public static KlController fixed(double coef) {
        return new KlController(coef, Double.NaN, Double.NaN);
    }

    /**
     * An adaptive coefficient.
     *
     * @param initCoef starting β
     * @param target   KL (nats per sequence) to track
     * @param horizon  number of samples over which a full 20% correction applies
     */
    public static KlController adaptive(double initCoef, double target, double horizon) {
        if (!(target > 0) || !(horizon > 0)) {
            throw new IllegalArgumentException("adaptive KL needs target > 0 and horizon > 0, got target=" + target
                    + " horizon=" + horizon);
        }
        return new KlController(initCoef, target, horizon);
    }

    /** Whether the coefficient adapts. */
    public boolean isAdaptive() {
        return !Double.isNaN(target);
    }

    /** The current β. */
    public double coef() {
        return coef;
    }

    /** Sets β (used when resuming). */
    public void setCoef(double coef) {
        this.coef = coef;
    }

    /** Updates β from the KL measured over {@code samples} sequences (no-op when fixed). */
    public void update(double measuredKl, int samples) {
        if (!isAdaptive() || !Double.isFinite(measuredKl)) {
            return;
        }
        double e = Math.max(-0.2, Math.min(0.2, measuredKl / target - 1));
        coef *= 1 + e * samples / horizon;
    }
}
