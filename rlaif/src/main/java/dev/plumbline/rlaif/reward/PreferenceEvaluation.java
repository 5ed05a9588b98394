// How a preference model does on a set of labeled pairs: loss, agreement with labeler and gold, calibration.
package dev.plumbline.rlaif.reward;

/**
 * Evaluation of P(chosen ≻ rejected) = σ(f_c − f_r) on labeled pairs.
 *
 * <ul>
 *   <li>{@code accuracy}: over hard-labelled pairs (target 1), the fraction with P(chosen) &gt; 0.5
 *       (exactly 0.5 counts one half); NaN when there are none.</li>
 *   <li>{@code goldAccuracy}: over pairs whose gold verdict is 1 or 0, the fraction where
 *       P(chosen) &gt; 0.5 matches gold (0.5 counts one half); NaN when there are none.</li>
 *   <li>{@code calibration}: {@link Calibration#ofPairs} of P(chosen) against the label target
 *       (ties included as 0.5), 10 bins.</li>
 *   <li>{@code goldCalibration}: the same against the gold verdict, over pairs with gold known.</li>
 *   <li>{@code loss}: mean BT negative log-likelihood of the label target, without margin.</li>
 * </ul>
 *
 * @param pairs           pairs evaluated
 * @param loss            mean −[t·log p + (1−t)·log(1−p)]
 * @param accuracy        agreement with the labeler
 * @param goldAccuracy    agreement with gold
 * @param goldPairs       pairs counted in goldAccuracy
 * @param calibration     against the labeler
 * @param goldCalibration against gold
 * @param probabilities   P(chosen) per pair, in input order
 */
public record PreferenceEvaluation(int pairs, double loss, double accuracy, double goldAccuracy, int goldPairs,
                                   Calibration calibration, Calibration goldCalibration, double[] probabilities) {

    /** Computes every field from P(chosen) per pair and the examples it belongs to. */
    public static PreferenceEvaluation of(java.util.List<PreferenceExample> examples, double[] pChosen) {
        int n = examples.size();
        if (pChosen.length != n) {
            throw new IllegalArgumentException("evaluation: " + n + " examples but " + pChosen.length + " probabilities");
        }
        double loss = 0, hits = 0, goldHits = 0;
        int hard = 0, gold = 0;
        double[] targets = new double[n];
        double[] goldP = new double[n], goldY = new double[n];
        for (int i = 0; i < n; i++) {
            PreferenceExample e = examples.get(i);
            double p = pChosen[i], t = e.labelTarget();
            targets[i] = t;
            // clamp keeps the loss finite when a float score gap saturates σ
            double pc = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
            loss -= t * Math.log(pc) + (1 - t) * Math.log(1 - pc);
            double agree = p > 0.5 ? 1 : p == 0.5 ? 0.5 : 0;
            if (t == 1) {
                hard++;
                hits += agree;
            }
            Double g = e.goldChosenBetter();
            if (g != null) {
                goldP[gold] = p;
                goldY[gold] = g;
                if (g != 0.5) goldHits += g == 1 ? agree : 1 - agree;
                gold++;
            }
        }
        int goldDecided = 0;
        for (PreferenceExample e : examples) if (e.goldChosenBetter() != null && e.goldChosenBetter() != 0.5) goldDecided++;
        return new PreferenceEvaluation(n, n == 0 ? Double.NaN : loss / n, hard == 0 ? Double.NaN : hits / hard,
                goldDecided == 0 ? Double.NaN : goldHits / goldDecided, goldDecided,
                Calibration.ofPairs(pChosen, targets, Calibration.DEFAULT_BINS),
                Calibration.ofPairs(java.util.Arrays.copyOf(goldP, gold), java.util.Arrays.copyOf(goldY, gold),
                        Calibration.DEFAULT_BINS),
                pChosen.clone());
    }
}
