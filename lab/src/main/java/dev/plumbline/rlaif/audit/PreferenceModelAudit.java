// Audit of a trained preference model pθ: held-out accuracy against labeler and gold with intervals,
// calibration, and ensemble disagreement on policy samples vs labeled pairs (a distribution-shift signal).
package dev.plumbline.rlaif.audit;

import dev.plumbline.rlaif.reward.Calibration;
import dev.plumbline.rlaif.reward.PreferenceEnsemble;
import dev.plumbline.rlaif.reward.PreferenceExample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How well pθ (one model, or the mean probability of an ensemble) predicts held-out labels.
 *
 * <ul>
 *   <li>{@code accuracyVsLabeler}: P(chosen ≻ rejected) &gt; 0.5 over held-out pairs with a hard label.</li>
 *   <li>{@code accuracyVsGold}: pθ's preferred response is the gold-better one, over held-out pairs gold decides.</li>
 *   <li>Pairs where pθ says exactly 0.5 are left out of both (it expressed no preference).</li>
 *   <li>{@code calibrationVsLabeler}, {@code calibrationVsGold}: {@link Calibration#ofPairs} of P(chosen)
 *       against the label target, and against the gold verdict (pairs with gold known), 10 bins.</li>
 *   <li>{@code disagreement} (ensembles only, else null): per pair, the population std over members of
 *       σ(f_i(x, a) − f_i(x, b)) ({@link PreferenceEnsemble#disagreement}); its mean on policy samples
 *       divided by its mean on held-out labeled pairs. The members were fitted to data like the labeled
 *       pairs, so a ratio well above 1 says the policy's outputs have moved where pθ was never trained.</li>
 * </ul>
 *
 * <pre>{@code
 * PreferenceModelAudit a = PreferenceModelAudit.of(ensemble, heldOut,
 *         new PreferenceModelAudit.ResponsePairs(prompts, samplesA, samplesB));
 * a.accuracyVsGold().format();          // "0.882 [0.736, 0.953] (30/34)"
 * a.disagreement().ratio();             // 2.4: members disagree more on policy samples
 * }</pre>
 *
 * @param members              ensemble size (1 for a single model)
 * @param heldOutPairs         held-out examples evaluated
 * @param accuracyVsLabeler    agreement with the labeler's hard labels
 * @param accuracyVsGold       agreement with gold
 * @param calibrationVsLabeler reliability against the label target
 * @param calibrationVsGold    reliability against the gold verdict
 * @param disagreement         the distribution-shift signal; null for a single model or without policy pairs
 */
public record PreferenceModelAudit(int members, int heldOutPairs, Proportion accuracyVsLabeler, Proportion accuracyVsGold,
                                   Calibration calibrationVsLabeler, Calibration calibrationVsGold,
                                   Disagreement disagreement) {

    /** Pairs of responses to the same prompts, e.g. two samples per prompt from a policy. */
    public record ResponsePairs(List<String> prompts, List<String> a, List<String> b) {
        public ResponsePairs {
            if (prompts.size() != a.size() || prompts.size() != b.size()) {
                throw new IllegalArgumentException("ResponsePairs: " + prompts.size() + " prompts, " + a.size() + " a, "
                        + b.size() + " b");
            }
            prompts = List.copyOf(prompts);
            a = List.copyOf(a);
            b = List.copyOf(b);
        }

        /** The (chosen, rejected) pairs of labeled examples. */
        public static ResponsePairs of(List<PreferenceExample> examples) {
            List<String> p = new ArrayList<>(), a = new ArrayList<>(), b = new ArrayList<>();
            for (PreferenceExample e : examples) {
                p.add(e.prompt());
                a.add(e.chosen());
                b.add(e.rejected());
            }
            return new ResponsePairs(p, a, b);
        }

        /** Number of pairs. */
        public int size() {
            return prompts.size();
        }
    }

    /**
     * Ensemble disagreement (std over members of the pairwise probability) on two sets of pairs.
     *
     * @param labeledPairs   held-out labeled pairs measured
     * @param policyPairs    policy-sample pairs measured
     * @param meanOnLabeled  mean disagreement on held-out labeled pairs (in distribution)
     * @param meanOnPolicy   mean disagreement on policy samples
     * @param ratio          meanOnPolicy / meanOnLabeled (NaN when meanOnLabeled is 0)
     * @param p90OnLabeled   90th percentile on labeled pairs
     * @param p90OnPolicy    90th percentile on policy pairs
     */
    public record Disagreement(int labeledPairs, int policyPairs, double meanOnLabeled, double meanOnPolicy, double ratio,
                               double p90OnLabeled, double p90OnPolicy) {
    }

    /**
     * Audits {@code model} on {@code heldOut}; with more than one member and non-empty {@code policyPairs},
     * also measures disagreement on them against disagreement on {@code heldOut}.
     *
     * @param policyPairs pairs of policy samples, or null
     */
    public static PreferenceModelAudit of(PreferenceEnsemble model, List<PreferenceExample> heldOut, ResponsePairs policyPairs) {
        if (model == null || heldOut == null) throw new IllegalArgumentException("PreferenceModelAudit.of: model and heldOut must not be null");
        int n = heldOut.size();
        double[] p = new double[0];
        if (n > 0) {
            ResponsePairs pairs = ResponsePairs.of(heldOut);
            p = model.probability(pairs.prompts(), pairs.a(), pairs.b());
        }
        Proportion.Counter labeler = new Proportion.Counter(), gold = new Proportion.Counter();
        double[] targets = new double[n], goldP = new double[n], goldY = new double[n];
        int goldKnown = 0;
        for (int i = 0; i < n; i++) {
            PreferenceExample e = heldOut.get(i);
            targets[i] = e.labelTarget();
            boolean prefersChosen = p[i] > 0.5;
            if (p[i] != 0.5 && !e.isTie()) labeler.add(prefersChosen);
            Double g = e.goldChosenBetter();
            if (g != null) {
                goldP[goldKnown] = p[i];
                goldY[goldKnown++] = g;
                if (g != 0.5 && p[i] != 0.5) gold.add(prefersChosen == (g == 1.0));
            }
        }
        Calibration vsLabeler = Calibration.ofPairs(p, targets, Calibration.DEFAULT_BINS);
        Calibration vsGold = Calibration.ofPairs(Arrays.copyOf(goldP, goldKnown), Arrays.copyOf(goldY, goldKnown),
                Calibration.DEFAULT_BINS);
        Disagreement d = null;
        if (model.size() > 1 && policyPairs != null && policyPairs.size() > 0 && n > 0) {
            ResponsePairs labeled = ResponsePairs.of(heldOut);
            double[] onLabeled = model.disagreement(labeled.prompts(), labeled.a(), labeled.b());
            double[] onPolicy = model.disagreement(policyPairs.prompts(), policyPairs.a(), policyPairs.b());
            double ml = mean(onLabeled), mp = mean(onPolicy);
            d = new Disagreement(onLabeled.length, onPolicy.length, ml, mp, ml == 0 ? Double.NaN : mp / ml,
                    quantile(onLabeled, 0.9), quantile(onPolicy, 0.9));
        }
        return new PreferenceModelAudit(model.size(), n, labeler.proportion(), gold.proportion(), vsLabeler, vsGold, d);
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    /** The q-quantile by linear interpolation between order statistics (q·(n−1)); NaN when empty. */
    static double quantile(double[] v, double q) {
        if (v.length == 0) return Double.NaN;
        double[] s = v.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }
}
