package dev.plumbline.rlaif.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plumbline.rlaif.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A reduced demo (about ten seconds) in which RLAIF must measurably raise the gold reward: the SFT
 * demonstrations pad most answers ("ABC ok thanks"), the rule judge's constitution says "nothing but
 * the answer", pθ learns that from the AI labels, and PPO against pθ must beat the SFT policy on
 * held-out prompts by the gold scorer, which no stage of the loop ever saw.
 */
public class GoldImprovesTest {

    /** The reduced demo: seconds per stage, and PPO still measurably improves gold. */
    public static RlaifConfig reducedDemo() {
        RlaifConfig c = new RlaifConfig();
        c.model.layers = 1;
        c.model.heads = 2;
        c.model.dModel = 48;
        c.model.contextLength = 44;
        c.tasks.kinds = List.of("upper", "count");
        c.sft.demonstrations = 1000;
        c.sft.steps = 150;
        c.sft.flawedFraction = 0.6;
        c.sft.paddedShare = 1.0;
        c.sampling.pairs = 384;
        c.sampling.maxNewTokens = 12;
        c.ppo.maxNewTokens = 12;
        c.rewardModel.epochs = 2;
        c.ppo.steps = 12;
        c.ppo.batchSize = 32;
        c.ppo.minibatchSize = 16;
        c.ppo.lr = 3e-4;
        c.eval.prompts = 128;
        return c;
    }

    @Test
    @SuppressWarnings("unchecked")
    void ppoAgainstTheLearnedRewardRaisesGoldOverSft(@TempDir Path dir) throws Exception {
        Map<String, Object> s = RlaifPipeline.open(dir, reducedDemo(), new PrintStream(new ByteArrayOutputStream())).runAll();
        Map<String, Object> sft = (Map<String, Object>) s.get("sft"), ppo = (Map<String, Object>) s.get("ppo");
        double goldSft = ((Number) sft.get("gold_score")).doubleValue();
        double goldPpo = ((Number) ppo.get("gold_score")).doubleValue();
        double win = ((Number) s.get("ppo_win_rate_vs_sft")).doubleValue();
        String got = "gold SFT " + goldSft + " → PPO " + goldPpo + ", win rate " + win + ", length "
                + sft.get("mean_length") + " → " + ppo.get("mean_length");
        System.out.println("GoldImprovesTest: " + got);
        // measured over seeds 1–3: +0.09 to +0.18 gold, win rate 0.72–0.78; the bars leave room for
        // other CPUs' float rounding while a loop that does not learn (win rate ≈ 0.5) fails
        assertTrue(goldPpo > goldSft + 0.04, "PPO must raise the gold score: " + got);
        assertTrue(win > 0.6, "PPO must win against SFT on most held-out prompts: " + got);
        assertTrue(((Number) ppo.get("proxy_score")).doubleValue() > ((Number) sft.get("proxy_score")).doubleValue(),
                "and the proxy reward it optimised rose too: " + s);

        // the over-optimisation experiment reuses this run's SFT policy and pθ (CLI path)
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"experiment", "overoptimization", "--run-dir", dir.toString(), "--steps", "30",
                "--kl-coef", "0.001"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        Path exp = dir.resolve("experiments/overoptimization");
        JsonNode r = RlaifConfig.MAPPER.readTree(exp.resolve("result.json").toFile());
        assertEquals(30, r.path("steps").asInt());
        System.out.println("GoldImprovesTest over-optimisation: " + r);
        // the failure mode itself: proxy keeps rising while gold (5-step averages) rises, peaks and falls back
        // (measured, seed 1: gold -0.07 → peak 0.18 at step 11 → 0.03; proxy -0.12 → 1.00)
        double g0 = r.path("gold_first_5").asDouble(), gPeak = r.path("gold_peak_5_step_avg").asDouble();
        double gLast = r.path("gold_last_5").asDouble();
        assertTrue(gPeak > g0 + 0.1, "gold first rises: " + r);
        assertTrue(gLast < gPeak - 0.08, "then falls back from its peak: " + r);
        assertTrue(r.path("proxy_last_5").asDouble() > r.path("proxy_first_5").asDouble() + 0.5, "while proxy rises: " + r);
        assertTrue(r.path("gold_peak_step").asInt() < 25, "the peak comes before the end: " + r);
        assertEquals(0.001, r.path("kl_coef").asDouble(), 1e-12);
        assertTrue(Double.isFinite(r.path("fit_alpha").asDouble()) && Double.isFinite(r.path("fit_beta").asDouble()), r.toString());
        for (String arm : List.of("weak-kl", "adaptive-kl", "uncertainty-penalty")) {
            assertEquals(30, Files.readAllLines(exp.resolve(arm).resolve("metrics.jsonl")).size(), arm);
            assertFalse(Files.exists(exp.resolve(arm).resolve("stages/eval.json")), "only PPO ran in " + arm);
        }
        assertEquals(3, RlaifConfig.MAPPER.readTree(exp.resolve("weak-kl/stages/train-rm.json").toFile()).path("members").asInt());
        assertEquals(3, r.path("arms").size());
        assertTrue(Files.readString(exp.resolve("report.html")).contains("<svg"));
    }

    @Test
    void experimentNeedsAFinishedRewardModel(@TempDir Path dir) throws Exception {
        RlaifPipeline.open(dir, reducedDemo(), new PrintStream(new ByteArrayOutputStream()));
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"experiment", "overoptimization", "--run-dir", dir.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, code);
        assertTrue(err.toString().contains("needs stage 'sft' done"), err.toString());
    }
}
