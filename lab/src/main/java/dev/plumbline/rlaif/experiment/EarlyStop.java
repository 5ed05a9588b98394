// Early stopping of PPO on gold-free signals: ensemble disagreement and response-length drift.
package dev.plumbline.rlaif.experiment;

/**
 * Where a PPO run would have stopped had it watched two signals that need no gold labels: the pθ
 * ensemble's disagreement on the current samples ({@code reward/uncertainty}, when an ensemble was
 * used) rising above {@link OverOptimizationExperiment#DISAGREEMENT_LIMIT} times its value over the
 * first steps, and the mean response length drifting by more than
 * {@link OverOptimizationExperiment#LENGTH_DRIFT_LIMIT} (relative) from its start. Both are
 * averaged over three steps so one noisy batch does not trigger them.
 *
 * <pre>{@code
 * EarlyStop s = EarlyStop.find(armResult);
 * if (s.step() != null) System.out.println("stop at " + s.step() + ": " + s.reason());
 * }</pre>
 *
 * @param step   the 1-based PPO step at which a signal first crossed its limit, or null
 * @param reason which signal, e.g. "ensemble disagreement 1.62× start"
 */
public record EarlyStop(Integer step, String reason) {
    static final int WINDOW = 3;

    /** Scans an arm's PPO metrics. */
    public static EarlyStop find(ArmResult r) {
        double[] u = Series.smooth(r.series("reward/uncertainty"), WINDOW);
        double[] len = Series.smooth(r.series("val/mean_length"), WINDOW);
        double u0 = Series.head(r.series("reward/uncertainty"), WINDOW);
        double len0 = Series.head(r.series("val/mean_length"), WINDOW);
        for (int i = WINDOW; i < len.length; i++) {
            if (u0 > 0 && u[i] > OverOptimizationExperiment.DISAGREEMENT_LIMIT * u0) {
                return new EarlyStop(i + 1, String.format(java.util.Locale.ROOT, "ensemble disagreement %.2f× start",
                        u[i] / u0));
            }
            if (len0 > 0 && Math.abs(len[i] - len0) > OverOptimizationExperiment.LENGTH_DRIFT_LIMIT * len0) {
                return new EarlyStop(i + 1, String.format(java.util.Locale.ROOT, "length drift %+.0f%%",
                        100 * (len[i] - len0) / len0));
            }
        }
        return new EarlyStop(null, "no signal crossed its limit");
    }
}
