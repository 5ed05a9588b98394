// Ensemble mean/std/disagreement against hand computation with fixed-table members, and bootstrap training.
package dev.plumbline.rlaif.reward;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class PreferenceEnsembleTest {

    /** A member that scores from a table keyed by response. */
    static RewardScorer table(Map<String, Float> f) {
        return (prompts, responses) -> {
            float[] out = new float[responses.size()];
            for (int i = 0; i < out.length; i++) out[i] = f.get(responses.get(i));
            return out;
        };
    }

    static final RewardScorer M1 = table(Map.of("a", 1f, "b", 0f));
    static final RewardScorer M2 = table(Map.of("a", 3f, "b", 0f));
    static final RewardScorer M3 = table(Map.of("a", 2f, "b", 2f));

    @Test
    void meanAndStdByHand() {
        var ens = new PreferenceEnsemble(List.of(M1, M2, M3));
        var s = ens.scores(List.of("x", "x"), List.of("a", "b"));
        assertEquals(2.0, s.mean()[0], 1e-12, "mean of 1, 3, 2");
        assertEquals(Math.sqrt(2.0 / 3), s.std()[0], 1e-12, "population std of 1, 3, 2");
        assertEquals(2.0 / 3, s.mean()[1], 1e-12, "mean of 0, 0, 2");
        assertEquals(Math.sqrt((4.0 / 9 * 2 + 16.0 / 9) / 3), s.std()[1], 1e-12, "population std of 0, 0, 2");
        assertArrayEquals(new float[] {2f, 2f / 3}, ens.score(List.of("x", "x"), List.of("a", "b")), 1e-6f, "score() is the mean");
    }

    @Test
    void disagreementIsStdOfMemberProbabilities() {
        var ens = new PreferenceEnsemble(List.of(M1, M2, M3));
        double p1 = 1 / (1 + Math.exp(-1)), p2 = 1 / (1 + Math.exp(-3)), p3 = 0.5;
        double mean = (p1 + p2 + p3) / 3;
        double std = Math.sqrt(((p1 - mean) * (p1 - mean) + (p2 - mean) * (p2 - mean) + (p3 - mean) * (p3 - mean)) / 3);
        assertEquals(mean, ens.probability(List.of("x"), List.of("a"), List.of("b"))[0], 1e-9, "mean probability");
        assertEquals(std, ens.disagreement(List.of("x"), List.of("a"), List.of("b"))[0], 1e-9, "disagreement");
        assertEquals(0.0, new PreferenceEnsemble(List.of(M1)).disagreement(List.of("x"), List.of("a"), List.of("b"))[0],
                "one member never disagrees");
    }

    @Test
    void trainsMembersOnDifferentBootstrapResamples() {
        var data = SyntheticPairs.casePaddingPairs(2, 0, 40);
        var cfg = PreferenceModelTrainer.Config.defaults().withEpochs(1).withHeldOutFraction(0.25).withSeed(3);
        var ens = PreferenceEnsemble.train(2, i -> new PreferenceModel(PreferenceModelTrainerTest.TINY, 100 + i), data, cfg);
        assertEquals(2, ens.size(), "k members");
        assertEquals(2, ens.reports().size(), "a report per member");
        assertEquals(10, ens.reports().get(0).heldOutPairs(), "same held-out pairs for every member");
        var s = ens.scores(List.of("up abc"), List.of("ABC"));
        assertTrue(s.std()[0] > 0, "different seeds and resamples give different members");
        var boot = PreferenceEnsemble.bootstrap(data, new java.util.SplittableRandom(1));
        assertEquals(data.size(), boot.size(), "bootstrap keeps n");
        assertTrue(new java.util.HashSet<>(boot).size() < data.size(), "bootstrap draws with replacement");
        var e = assertThrows(IllegalArgumentException.class, () -> new PreferenceEnsemble(List.of()));
        assertTrue(e.getMessage().contains("no members"), e.getMessage());
    }
}
