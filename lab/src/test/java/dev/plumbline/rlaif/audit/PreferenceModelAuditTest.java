// PreferenceModelAudit on fake scorers (f = response length, f = 0) with hand-computed accuracies, ECE and disagreement.
package dev.plumbline.rlaif.audit;

import static org.junit.jupiter.api.Assertions.*;

import dev.plumbline.rlaif.reward.PreferenceEnsemble;
import dev.plumbline.rlaif.reward.PreferenceExample;
import dev.plumbline.rlaif.reward.RewardScorer;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreferenceModelAuditTest {
    /** f(x, y) = number of characters of y. */
    private static final RewardScorer LENGTH = (prompts, responses) -> {
        float[] f = new float[responses.size()];
        for (int i = 0; i < f.length; i++) f[i] = responses.get(i).length();
        return f;
    };
    /** f(x, y) = 0: P(a ≻ b) = 0.5 always. */
    private static final RewardScorer ZERO = (prompts, responses) -> new float[responses.size()];

    /** Length differences 2, -1, 0 between chosen and rejected; gold 1, 0, unknown. */
    private static final List<PreferenceExample> HELD_OUT = List.of(
            new PreferenceExample("q", "aaa", "a", 1.0),
            new PreferenceExample("q", "a", "aa", 0.0),
            new PreferenceExample("q", "bb", "cc", null));

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void accuracyAndCalibrationOfOneModel() {
        PreferenceModelAudit a = PreferenceModelAudit.of(new PreferenceEnsemble(List.of(LENGTH)), HELD_OUT, null);
        assertEquals(1, a.members(), "one member");
        assertEquals(3, a.heldOutPairs(), "held-out pairs");
        // p = σ(2) > 0.5 agrees with the label, σ(-1) does not, 0.5 is left out
        assertEquals(Proportion.of(1, 2), a.accuracyVsLabeler(), "agreement with the labeler");
        // pair 1: prefers chosen, gold 1; pair 2: prefers rejected, gold 0 (rejected better)
        assertEquals(Proportion.of(2, 2), a.accuracyVsGold(), "agreement with gold");
        // both orders: (σ2,1) (σ-1,1) (.5,1) (1-σ2,0) (1-σ-1,0) (.5,0): ECE = (2(1-σ(2)) + 2σ(1) + 0) / 6
        double ece = (2 * (1 - sigmoid(2)) + 2 * sigmoid(1)) / 6;
        assertEquals(0.2834205002173742, ece, 1e-12, "hand value of the formula");
        assertEquals(ece, a.calibrationVsLabeler().ece(), 1e-6, "ECE against the labeler");
        assertEquals(2, a.calibrationVsLabeler().bins().get(5).count(), "the two 0.5 predictions share bin 5");
        assertEquals(4, a.calibrationVsGold().bins().stream().mapToInt(b -> b.count()).sum(), "gold known on 2 pairs, both orders");
        assertNull(a.disagreement(), "a single model has no disagreement");
    }

    @Test
    void ensembleDisagreementOnPolicySamplesVsLabeledPairs() {
        PreferenceEnsemble two = new PreferenceEnsemble(List.of(LENGTH, ZERO));
        // policy pairs differ in length by 3 each
        var policy = new PreferenceModelAudit.ResponsePairs(List.of("q", "r"), List.of("aaaa", "bbbb"), List.of("a", "b"));
        PreferenceModelAudit a = PreferenceModelAudit.of(two, HELD_OUT, policy);
        // std of {σ(d), 0.5} = |σ(d) - 0.5| / 2 per pair
        double onLabeled = (Math.abs(sigmoid(2) - 0.5) / 2 + Math.abs(sigmoid(-1) - 0.5) / 2 + 0) / 3;
        double onPolicy = Math.abs(sigmoid(3) - 0.5) / 2;
        assertEquals(0.1019759427679812, onLabeled, 1e-12, "hand value, labeled");
        assertEquals(onLabeled, a.disagreement().meanOnLabeled(), 1e-6, "mean disagreement on labeled pairs");
        assertEquals(onPolicy, a.disagreement().meanOnPolicy(), 1e-6, "mean disagreement on policy pairs");
        assertEquals(2.2190239900607924, a.disagreement().ratio(), 1e-5, "policy / labeled");
        // sorted labeled disagreements [0, 0.1155, 0.1904]: position 0.9·2 = 1.8
        assertEquals(0.17542468905415343, a.disagreement().p90OnLabeled(), 1e-6, "90th percentile");
        assertEquals(3, a.disagreement().labeledPairs(), "labeled pairs counted");
        assertEquals(2, a.disagreement().policyPairs(), "policy pairs counted");
        // the ensemble's mean probability: (σ(2)+.5)/2 > .5, (σ(-1)+.5)/2 < .5 → same accuracy
        assertEquals(Proportion.of(1, 2), a.accuracyVsLabeler(), "mean-probability accuracy");
    }

    @Test
    void quantileInterpolates() {
        assertEquals(2.5, PreferenceModelAudit.quantile(new double[] {4, 1, 2, 3}, 0.5), 1e-12, "median of 1..4");
        assertTrue(Double.isNaN(PreferenceModelAudit.quantile(new double[0], 0.9)), "empty: NaN");
    }
}
