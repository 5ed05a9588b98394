package dev.plumbline.tensor.determinism;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The CPU kernels give the same bits whatever the SIMD width and the core count: this JVM's
 * {@link DeterminismHash} hashes (GEMM, softmax family, cross-entropy, layer norm, reductions,
 * attention, transcendentals; forward and gradients) must equal those of child JVMs forced to
 * 128-bit vectors ({@code -XX:MaxVectorSize=16}), to 256-bit ones where this CPU has wider, to one
 * core ({@code -XX:ActiveProcessorCount=1}), and — for everything but GEMM, whose {@code fma} Java
 * emulates when the FMA intrinsic is off — to {@code -XX:UseAVX=0}.
 */
class DeterminismAcrossWidthsTest {

    /** Runs DeterminismHash in a child JVM with {@code flags}; returns its lines (LANES n, cases, ALL). */
    static Map<String, String> child(String mode, String... flags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules=jdk.incubator.vector");
        cmd.addAll(List.of(flags));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(DeterminismHash.class.getName());
        cmd.add(mode);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child " + cmd + " did not finish");
        assertEquals(0, p.exitValue(), "child " + cmd + " failed:\n" + out);
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] kv = line.trim().split(" ");
            if (kv.length == 2 && !line.startsWith("WARNING")) {
                lines.put(kv[0], kv[1]);
            }
        }
        return lines;
    }

    static void assertSameBits(Map<String, String> parent, Map<String, String> child, String flags) {
        List<String> differ = new ArrayList<>();
        for (Map.Entry<String, String> e : parent.entrySet()) {
            if (!e.getValue().equals(child.get(e.getKey()))) {
                differ.add(e.getKey());
            }
        }
        assertTrue(differ.isEmpty(), "with " + flags + " (" + child.get("LANES") + " float lanes against this JVM's "
                + FloatVector.SPECIES_PREFERRED.length() + ") these cases gave other bits: " + differ);
    }

    @Test
    void narrowerVectorsAndOneCoreGiveTheSameBits() throws Exception {
        Map<String, String> parent = DeterminismHash.hashes(true, false);
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        List<String[]> runs = new ArrayList<>();
        runs.add(new String[] {"-XX:MaxVectorSize=16"});                     // 4 float lanes on any x86-64
        if (lanes > 8) {
            runs.add(new String[] {"-XX:MaxVectorSize=32"});                 // 8 lanes on an AVX-512 CPU
        }
        runs.add(new String[] {"-XX:ActiveProcessorCount=1"});
        for (String[] flags : runs) {
            Map<String, String> c = child("quick", flags);
            if (flags[0].startsWith("-XX:MaxVectorSize")) {
                int want = Integer.parseInt(flags[0].substring(flags[0].indexOf('=') + 1)) / 4;
                assertEquals(String.valueOf(Math.min(want, lanes)), c.get("LANES"), "the child got the width asked for");
            }
            assertEquals(parent.size(), c.size() - 2, "every case ran in the child (plus LANES and ALL): " + c.keySet());
            assertSameBits(parent, c, String.join(" ", flags));
        }
        System.out.println("DeterminismAcrossWidthsTest: " + parent.size() + " cases, this JVM " + lanes
                + " lanes, same bits with " + runs.size() + " child JVMs");
    }

    @Test
    void withoutAvxTheFusedKernelsGiveTheSameBits() throws Exception {
        Map<String, String> parent = DeterminismHash.hashes(true, true);
        Map<String, String> c = child("fused", "-XX:UseAVX=0");
        assertEquals("4", c.get("LANES"), "UseAVX=0 leaves 128-bit SSE vectors");
        assertSameBits(parent, c, "-XX:UseAVX=0");
    }
}
