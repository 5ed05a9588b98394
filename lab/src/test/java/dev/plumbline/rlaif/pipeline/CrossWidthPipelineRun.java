package dev.plumbline.rlaif.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A tiny pipeline (SFT, pairs, labels, pθ, PPO) in a fresh directory, then one line per output:
 * {@code path sha256} of every checkpoint file, and of the label and metric records with their
 * clock fields removed. {@link CrossWidthDeterminismTest} runs it in child JVMs with different
 * SIMD widths and compares the lines.
 */
public final class CrossWidthPipelineRun {
    private CrossWidthPipelineRun() {}

    /** The tiny config: every stage runs, in seconds. */
    static RlaifConfig tiny() {
        RlaifConfig c = GoldImprovesTest.reducedDemo();
        c.sft.demonstrations = 200;
        c.sft.steps = 12;
        c.sampling.pairs = 48;
        c.rewardModel.epochs = 1;
        c.ppo.steps = 2;
        c.ppo.batchSize = 8;
        c.ppo.minibatchSize = 4;
        c.eval.prompts = 8;
        return c;
    }

    /** Runs the tiny pipeline in {@code args[0]} and prints its hashes. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        RlaifPipeline p = RlaifPipeline.open(dir, tiny(), new PrintStream(new ByteArrayOutputStream()));
        p.sft();
        p.samplePairs();
        p.label();
        p.trainRewardModel();
        p.ppo();
        System.out.println("KERNEL " + dev.plumbline.tensor.backend.cpu.CpuGemm.kernelName());
        for (Map.Entry<String, String> e : hashes(dir).entrySet()) {
            System.out.println(e.getKey() + " " + e.getValue());
        }
    }

    /** Relative path → SHA-256 (16 hex digits) of the run's weights and records. */
    static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            String rel = dir.relativize(f).toString().replace('\\', '/');
            if (rel.endsWith(".safetensors")) {
                out.put(rel, sha(Files.readAllBytes(f)));
            } else if (rel.equals("pairs.jsonl") || rel.equals("preferences.jsonl") || rel.endsWith("metrics.jsonl")) {
                StringBuilder kept = new StringBuilder();
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    JsonNode n = RlaifConfig.MAPPER.readTree(line);
                    dropClockFields(n);
                    kept.append(n).append('\n');
                }
                out.put(rel, sha(kept.toString().getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    // wall-clock readings (timestamps, seconds, throughput) differ between any two runs
    private static void dropClockFields(JsonNode n) {
        if (n instanceof ObjectNode o) {
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (k.contains("time") || k.contains("_at") || k.contains("second") || k.contains("per_s")
                        || k.contains("tokens_per") || k.endsWith("_ms") || k.startsWith("perf/")) {
                    it.remove();
                } else {
                    dropClockFields(o.get(k));
                }
            }
        }
    }

    private static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
