package dev.plumbline.rlaif.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Same seed, same device, same numbers — across SIMD widths: the tiny pipeline
 * ({@link CrossWidthPipelineRun}: SFT, pairs, labels, pθ, PPO) run in a child JVM with this CPU's
 * vectors and in one forced to 128-bit vectors ({@code -XX:MaxVectorSize=16}) writes bit-identical
 * checkpoints (SFT, pθ, policy, critic, optimizer states) and records. Before the CPU kernels summed
 * in a fixed 16-lane order, 11 of these 12 files differed between AVX-512 and 128-bit runs.
 */
class CrossWidthDeterminismTest {

    static Map<String, String> run(Path dir, String... flags) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules=jdk.incubator.vector");
        cmd.addAll(List.of(flags));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CrossWidthPipelineRun.class.getName());
        cmd.add(dir.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "child did not finish: " + cmd);
        assertEquals(0, p.exitValue(), "child failed: " + cmd + "\n" + out);
        Map<String, String> lines = new TreeMap<>();
        for (String line : out.split("\n")) {
            String[] kv = line.trim().split(" ");
            if (kv.length == 2 && !line.startsWith("WARNING")) {
                lines.put(kv[0], kv[1]);
            }
        }
        return lines;
    }

    @Test
    void theTinyPipelineWritesTheSameBitsWith128BitVectors(@TempDir Path dir) throws Exception {
        Map<String, String> wide = run(dir.resolve("default"));
        Map<String, String> narrow = run(dir.resolve("narrow"), "-XX:MaxVectorSize=16");
        assertEquals("vector-128", narrow.get("KERNEL"), "the child ran with 128-bit vectors: " + narrow);
        String wideKernel = wide.remove("KERNEL");
        narrow.remove("KERNEL");
        assertTrue(wide.keySet().containsAll(List.of("sft/model.safetensors", "rm/member-0/model.safetensors",
                "ppo/model.safetensors", "ppo/checkpoint/critic.safetensors", "preferences.jsonl", "metrics.jsonl")),
                "every stage left its outputs: " + wide.keySet());
        List<String> differ = new ArrayList<>();
        for (Map.Entry<String, String> e : wide.entrySet()) {
            if (!e.getValue().equals(narrow.get(e.getKey()))) {
                differ.add(e.getKey());
            }
        }
        assertEquals(wide.keySet(), narrow.keySet());
        assertTrue(differ.isEmpty(), wideKernel + " vs vector-128: these outputs differ: " + differ);
        System.out.println("CrossWidthDeterminismTest: " + wide.size() + " outputs identical, " + wideKernel
                + " vs vector-128");
    }
}
