package dev.plumbline.rlaif.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plumbline.rlaif.cli.Main;
import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.label.RuleJudge;
import dev.plumbline.rlaif.pipeline.GoldImprovesTest;
import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
 * Reduced versions (seconds each) of the failure-mode experiments, over one shared reduced demo
 * base run (SFT and pairs only), asserting the direction each experiment exists to show.
 */
class FailureModeExperimentsTest {
    @TempDir
    static Path dir;
    static Path base;
    /** The demo's 256 evaluation prompts: the reduced runs assert large effects, and 2048 would double their time. */
    static final ExperimentOptions FAST = ExperimentOptions.defaults().withEvalPrompts(256);
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @BeforeAll
    static void baseRun() throws Exception {
        base = dir.resolve("base");
        RlaifConfig c = GoldImprovesTest.reducedDemo();
        RlaifPipeline p = RlaifPipeline.open(base, c, QUIET);
        p.sft();
        p.samplePairs();
    }

    @Test
    void labelNoise_goldAndPreferenceAccuracyFallAsMoreLabelsAreFlipped() throws Exception {
        Map<String, Object> r = LabelNoiseExperiment.run(base, FAST.withValues(List.of(0.0, 0.4)),
                QUIET);
        System.out.println("label-noise: " + r);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> arms = (List<Map<String, Object>>) r.get("arms_all_labels");
        double acc0 = (Double) arms.get(0).get("rm_accuracy_vs_gold"), acc4 = (Double) arms.get(1).get("rm_accuracy_vs_gold");
        double gold0 = (Double) arms.get(0).get("gold_ppo"), gold4 = (Double) arms.get(1).get("gold_ppo");
        double agree0 = (Double) arms.get(0).get("labels_agree_with_gold"), agree4 = (Double) arms.get(1).get("labels_agree_with_gold");
        // 40% flips leave (1 - 0.4)·a + 0.4·(1 - a) agreement: about 0.55 for a ≈ 0.9
        assertEquals(0.6 * agree0 + 0.4 * (1 - agree0), agree4, 0.06, "flip rate shows in the labels: " + r);
        assertTrue(acc4 < acc0 - 0.1, "pθ learns the truth worse from noisier labels: " + r);
        assertTrue(gold4 < gold0, "and the policy trained on it ends worse by gold: " + r);
        Path root = base.resolve("experiments/label-noise");
        assertTrue(Files.readString(root.resolve("report.html")).contains("<svg"));
        JsonNode result = RlaifConfig.MAPPER.readTree(root.resolve("result.json").toFile());
        assertEquals(2, result.path("arms").size());
        assertEquals(96, result.path("label_budget").asInt(), "a quarter of the 384 pairs");
        assertEquals(96, RlaifConfig.MAPPER.readTree(root.resolve("eps-0.40/config.json").toFile()).path("rewardModel")
                .path("maxPairs").asInt());
    }

    @Test
    void lengthBias_lengthGrowsOnlyWithTheBiasedLabeler_andThePenaltyStopsIt() throws Exception {
        Map<String, Object> r = LengthBiasExperiment.run(base, FAST, QUIET);
        System.out.println("length-bias: " + r);
        double unbiased = (Double) r.get("length_growth_unbiased"), biased = (Double) r.get("length_growth_biased");
        double penalised = (Double) r.get("length_growth_biased_with_penalty");
        assertTrue(biased > 0.5, "the policy pads for a length-biased labeler: " + r);
        assertTrue(unbiased < biased - 0.5, "but not for an unbiased one: " + r);
        assertTrue(penalised < biased, "a length-penalised reward removes (some of) the incentive: " + r);
    }

    @Test
    void sycophancy_runsBothArmsAndReportsRates() throws Exception {
        Map<String, Object> r = SycophancyExperiment.run(base, FAST, QUIET);
        System.out.println("sycophancy: " + r);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> arms = (List<Map<String, Object>>) r.get("arms");
        for (Map<String, Object> a : arms) {
            for (String k : List.of("sycophancy_rate_sft", "sycophancy_rate_ppo")) {
                double v = (Double) a.get(k);
                assertTrue(v >= 0 && v <= 1, k + " " + a);
            }
        }
        assertEquals(arms.get(0).get("sycophancy_rate_sft"), arms.get(1).get("sycophancy_rate_sft"),
                "both arms start from the same SFT policy and evaluation prompts");
    }

