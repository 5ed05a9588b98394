// Reward kinds and penalties by hand with fixed-table scorers; the normalizer's fit/apply/JSON round trip.
package dev.plumbline.rlaif.reward;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RewardFunctionTest {

    static final RewardScorer M1 = PreferenceEnsembleTest.table(Map.of("abc", 1f, "ABCDE", 2f, "REF", 0.5f));
    static final RewardScorer M2 = PreferenceEnsembleTest.table(Map.of("abc", 3f, "ABCDE", -1f, "REF", 1.5f));
    static final List<String> P = List.of("x", "x");
    static final List<String> R = List.of("abc", "ABCDE");

    static double logSigmoid(double x) {
        return Math.log(1 / (1 + Math.exp(-x)));
    }

    @Test
    void rawAndLogSigmoidForOneModel() {
        var raw = RewardFunction.builder(RewardFunction.Kind.RAW).model(M1).build();
        assertArrayEquals(new double[] {1, 2}, raw.rewards(P, R), 1e-12, "RAW = f");
        var ls = RewardFunction.builder(RewardFunction.Kind.LOG_SIGMOID).model(M1).build();
        assertArrayEquals(new double[] {logSigmoid(1), logSigmoid(2)}, ls.rewards(P, R), 1e-12, "log σ(f)");
        assertEquals(-1000.0, RewardFunction.logSigmoid(-1000), 1e-9, "log σ is stable for large negative f");
    }

    @Test
    void logOddsVsReferenceWithPenaltiesForAnEnsemble() {
        var ens = new PreferenceEnsemble(List.of(M1, M2));
        var rf = RewardFunction.builder(RewardFunction.Kind.LOG_ODDS_VS_REFERENCE).ensemble(ens)
                .references(Map.of("x", "REF")).uncertaintyPenalty(0.5).lengthPenalty(0.1).build();
        // member g: abc → 1−0.5 = 0.5 and 3−1.5 = 1.5 (mean 1, std 0.5); ABCDE → 1.5 and −2.5 (mean −0.5, std 2)
        double r0 = 1 - 0.5 * 0.5 - 0.1 * 3;
        double r1 = -0.5 - 0.5 * 2 - 0.1 * 5;
        assertArrayEquals(new double[] {r0, r1}, rf.rewards(P, R), 1e-9, "mean − α·std − β·len");
        var e = assertThrows(IllegalArgumentException.class, () -> rf.rewards(List.of("y"), List.of("abc")));
        assertTrue(e.getMessage().contains("no reference response for prompt \"y\""), e.getMessage());
    }

    @Test
    void lengthPenaltyIgnoresTrailingEosText() {
        RewardScorer constant = (p, r) -> new float[r.size()];
        var rf = RewardFunction.builder(RewardFunction.Kind.RAW).model(constant).lengthPenalty(0.25).build();
        assertArrayEquals(new double[] {-0.75, -0.75}, rf.rewards(P, List.of("abc", "abc<eos>")), 1e-12, "−β·3 both times");
    }

    @Test
    void lengthOnlyIgnoresPthetaButStillReportsItsRawScores() {
        var ens = new PreferenceEnsemble(List.of(M1, M2));
        var rf = RewardFunction.builder(RewardFunction.Kind.LENGTH_ONLY).ensemble(ens).uncertaintyPenalty(0.5).build();
        RewardFunction.Evaluation e = rf.evaluate(P, R);
        assertArrayEquals(new double[] {3, 5}, e.rewards(), 1e-12, "r = len(y); every member agrees, so no std penalty");
        assertArrayEquals(new double[] {2, 0.5}, e.rawMean(), 1e-12, "pθ's own scores, (1+3)/2 and (2−1)/2");
    }

    @Test
    void settingsThatDoNotFitAreNamed() {
        var e1 = assertThrows(IllegalArgumentException.class,
                () -> RewardFunction.builder(RewardFunction.Kind.RAW).model(M1).uncertaintyPenalty(1).build());
        assertTrue(e1.getMessage().contains("needs an ensemble"), e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> RewardFunction.builder(RewardFunction.Kind.LOG_ODDS_VS_REFERENCE).model(M1).build());
        assertTrue(e2.getMessage().contains("needs reference responses"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> RewardFunction.builder(RewardFunction.Kind.RAW).build());
        assertTrue(e3.getMessage().contains("no model"), e3.getMessage());
    }

    @Test
    void normalizerFitApplyAndRoundTrip(@TempDir Path dir) throws Exception {
        RewardNormalizer n = RewardNormalizer.fit(new double[] {1, 2, 3, 6});
        assertEquals(3.0, n.mean(), 1e-12, "mean");
        assertEquals(Math.sqrt((4 + 1 + 0 + 9) / 4.0), n.std(), 1e-12, "population std");
        assertEquals(4, n.count(), "count");
        assertEquals((6 - 3) / Math.sqrt(3.5), n.apply(6), 1e-12, "(x − μ)/σ");
        assertArrayEquals(new double[] {-2 / Math.sqrt(3.5), 0}, n.apply(new double[] {1, 3}), 1e-12, "array apply");
        assertEquals(n, RewardNormalizer.fromJson(n.toJson()), "JSON round trip is exact");
        n.save(dir.resolve("norm.json"));
        assertEquals(n, RewardNormalizer.load(dir.resolve("norm.json")), "file round trip");
        var e1 = assertThrows(IllegalArgumentException.class, () -> RewardNormalizer.fit(new double[] {2, 2}));
        assertTrue(e1.getMessage().contains("std 0"), e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> RewardNormalizer.fromJson("{\"mean\": 1}"));
        assertTrue(e2.getMessage().contains("\"std\""), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> RewardNormalizer.fit(new double[0]));
        assertTrue(e3.getMessage().contains("no rewards"), e3.getMessage());
    }
}
