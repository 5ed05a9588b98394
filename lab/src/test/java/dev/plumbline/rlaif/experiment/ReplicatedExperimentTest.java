package dev.plumbline.rlaif.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The lab's verdict machinery on synthetic replicates with known effects: intervals cover the true
 * effect at their nominal rate, a null effect is called inconclusive (and wrongly reproduced about
 * 2.5% of the time, as a two-sided 95% interval must), the detectable-effect figure is the effect
 * found with 80% power, and the replicated runner writes its summary end to end.
 */
class ReplicatedExperimentTest {
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    /** One replicate's result map: arms "control" and "treated" with metric m = base + effect + noise. */
    static Map<String, Object> fakeResult(Random rnd, double effect, double sd) {
        double shared = rnd.nextGaussian();             // the replicate's own level, shared by both arms (paired)
        Map<String, Object> control = new LinkedHashMap<>(), treated = new LinkedHashMap<>();
        control.put("arm", "control");
        control.put("m", shared + sd / Math.sqrt(2) * rnd.nextGaussian());
        treated.put("arm", "treated");
        treated.put("m", shared + effect + sd / Math.sqrt(2) * rnd.nextGaussian());
        treated.put("label", "not a number: skipped");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("arms", List.of(control, treated));
        return r;
    }

    static final Hypothesis RAISES = Hypothesis.armDifference("raises", "treatment raises m", "synthetic", "arms", 1, 0,
            "m", Hypothesis.Direction.HIGHER);
    static final Hypothesis LOWERS = Hypothesis.armDifference("lowers", "treatment lowers m", "synthetic", "arms", -1, 0,
            "m", Hypothesis.Direction.LOWER);