    @Test
    void positionBias_measuredFromBothOrdersRecoversTheInjectedBias() throws Exception {
        List<PairRecord> pairs = Jsonl.read(base.resolve("pairs.jsonl"), PairRecord.class);
        List<PairRecord> many = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            many.addAll(pairs);     // each copy sits at other indices, so the judge draws fresh randomness for it
        }
        for (double p : new double[] {0.0, 0.2, 0.5}) {
            long seed = TestSeeds.seed("FailureModeExperimentsTest.positionBias_measuredFromBothOrdersRecoversTheInjectedBias/" + p);
            RuleJudge judge = RuleJudge.builder().seed(seed).positionBias(p).misjudgeRate(0.1)
                    .sharpness(8).tieMargin(0.05).build();
            PositionBiasExperiment.Measurement m = PositionBiasExperiment.measure(judge, many);
            assertEquals(2 * many.size(), m.queries());
            // 3000 queries: the 95% half-width is about 0.03, so 0.05 is "within a few points" with room
            assertEquals(p, m.estimate(), 0.05, "injected " + p + ", measured " + m);
            assertTrue(m.halfWidth() > 0.005 && m.halfWidth() < 0.05, m.toString());
        }
        Map<String, Object> r = PositionBiasExperiment.run(base, FAST.withValues(List.of(0.5)), QUIET);
        System.out.println("position-bias: " + r);
        @SuppressWarnings("unchecked")
        Map<String, Object> arm = ((List<Map<String, Object>>) r.get("arms")).get(0);
        assertEquals(0.5, (Double) arm.get("measured"), 0.08, r.toString());
        assertTrue(Files.exists(base.resolve("experiments/position-bias/p-0.50-both-orders/stages/eval.json")));
        assertTrue((Double) arm.get("labels_agree_with_gold_both_orders") > (Double) arm.get("labels_agree_with_gold"),
                "asking both orders removes the position picks from the labels: " + arm);
    }

    @Test
    void bootstrapping_moreGoldPairsMakeABetterJudge() throws Exception {
        Map<String, Object> r = BootstrappingExperiment.run(base, FAST.withValues(List.of(8.0, 160.0)),
                QUIET);
        System.out.println("bootstrapping: " + r);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> arms = (List<Map<String, Object>>) r.get("arms");
        double small = (Double) arms.get(0).get("judge_held_out_agreement"), large = (Double) arms.get(1).get("judge_held_out_agreement");
        assertTrue(large > small + 0.05, "a judge taught from 160 gold pairs beats one taught from 8: " + r);
        assertTrue(Double.isFinite((Double) arms.get(1).get("gold_ppo")), r.toString());
    }

    @Test
    void drift_changesOnlySecondHalfLabels_andTheTemplateSomeLabels() throws Exception {
        Map<String, Object> r = DriftExperiment.run(base, FAST, QUIET);
        System.out.println("drift: " + r);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> arms = (List<Map<String, Object>>) r.get("arms");
        Map<String, Object> stable = arms.get(0), drift = arms.get(1), template = arms.get(2);
        assertEquals(0.0, (Double) stable.get("labels_changed_second_half"));
        assertEquals(0.0, (Double) drift.get("labels_changed_first_half"), "same seed, same weights before the drift");
        assertTrue((Double) drift.get("labels_changed_second_half") > 0.1, r.toString());
        double t = ((Double) template.get("labels_changed_first_half") + (Double) template.get("labels_changed_second_half")) / 2;
        assertTrue(t > 0 && t < 0.5, "one added instruction tips some decisions, not most: " + r);
    }

    @Test
    void cliRunsAnExperimentAndRejectsUnknownNamesAndBadValues() throws Exception {
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"experiment", "no-such", "--run-dir", base.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, code);
        assertTrue(err.toString().contains("unknown experiment 'no-such'") && err.toString().contains("label-noise"),
                err.toString());
        err = new StringWriter();
        code = Main.run(new String[] {"experiment", "label-noise", "--run-dir", base.toString(), "--values", "0.7"},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, code);
        assertTrue(err.toString().contains("ε must lie in [0, 0.5], got 0.7"), err.toString());
    }
}
