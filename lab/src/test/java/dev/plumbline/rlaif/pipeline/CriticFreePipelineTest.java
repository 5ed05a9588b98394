package dev.plumbline.rlaif.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plumbline.rlaif.ppo.RewardSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.plumbline.rlaif.pipeline.PipelineEndToEndTest.numbers;
import static org.junit.jupiter.api.Assertions.*;

/**
 * RLOO, GRPO, online DPO and direct RLAIF as the pipeline's policy optimiser: every stage runs,
 * metrics carry the shared names and the algorithm's own (TRL's), KL starts at 0 (the policy starts as π_ref and log-probs
 * are recomputed exactly), the run is reproducible, and a crash mid-stage resumes from the
 * checkpoint to the same numbers as an uninterrupted run.
 */
class CriticFreePipelineTest {

    static RlaifConfig tiny(String algorithm) {
        RlaifConfig c = PipelineEndToEndTest.tiny();
        c.algorithm = algorithm;
        c.rloo.numGenerations = 4;
        c.grpo.numGenerations = 4;
        c.ppo.steps = 4;           // checkpoints every step
        return c;
    }

    @ParameterizedTest
    @ValueSource(strings = {"rloo", "grpo", "online-dpo", "d-rlaif"})
    void everyStageRunsWithTheCriticFreeOptimiser(String algorithm, @TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        RlaifPipeline.open(run, tiny(algorithm), quiet()).runAll();
        assertTrue(Files.exists(run.resolve("ppo/model.safetensors")));
        assertTrue(Files.exists(run.resolve("eval.json")) && Files.exists(run.resolve("report.html")));
        assertFalse(Files.exists(run.resolve("ppo/checkpoint/critic.safetensors")), "no critic without PPO");
        JsonNode done = RlaifConfig.MAPPER.readTree(run.resolve("stages/ppo.json").toFile());
        assertEquals(algorithm, done.get("algorithm").asText());
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(4, lines.size());
        JsonNode first = RlaifConfig.MAPPER.readTree(lines.get(0));
        List<String> keys = new ArrayList<>(List.of("objective/kl", "objective/scores", "objective/entropy",
                "policy/clipfrac_avg", "loss/policy_avg", "val/mean_length", "gold/score", "kl_coef"));
        keys.addAll(switch (algorithm) {
            case "rloo" -> List.of("objective/rlhf_reward", "objective/non_score_reward", "policy/approxkl_avg", "val/ratio");
            case "grpo" -> List.of("reward", "reward_std", "frac_reward_zero_std", "kl", "completions/mean_length",
                    "clip_ratio/region_mean");
            case "online-dpo" -> List.of("rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins",
                    "logps/chosen", "logps/rejected", "objective/scores_margin", "beta", "online_dpo/pairs_used");
            default -> List.of("judge/win_rate_vs_ref", "judge/failed", "objective/rlhf_reward", "val/ratio");
        });
        for (String k : keys) {
            assertTrue(first.has(k) && Double.isFinite(first.get(k).asDouble()), "metrics lack a finite " + k + ": " + first);
        }
        assertEquals(0.0, first.get("objective/kl").asDouble(), 1e-5, "π starts as π_ref");
        if (algorithm.equals("d-rlaif")) {
            double p = first.get("objective/raw_scores").asDouble();
            assertTrue(p >= 0 && p <= 1, "the raw score is the judge's P(y ≻ y_ref), not pθ's: " + p);
            assertEquals(p, first.get("judge/win_rate_vs_ref").asDouble(), 1e-6);
        }
        Path again = dir.resolve("again");
        RlaifPipeline.open(again, tiny(algorithm), quiet()).runAll();
        assertEquals(numbers(run.resolve("metrics.jsonl")), numbers(again.resolve("metrics.jsonl")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rloo", "grpo", "online-dpo"})
    void aCrashInTheMiddleResumesToTheSameNumbers(String algorithm, @TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole"), crashed = dir.resolve("crashed");
        RlaifPipeline.open(whole, tiny(algorithm), quiet()).runAll();

        RlaifPipeline p = RlaifPipeline.open(crashed, tiny(algorithm), quiet());
        p.sft();
        p.samplePairs();
        p.label();
        p.trainRewardModel();
        ProxyReward reward = ProxyReward.load(p, crashed.resolve("rm"), p.loadSft(), quiet());
        AtomicInteger calls = new AtomicInteger();
        RewardSource dying = (prompts, responses) -> {
            // one call per optimiser step, plus the onset alarm's probe after step 1: the 4th call is step 3's
            if (calls.incrementAndGet() == 4) {
                throw new IllegalStateException("simulated crash in step 3");
            }
            return reward.score(prompts, responses);
        };
        assertThrows(IllegalStateException.class, () -> p.ppo(dying));
        assertEquals(2, Files.readAllLines(crashed.resolve("metrics.jsonl")).size());
        RlaifPipeline.open(crashed, null, quiet()).runAll();
        assertEquals(numbers(whole.resolve("metrics.jsonl")), numbers(crashed.resolve("metrics.jsonl")));
        assertEquals(evalScores(whole), evalScores(crashed), "the resumed policy is the uninterrupted one");
    }

    @Test
    void badAlgorithmSettingsAreNamedBeforeAnythingRuns() throws Exception {
        RlaifConfig c = tiny("grpo");
        c.grpo.numGenerations = 3;
        c.grpo.lossType = "sum";
        List<String> problems = c.problems();
        assertTrue(problems.stream().anyMatch(s -> s.contains("divisible by grpo.numGenerations (3)")), problems.toString());
        assertTrue(problems.stream().anyMatch(s -> s.contains("grpo.lossType")), problems.toString());
        RlaifConfig d = tiny("online-dpo");
        d.ppo.minibatchSize = 3;
        d.onlineDpo.lossType = "hinge";
        d.onlineDpo.feedback = "gold";
        d.onlineDpo.beta = 0;
        d.directRlaif.optimizer = "online-dpo";
        List<String> dp = d.problems();
        for (String want : List.of("must be even", "onlineDpo.lossType", "onlineDpo.feedback", "onlineDpo.beta",
                "directRlaif.optimizer must be ppo, rloo or grpo")) {
            assertTrue(dp.stream().anyMatch(s -> s.contains(want)), want + " not in " + dp);
        }
    }

    /** eval.json without its timing. */
    private static String evalScores(Path run) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode n =
                (com.fasterxml.jackson.databind.node.ObjectNode) RlaifConfig.MAPPER.readTree(run.resolve("eval.json").toFile());
        n.remove("seconds");
        return n.toString();
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
