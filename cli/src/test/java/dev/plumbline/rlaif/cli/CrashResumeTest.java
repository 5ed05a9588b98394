package dev.plumbline.rlaif.cli;

import dev.plumbline.rlaif.pipeline.PipelineEndToEndTest;
import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;
import dev.plumbline.testing.TestSeeds;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Crashes lose nothing: a child JVM running {@code plumbline demo} is killed with SIGKILL at random
 * moments, restarted with the same command each time, and the finished run must equal an
 * uninterrupted one with the same seed — the same pairs, labels, PPO metrics from every step and
 * evaluation.
 */
class CrashResumeTest {

    static RlaifConfig config() {
        RlaifConfig c = PipelineEndToEndTest.tiny();
        c.ppo.steps = 8;          // PPO checkpoints every 2 steps
        c.sft.steps = 40;
        return c;
    }

    @Test
    void killedRunsResumeToTheSameResult(@TempDir Path dir) throws Exception {
        Path reference = dir.resolve("reference");
        long t0 = System.nanoTime();
        RlaifPipeline.open(reference, config(), new PrintStream(new ByteArrayOutputStream())).runAll();
        // kill delays scale with how long a whole run takes on this machine (plus a JVM start):
        // a fixed bound let a fast machine finish the run before the first kill
        int bound = (int) Math.max(500, (System.nanoTime() - t0) / 1_000_000) + 800;

        Path cfgFile = dir.resolve("pipeline.json");
        Files.writeString(cfgFile, config().toJson());
        Path run = dir.resolve("crashed");
        long seed = TestSeeds.seed("CrashResumeTest.killedRunsResumeToTheSameResult");
        Random rnd = new Random(seed);
        int kills = 0;
        for (int attempt = 0; attempt < 16; attempt++) {
            Process p = child(run, cfgFile, dir.resolve("child-" + attempt + ".log"));
            boolean finished;
            if (attempt < 4 || kills == 0) {
                // kill somewhere in the run: JVM start, SFT, sampling, labeling, pθ or PPO
                finished = p.waitFor(200 + rnd.nextInt(bound), TimeUnit.MILLISECONDS);
                if (!finished) {
                    p.destroyForcibly().waitFor();   // SIGKILL: no shutdown hooks, no flushing
                    kills++;
                    continue;
                }
                if (kills == 0) {
                    // finished before any kill: start over with shorter delays
                    assertEquals(0, p.exitValue(), "child exit code; log:\n" + Files.readString(dir.resolve("child-" + attempt + ".log")));
                    deleteRecursively(run);
                    bound = Math.max(300, bound / 2);
                    continue;
                }
            } else {
                finished = p.waitFor(180, TimeUnit.SECONDS);
                if (!finished) {
                    p.destroyForcibly().waitFor();
                    fail("resumed run did not finish; log: " + Files.readString(dir.resolve("child-" + attempt + ".log")));
                }
            }
            assertEquals(0, p.exitValue(), "child exit code; log:\n" + Files.readString(dir.resolve("child-" + attempt + ".log")));
            break;
        }
        assertTrue(RlaifPipeline.open(run, null, new PrintStream(new ByteArrayOutputStream())).runDirectory().isDone("report"),
                "the resumed run completed");
        String why = " (kills: " + kills + ", seed " + seed + ")";
        System.out.println("CrashResumeTest: run finished after " + kills + " SIGKILLs" + why);
        assertTrue(kills >= 1, "the child was never killed mid-run" + why);
        assertEquals(Files.readString(reference.resolve("pairs.jsonl")), Files.readString(run.resolve("pairs.jsonl")), "pairs" + why);
        assertEquals(labels(reference), labels(run), "labels" + why);
        assertEquals(numbers(reference.resolve("metrics.jsonl")), numbers(run.resolve("metrics.jsonl")), "PPO metrics" + why);
        JsonNode a = RlaifConfig.MAPPER.readTree(reference.resolve("eval.json").toFile());
        JsonNode b = RlaifConfig.MAPPER.readTree(run.resolve("eval.json").toFile());
        ((ObjectNode) a).remove("seconds");
        ((ObjectNode) b).remove("seconds");
        assertEquals(a, b, "evaluation" + why);
    }

    private static void deleteRecursively(Path root) throws java.io.IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path q : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    private static Process child(Path run, Path cfg, Path log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), "dev.plumbline.rlaif.cli.Main",
                "demo", "--run-dir", run.toString(), "--pipeline-config", cfg.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Labels without their wall-clock timestamps. */
    private static List<String> labels(Path run) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("preferences.jsonl"))) {
            ObjectNode n = (ObjectNode) RlaifConfig.MAPPER.readTree(line);
            n.remove("labeled_at");
            out.add(n.toString());
        }
        return out;
    }

    private static List<String> numbers(Path metrics) throws Exception {
        return PipelineEndToEndTest.numbers(metrics);
    }
}
