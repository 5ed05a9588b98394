package dev.plumbline.rlaif.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
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
 * A reduced RLAIF run through every stage (seconds, not minutes): all artifacts are written,
 * metrics use TRL's names, the report is self-contained, a finished run resumes as a no-op, and
 * the same seed gives the same numbers.
 */
public class PipelineEndToEndTest {

    /** The smallest run that still exercises every stage. */
    public static RlaifConfig tiny() {
        RlaifConfig c = new RlaifConfig();
        c.model.layers = 1;
        c.model.heads = 2;
        c.model.dModel = 32;
        c.model.contextLength = 42;
        c.sampling.maxNewTokens = 8;
        c.ppo.maxNewTokens = 8;
        c.sft.demonstrations = 200;
        c.sft.steps = 25;
        c.sft.batchSize = 16;
        c.sampling.pairs = 48;
        c.sampling.batchSize = 48;
        c.rewardModel.epochs = 1;
        c.rewardModel.batchSize = 16;
        c.ppo.steps = 3;
        c.ppo.batchSize = 8;
        c.ppo.minibatchSize = 4;
        c.ppo.epochs = 2;
        c.eval.prompts = 16;
        return c;
    }

    @Test
    void everyStageRunsAndWritesItsOutputs(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        RlaifPipeline p = RlaifPipeline.open(run, tiny(), quiet());
        Map<String, Object> summary = p.runAll();

        for (String f : List.of("config.json", "sft/model.safetensors", "pairs.jsonl", "preferences.jsonl",
                "rm/member-0/model.safetensors", "rm/normalizer.json", "ppo/model.safetensors", "metrics.jsonl",
                "eval.json", "report.html")) {
            assertTrue(Files.exists(run.resolve(f)), "missing " + f);
        }
        for (String s : List.of("sft", "sample", "label", "train-rm", "ppo", "eval", "report")) {
            assertTrue(p.runDirectory().isDone(s), "stage not marked done: " + s);
        }
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(3, lines.size(), "one metrics line per PPO step");
        JsonNode first = RlaifConfig.MAPPER.readTree(lines.get(0));
        for (String k : List.of("objective/kl", "objective/entropy", "objective/rlhf_reward", "objective/scores",
                "policy/approxkl_avg", "policy/clipfrac_avg", "loss/policy_avg", "loss/value_avg", "val/ratio",
                "gold/score", "val/mean_length")) {
            assertTrue(first.has(k), "metrics lack " + k);
        }
        // before the first update, log-probs recomputed by PPO equal the sampler's: KL(π‖π_ref) = 0 and ratio 1
        assertEquals(0.0, first.get("objective/kl").asDouble(), 1e-5);
        assertEquals(0.0, first.get("policy/approxkl_first_minibatch").asDouble(), 1e-6);
        assertTrue(summary.containsKey("sft") && summary.containsKey("ppo") && summary.containsKey("ppo_win_rate_vs_sft"));

        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("Proxy vs gold reward"), "report has the PPO charts");
        assertFalse(html.contains("<script"), "report is static");

        // a finished run resumes as a no-op: nothing is rewritten
        long before = Files.getLastModifiedTime(run.resolve("ppo/model.safetensors")).toMillis();
        RlaifPipeline.open(run, null, quiet()).runAll();
        assertEquals(before, Files.getLastModifiedTime(run.resolve("ppo/model.safetensors")).toMillis());

        // the same seed on the same device gives the same numbers
        Path again = dir.resolve("again");
        RlaifPipeline.open(again, tiny(), quiet()).runAll();
        assertEquals(numbers(run.resolve("metrics.jsonl")), numbers(again.resolve("metrics.jsonl")));
        assertEquals(Files.readString(run.resolve("pairs.jsonl")), Files.readString(again.resolve("pairs.jsonl")));
    }

    @Test
    void aRunDirectoryRefusesADifferentConfig(@TempDir Path dir) throws Exception {
        RlaifPipeline.open(dir, tiny(), quiet());
        RlaifConfig other = tiny();
        other.seed = 99;
        var e = assertThrows(IllegalArgumentException.class, () -> RlaifPipeline.open(dir, other, quiet()));
        assertTrue(e.getMessage().contains("different config.json"), e.getMessage());
    }

    @Test
    void stagesNameTheStageToRunFirst(@TempDir Path dir) throws Exception {
        RlaifPipeline p = RlaifPipeline.open(dir, tiny(), quiet());
        var e = assertThrows(IllegalStateException.class, p::ppo);
        assertTrue(e.getMessage().contains("'train-rm' has not run"), e.getMessage());
    }

    /** metrics.jsonl without its timing, one string per line (shared with the other pipeline tests). */
    /** Each metrics line without its wall times ({@code time/*}): FLOPs and every other number must repeat. */
    public static List<String> numbers(Path metrics) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            com.fasterxml.jackson.databind.node.ObjectNode n =
                    (com.fasterxml.jackson.databind.node.ObjectNode) RlaifConfig.MAPPER.readTree(line);
            List<String> times = new ArrayList<>();
            n.fieldNames().forEachRemaining(k -> {
                if (k.startsWith("time/")) {
                    times.add(k);
                }
            });
            n.remove(times);
            out.add(n.toString());
        }
        return out;
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }
}
