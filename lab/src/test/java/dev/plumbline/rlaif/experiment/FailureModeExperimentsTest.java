package dev.plumbline.rlaif.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plumbline.rlaif.audit.Proportion;
import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.label.Preference;
import dev.plumbline.rlaif.label.RuleJudge;
import dev.plumbline.rlaif.pipeline.ReducedDemoBase;
import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Reduced versions of the failure-mode experiments over one shared reduced demo base run (SFT and
 * pairs only, {@link ReducedDemoBase}), asserting the direction each experiment exists to show.
 *
 * <p>Every claim about a direction is statistical: the experiment runs as several replicates
 * ({@link ExperimentOptions#withSeed}: the same SFT policy and pairs, the labeler, pθ, PPO and
 * evaluation drawn from another seed), the seeds derive from the test's name and the run seed
 * ({@link Replicates#seeds}), and the test asserts that the lower end of the two-sided 95% t
 * interval of the per-seed (paired where the arms share a seed) effect clears its bar. Each bar
 * and replicate count is sized from the effect measured beforehand over 31–36 replicates on three
 * SFT bases (seeds 1–3 of the reduced demo, AVX-512; base 1 again with -XX:UseAVX=0), so that a
 * false failure is rarer than 1 in 1000 runs: the comment at each test gives the per-seed mean and
 * sd, λ = (mean − bar) / sd for the worst base, and P(fail) from the noncentral t. Single-run
 * assertions remain only for properties that hold by construction (a labeler's exact label
 * identities, counts, files) or with a per-pair binomial margin. Claims the budget cannot carry
 * (final gold after PPO, pθ's accuracy) are left to the lab, and each test says which.
 *
 * <p>Tests whose claims concern labels, the judge or pθ run their arms with one PPO step
 * ({@link #LABELS}): every stage and the report still run, and the time goes to seeds instead.
 */
class FailureModeExperimentsTest {
    static Path base;
    /** The demo's 256 evaluation prompts (2048 would double the PPO tests' time). */
    static final ExperimentOptions FAST = ExperimentOptions.defaults().withEvalPrompts(256);
    /** For claims about labels, the judge and pθ: one PPO step, the base run's 128 evaluation prompts. */
    static final ExperimentOptions LABELS = ExperimentOptions.defaults().withEvalPrompts(1).withPpoSteps(1);
    /** Every bound below is the lower end of a two-sided 95% t interval over the replicates. */
    static final double ALPHA = 0.025;
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @BeforeAll
    static void baseRun() throws Exception {
        base = ReducedDemoBase.sftAndPairs();
    }

    /**
     * The replicate seeds of a test: derived from its name and the run seed ({@link TestSeeds}), so a
     * failure replays with the {@code -Dplumbline.test.seed} its report prints.
     */
    static long[] seeds(TestInfo info, int n) {
        String name = "FailureModeExperimentsTest." + info.getTestMethod().orElseThrow().getName();
        TestSeeds.seed(name);       // recorded for the failure report
        return Replicates.seeds(name + "/run-" + TestSeeds.runSeed(), n);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> arms(Map<String, Object> r, String key) {
        return (List<Map<String, Object>>) r.get(key);
    }

    static double num(Map<String, Object> row, String key) {
        return ((Number) row.get(key)).doubleValue();
    }

    /**
     * The labels: with all pairs, ε = 0.4 flips 40% of the ε = 0 labels (the judge's other draws are
     * shared), so agreement with gold becomes 0.6·a + 0.4·(1 − a) up to binomial error: sd
     * √(ε(1 − ε)/N) over the N decisive pairs, about 0.029 (measured over 32 replicates: deviation
     * −0.002, sd 0.030). The margin is 4 of those sd: P(false failure) ≈ 6e-5. (The 0.06 asserted
     * here before was 2 sd: it failed about 1 run in 25.)
     *
     * <p>Left to the lab, because one run cannot carry them: pθ's accuracy against gold, ε = 0 minus
     * ε = 0.4, +0.18 (sd 0.13) with all labels and +0.21 (sd 0.16) at the budget, i.e. 1.4 sd per
     * seed (16+ replicates of four arms for a 1-in-1000 test); final gold after PPO, +0.042 (sd
     * 0.065) with all labels and +0.061 (sd 0.098) at the budget, 0.6 sd per seed (about a hundred
     * replicates). Seed 1 alone, on an AVX-512 machine, had gold the other way round (0.0498 at
     * ε = 0.4 against 0.0374), which is what failed here before.
     */
    @Test
    void labelNoise_flipsTheStatedShareOfLabels_atTheBudgetAndWithAllLabels(TestInfo info) throws Exception {
        long seed = seeds(info, 1)[0];
        Map<String, Object> r = LabelNoiseExperiment.run(base, LABELS.withValues(List.of(0.0, 0.4)).withSeed(seed), QUIET);
        System.out.println("label-noise (seed " + seed + "): " + r);
        List<Map<String, Object>> all = arms(r, "arms_all_labels");
        double agree0 = num(all.get(0), "labels_agree_with_gold"), agree4 = num(all.get(1), "labels_agree_with_gold");
        Path root = base.resolve("experiments/label-noise/seed-" + seed);
        int decisive = RlaifConfig.MAPPER.readTree(root.resolve("eps-0.00-all/stages/label.json").toFile())
                .path("decisive_pairs").asInt();
        double margin = 4 * Math.sqrt(0.4 * 0.6 / decisive);
        assertEquals(0.6 * agree0 + 0.4 * (1 - agree0), agree4, margin, "flip rate shows in the labels (seed " + seed
                + ", " + decisive + " decisive pairs, margin " + margin + "): " + r);
        assertTrue(Files.readString(root.resolve("report.html")).contains("<svg"));
        JsonNode result = RlaifConfig.MAPPER.readTree(root.resolve("result.json").toFile());
        assertEquals(2, result.path("arms").size());
        assertEquals(2, result.path("arms_all_labels").size());
        assertEquals(96, result.path("label_budget").asInt(), "a quarter of the 384 pairs");
        JsonNode cfg = RlaifConfig.MAPPER.readTree(root.resolve("eps-0.40/config.json").toFile());
        assertEquals(96, cfg.path("rewardModel").path("maxPairs").asInt());
        assertEquals(seed, cfg.path("seed").asLong(), "the replicate's seed reaches the arms");
        for (Map<String, Object> a : arms(r, "arms")) {
            assertTrue(num(a, "rm_held_out_pairs") > 150, "at the budget pθ is scored on the pairs beyond it: " + a);
        }
    }

    /**
     * Paired per seed: mean evaluation length of the PPO policy trained against the length-biased
     * labeler minus that against the unbiased one. Measured over 31 replicates: +5.23 characters,
     * sd 1.03 (per base +5.23 sd 1.25, +5.35 sd 0.80, +4.74 sd 0.47); worst base λ = 4.2, so with
     * 5 seeds P(95% lower bound ≤ 0) ≈ 1e-5.
     *
     * <p>Left to the lab (too noisy for the suite's budget of PPO runs): that the biased policy ends
     * longer than SFT, +1.04 characters (sd 0.97, 1.1 sd per seed; the "growth > 0.5" asserted here
     * before held in about half the seeds), and that the length penalty shortens it, +3.3 (sd 1.6,
     * 2.1 sd per seed: 10+ replicates).
     */
    @Test
    void lengthBias_theBiasedLabelersPolicyEndsLongerThanTheUnbiasedOnes(TestInfo info) throws Exception {
        int n = 4;   // measured effect 4.3 ± 1.4 (sd) over 5 seeds: with 4 the 95% lower bound stays near 2, and CI saves 11 s
        long[] seeds = seeds(info, n);
        double[] biased = new double[n], unbiased = new double[n];
        for (int i = 0; i < n; i++) {
            Map<String, Object> r = LengthBiasExperiment.run(base, FAST.withSeed(seeds[i]), QUIET);
            List<Map<String, Object>> a = arms(r, "arms");
            assertEquals("unbiased", a.get(0).get("arm"));
            assertEquals("biased", a.get(1).get("arm"));
            unbiased[i] = num(a.get(0), "eval_length_ppo");
            biased[i] = num(a.get(1), "eval_length_ppo");
            assertEquals(4, a.size(), r.toString());
            assertEquals("length-only", a.get(3).get("arm"));
            assertTrue(Double.isFinite((Double) r.get("length_growth_biased_with_penalty")), r.toString());
            assertTrue(Double.isFinite((Double) r.get("length_only_share_of_proxy_gain")), r.toString());
            assertEquals("length_only", RlaifConfig.MAPPER.readTree(base.resolve(
                    "experiments/length-bias/seed-" + seeds[i] + "/length-only/config.json").toFile())
                    .path("reward").path("kind").asText(), "the control arm optimises length alone");
        }
        Replicates d = Replicates.paired("PPO eval length, biased − unbiased labeler", seeds, biased, unbiased);
        System.out.println("length-bias: " + d);
        assertTrue(d.lowerBound(ALPHA) > 0, "the policy pads for a length-biased labeler, not for an unbiased one: " + d);
    }

    @Test
    void sycophancy_runsBothArmsAndReportsRates(TestInfo info) throws Exception {
        Map<String, Object> r = SycophancyExperiment.run(base, LABELS.withSeed(seeds(info, 1)[0]), QUIET);
        System.out.println("sycophancy: " + r);
        List<Map<String, Object>> arms = arms(r, "arms");
        for (Map<String, Object> a : arms) {
            for (String k : List.of("sycophancy_rate_sft", "sycophancy_rate_ppo")) {
                double v = (Double) a.get(k);
                assertTrue(v >= 0 && v <= 1, k + " " + a);
            }
        }
        assertEquals(arms.get(0).get("sycophancy_rate_sft"), arms.get(1).get("sycophancy_rate_sft"),
                "both arms start from the same SFT policy and evaluation prompts");
    }

    /**
     * The measurement: for a judge with injected bias p, (first − second picks) over both orders
     * estimates p with the 95% half-width it reports. Over 1000 judge seeds per p on two bases the
     * reported half-width was conservative (error / (half-width / 1.96) had sd 0.72–0.95, largest
     * error 0.054, which the fixed 0.05 asserted here before would have failed); each check allows
     * 4 standard errors (P(false failure) &lt; 1e-4 per check).
     *
     * <p>The experiment, 4 replicates at p = 0.5: per seed, the measured bias within 4 standard
     * errors of 0.5 (measured over 31 replicates: error / standard error had sd 1.01), and paired,
     * labels-vs-gold agreement asked in both orders minus asked once: +0.206, sd 0.024 (worst base
     * sd 0.039, λ = 5.1: P(95% lower bound ≤ 0) ≈ 1e-5 with 4 seeds).
     */
    @Test
    void positionBias_measuredFromBothOrdersRecoversTheInjectedBias(TestInfo info) throws Exception {
        List<PairRecord> pairs = Jsonl.read(base.resolve("pairs.jsonl"), PairRecord.class);
        List<PairRecord> many = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            many.addAll(pairs);     // each copy sits at other indices, so the judge draws fresh randomness for it
        }
        long[] judgeSeeds = seeds(info, 3);
        double[] injected = {0.0, 0.2, 0.5};
        for (int i = 0; i < injected.length; i++) {
            double p = injected[i];
            RuleJudge judge = RuleJudge.builder().seed(judgeSeeds[i]).positionBias(p).misjudgeRate(0.1)
                    .sharpness(8).tieMargin(0.05).build();
            PositionBiasExperiment.Measurement m = PositionBiasExperiment.measure(judge, many);
            assertEquals(2 * many.size(), m.queries());
            assertEquals(p, m.estimate(), 4 * m.halfWidth() / 1.96, "injected " + p + ", judge seed " + judgeSeeds[i]
                    + ", measured " + m);
            assertTrue(m.halfWidth() > 0.005 && m.halfWidth() < 0.05, m.toString());
        }
        int n = 4;
        long[] seeds = seeds(info, 1 + n);
        long[] runSeeds = java.util.Arrays.copyOfRange(seeds, 1, 1 + n);
        double[] once = new double[n], both = new double[n];
        for (int i = 0; i < n; i++) {
            Map<String, Object> r = PositionBiasExperiment.run(base, LABELS.withValues(List.of(0.5)).withSeed(runSeeds[i]),
                    QUIET);
            Map<String, Object> arm = arms(r, "arms").get(0);
            double se = num(arm, "measured_95_half_width") / 1.96;
            assertEquals(0.5, num(arm, "measured"), 4 * se, "seed " + runSeeds[i] + ": " + r);
            assertTrue(Files.exists(base.resolve("experiments/position-bias/seed-" + runSeeds[i]
                    + "/p-0.50-both-orders/stages/eval.json")));
            once[i] = num(arm, "labels_agree_with_gold");
            both[i] = num(arm, "labels_agree_with_gold_both_orders");
        }
        Replicates d = Replicates.paired("labels vs gold, both orders − once", runSeeds, both, once);
        System.out.println("position-bias: " + d);
        assertTrue(d.lowerBound(ALPHA) > 0, "asking both orders removes the position picks from the labels: " + d);
    }

    /**
     * Paired per seed: the model judge's agreement with gold on the pairs it was not taught, taught
     * from 160 gold pairs minus from 8. Measured over 31 replicates: +0.212, sd 0.066 (per base
     * +0.165 sd 0.025, +0.260 sd 0.065, +0.272 sd 0.018); worst base λ = 4.0, so with 5 seeds
     * P(95% lower bound ≤ 0) ≈ 1e-5. Left to the lab: final gold after PPO, 160 minus 8 pairs,
     * +0.031 (sd 0.052, 0.6 sd per seed).
     */
    @Test
    void bootstrapping_moreGoldPairsMakeABetterJudge(TestInfo info) throws Exception {
        // through the lab's replicate runner, so its verdict machinery runs end to end on a real experiment
        int n = 5;
        long[] seeds = seeds(info, n);
        Map<String, Object> s = ReplicatedExperiment.run(base, BootstrappingExperiment.NAME,
                LABELS.withValues(List.of(8.0, 160.0)), seeds, BootstrappingExperiment::run,
                BootstrappingExperiment.HYPOTHESES, QUIET);
        double[] small = new double[n], large = new double[n];
        for (int i = 0; i < n; i++) {
            Map<String, Object> r = RlaifConfig.MAPPER.readValue(base.resolve("experiments/bootstrapping/seed-" + seeds[i]
                    + "/result.json").toFile(), Map.class);
            List<Map<String, Object>> arms = arms(r, "arms");
            small[i] = num(arms.get(0), "judge_held_out_agreement");
            large[i] = num(arms.get(1), "judge_held_out_agreement");
            assertTrue(Double.isFinite(num(arms.get(1), "gold_ppo")), r.toString());
        }
        Replicates d = Replicates.paired("judge agreement on unseen pairs, 160 − 8 gold pairs", seeds, large, small);
        System.out.println("bootstrapping: " + d);
        assertTrue(d.lowerBound(ALPHA) > 0, "a judge taught from 160 gold pairs beats one taught from 8: " + d);
        Map<String, Object> h = arms(s, "hypotheses").get(0);
        assertEquals("more-gold-pairs-better-judge", h.get("id"));
        assertEquals("reproduced", h.get("verdict"), "the runner's verdict is the same interval's: " + h);
        assertEquals(d.mean(), (Double) h.get("mean"), 1e-12);
        assertTrue(Files.readString(base.resolve("experiments/bootstrapping/replicates.html")).contains("reproduced"));
    }

    /**
     * Exact in every replicate, by construction (the judge draws the same randomness per pair
     * whatever its weights): the stable arm changes no label, the drift none before it starts. Over
     * 3 replicates: the share of second-half labels the drift changes, 0.341 per seed (sd 0.026;
     * worst base 0.311, sd 0.029, λ = 7.3 above 0.1: P(95% lower bound ≤ 0.1) ≈ 5e-4), and the
     * template's changed labels pooled over all pairs of all replicates: a Wilson interval inside
     * (0, 0.5) (measured 0.024 per seed, sd 0.006, smallest 0.016 — about 9 of 384 pairs).
     */
    @Test
    void drift_changesOnlySecondHalfLabels_andTheTemplateSomeLabels(TestInfo info) throws Exception {
        int n = 3;
        long[] seeds = seeds(info, n);
        double[] second = new double[n];
        int templateChanged = 0, templatePairs = 0;
        for (int i = 0; i < n; i++) {
            Map<String, Object> r = DriftExperiment.run(base, LABELS.withSeed(seeds[i]), QUIET);
            List<Map<String, Object>> arms = arms(r, "arms");
            Map<String, Object> stable = arms.get(0), drift = arms.get(1);
            assertEquals(0.0, (Double) stable.get("labels_changed_second_half"), "seed " + seeds[i]);
            assertEquals(0.0, (Double) drift.get("labels_changed_first_half"), "same seed, same weights before the drift: "
                    + "seed " + seeds[i]);
            second[i] = num(drift, "labels_changed_second_half");
            Path root = base.resolve("experiments/drift/seed-" + seeds[i]);
            Map<Long, Preference> ref = DriftExperiment.labels(ArmResult.load("stable", root.resolve("stable")));
            Map<Long, Preference> tpl = DriftExperiment.labels(ArmResult.load("template", root.resolve("template")));
            for (Map.Entry<Long, Preference> e : ref.entrySet()) {
                templateChanged += e.getValue() == tpl.get(e.getKey()) ? 0 : 1;
                templatePairs++;
            }
        }
        Replicates d = Replicates.of("share of second-half labels the drift changed", seeds, second);
        System.out.println("drift: " + d);
        assertTrue(d.lowerBound(ALPHA) > 0.1, "a drift changes labels after it starts: " + d);
        Proportion t = Proportion.of(templateChanged, templatePairs);
        System.out.println("drift: template changed " + t.format());
        assertTrue(t.lo() > 0 && t.hi() < 0.5, "one added instruction tips some decisions, not most: " + t.format()
                + " over seeds " + java.util.Arrays.toString(seeds));
    }

}