    /** Verdicts of {@code trials} simulated experiments of n replicates each: {reproduced, contradicted, inconclusive, covered}. */
    static int[] simulate(String name, int trials, int n, double effect, double sd, Hypothesis h) {
        Random rnd = TestSeeds.random(name);
        int[] counts = new int[4];
        long[] seeds = new long[n];
        for (int t = 0; t < trials; t++) {
            List<Map<String, Object>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                results.add(fakeResult(rnd, effect, sd));
            }
            Map<String, Object> s = ReplicatedExperiment.summarise("synthetic", seeds, results, List.of(h));
            @SuppressWarnings("unchecked")
            Map<String, Object> hs = ((List<Map<String, Object>>) s.get("hypotheses")).get(0);
            switch ((String) hs.get("verdict")) {
                case "reproduced" -> counts[0]++;
                case "contradicted" -> counts[1]++;
                default -> counts[2]++;
            }
            List<?> ci = (List<?>) hs.get("ci95");
            if ((Double) ci.get(0) <= effect && effect <= (Double) ci.get(1)) {
                counts[3]++;
            }
        }
        return counts;
    }

    @Test
    void intervalsCoverTheTrueEffectAbout95PercentOfTheTime() {
        int trials = 4000;
        for (int n : new int[] {3, 5, 10}) {
            int[] c = simulate("ReplicatedExperimentTest.coverage/" + n, trials, n, 0.7, 1.0, RAISES);
            double coverage = c[3] / (double) trials;
            // binomial sd of the coverage is sqrt(.95·.05/4000) = 0.0034: 5 sd either side
            assertEquals(0.95, coverage, 0.017, "n " + n + ": coverage " + coverage + " (" + TestSeeds.runDescription() + ")");
        }
    }

    @Test
    void aNullEffectIsInconclusiveAndWrongVerdictsAreRare() {
        int trials = 4000;
        int[] c = simulate("ReplicatedExperimentTest.null", trials, 5, 0.0, 1.0, RAISES);
        double reproduced = c[0] / (double) trials, contradicted = c[1] / (double) trials;
        // each tail of a two-sided 95% interval: 2.5% (binomial sd 0.0025, so 5 sd is 0.0123)
        assertEquals(0.025, reproduced, 0.0123, "false 'reproduced' rate " + reproduced);
        assertEquals(0.025, contradicted, 0.0123, "false 'contradicted' rate " + contradicted);
        assertEquals(0.95, c[2] / (double) trials, 0.017);
    }

    @Test
    void theDetectableEffectIsFoundWithAbout80PercentPower() {
        // n = 10, sd 1: minimumDetectableEffect = (t(.975, 9) + t(.8, 9))·1/√10 = (2.2622 + 0.8834)/3.1623 = 0.9947 (in sd units)
        Replicates unit = Replicates.of("sd 1", new long[10], new double[] {-1.5, -1, -0.5, 0, 0, 0, 0, 0.5, 1, 1.5});
        double scale = unit.sd();
        double mde = unit.minimumDetectableEffect(0.95, 0.8) / scale;
        assertEquals((2.262157 + 0.883404) / Math.sqrt(10), mde, 1e-6, "t(.975, 9) = 2.262157, t(.8, 9) = 0.883404 (scipy)");
        int trials = 3000;
        int[] c = simulate("ReplicatedExperimentTest.power", trials, 10, mde, 1.0, RAISES);
        double power = c[0] / (double) trials;
        // the noncentral t gives 0.799 here (scipy.stats.nct); binomial sd of the estimate 0.0073
        assertTrue(power > 0.72 && power < 0.86, "power at the detectable effect: " + power);
        int[] down = simulate("ReplicatedExperimentTest.power.lower", trials, 10, -mde, 1.0, LOWERS);
        assertTrue(down[0] / (double) trials > 0.72, "a predicted decrease is found alike: " + down[0]);
    }

    @Test
    void pValueAndIntervalMatchScipy() {
        // scipy.stats.ttest_1samp([1, 2, 3, 4, 5], 0): t = 4.242641, p = 0.0132356; t.ppf(.975, 4) = 2.7764451
        Replicates r = Replicates.of("x", new long[5], new double[] {1, 2, 3, 4, 5});
        assertEquals(0.0132356, r.pValue(), 1e-6);
        double h = 2.7764451 * Math.sqrt(2.5) / Math.sqrt(5);
        assertArrayEquals(new double[] {3 - h, 3 + h}, r.interval(0.95), 1e-6);
        assertEquals(1.0, Replicates.of("zero", new long[3], new double[] {0, 0, 0}).pValue());
        assertTrue(Double.isNaN(Replicates.of("one", new long[1], new double[] {1}).pValue()));
    }

    @Test
    void verdictsFollowTheIntervalAndMissingValuesAreInconclusive() {
        long[] seeds = {1, 2, 3};
        assertEquals(Hypothesis.Verdict.REPRODUCED, RAISES.verdict(Replicates.of("e", seeds, new double[] {1, 1.1, 0.9})));
        assertEquals(Hypothesis.Verdict.CONTRADICTED, RAISES.verdict(Replicates.of("e", seeds, new double[] {-1, -1.1, -0.9})));
        assertEquals(Hypothesis.Verdict.REPRODUCED, LOWERS.verdict(Replicates.of("e", seeds, new double[] {-1, -1.1, -0.9})));
        assertEquals(Hypothesis.Verdict.INCONCLUSIVE, RAISES.verdict(Replicates.of("e", seeds, new double[] {1, -1, 0.5})));
        assertEquals(Hypothesis.Verdict.INCONCLUSIVE, RAISES.verdict(Replicates.of("e", seeds, new double[] {1, Double.NaN, 1})));
        assertEquals(Hypothesis.Verdict.INCONCLUSIVE, RAISES.verdict(Replicates.of("e", new long[1], new double[] {5})));
        Map<String, Object> noArms = Map.of("arms", List.of());
        assertTrue(Double.isNaN(RAISES.measure().applyAsDouble(noArms)), "a missing arm reads as NaN, not an exception");
    }

    @Test
    void theReplicatedRunnerRunsEverySeedAndWritesItsSummary(@TempDir Path base) throws Exception {
        Files.writeString(base.resolve("config.json"), "{\"seed\": 7}");
        List<Long> seen = new ArrayList<>();
        ReplicatedExperiment.Runner fake = (dir, o, log) -> {
            seen.add(o.seed());
            Random rnd = new Random(o.seed());
            return fakeResult(rnd, 3.0, 0.1);             // a large effect: reproduced with 4 replicates
        };
        Map<String, Object> s = ReplicatedExperiment.run(base, "synthetic", ExperimentOptions.defaults(), 4, fake,
                List.of(RAISES, LOWERS), QUIET);
        long[] expected = ReplicatedExperiment.seedsFor(base, "synthetic", 4);
        assertEquals(4, seen.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], seen.get(i), "replicate " + i + " ran with its seed");
        }
        assertArrayEquals(expected, ReplicatedExperiment.seedsFor(base, "synthetic", 4), "seeds are a function of name and base seed");
        assertFalse(java.util.Arrays.equals(expected, Replicates.seeds("synthetic/base-seed-8", 4)), "another base, other seeds");
        JsonNode j = RlaifConfig.MAPPER.readTree(base.resolve("experiments/synthetic/replicates.json").toFile());
        assertEquals(4, j.path("replicates").asInt());
        assertEquals("reproduced", j.path("hypotheses").get(0).path("verdict").asText());
        assertEquals("contradicted", j.path("hypotheses").get(1).path("verdict").asText());
        assertEquals(4, j.path("hypotheses").get(0).path("per_seed").size());
        JsonNode arm = j.path("arms").path("arms").get(1);
        assertEquals("treated", arm.path("arm").asText());
        assertTrue(arm.path("m").path("lo").asDouble() < arm.path("m").path("mean").asDouble());
        assertTrue(arm.path("label").isMissingNode(), "non-numeric fields are not summarised");
        String html = Files.readString(base.resolve("experiments/synthetic/replicates.html"));
        assertTrue(html.contains("reproduced") && html.contains("contradicted") && html.contains("treatment raises m"), html);
        assertThrows(IllegalArgumentException.class, () -> ReplicatedExperiment.run(base, "synthetic",
                ExperimentOptions.defaults(), 1, fake, List.of(RAISES), QUIET), "one seed has no interval");
    }
}
