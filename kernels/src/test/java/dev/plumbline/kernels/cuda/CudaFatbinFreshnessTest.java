package dev.plumbline.kernels.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The checked-in fatbin is fresh and the hot kernels do not spill.
 *
 * <p>Freshness is decided by the stamp (nvcc version + SHA-256 of the sources and build scripts),
 * not by comparing fatbin bytes: nvcc 13.0 embeds the temporary file name, so two builds of the
 * same sources differ (measured here: byte 90 differs). When nvcc is on the PATH the test also
 * rebuilds the fatbin into a temp folder and reads nvcc's -Xptxas -v report of that build.
 */
class CudaFatbinFreshnessTest {
    static final Path SRC = Path.of("src/main/cuda");
    static final Path RES = Path.of("src/main/resources/dev/plumbline/kernels/cuda");
    /** Kernels on the training hot path: none may spill registers to local memory. */
    static final List<String> HOT = List.of("pl_sgemm_nn_vec", "pl_sgemm_nt_vec", "pl_sgemm_tn_vec", "pl_bgemm",
            "pl_attn_fwd", "pl_attn_bwd_dkv", "pl_attn_bwd_dq", "pl_layernorm_fwd", "pl_layernorm_bwd_x", "pl_softmax",
            "pl_xent_fwd", "pl_xent_bwd", "pl_unary_vec4", "pl_binary", "pl_adamw", "pl_random");

    static boolean nvccPresent() {
        try {
            Process p = new ProcessBuilder("nvcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "timed out: " + String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }

    /** kernel@arch -> {registers, spill store bytes, spill load bytes}. */
    static java.util.Map<String, int[]> parseReport(String report) {
        java.util.Map<String, int[]> m = new java.util.TreeMap<>();
        Pattern entry = Pattern.compile("Compiling entry function '(\\w+)' for '(sm_\\d+)'");
        Pattern spill = Pattern.compile("(\\d+) bytes spill stores, (\\d+) bytes spill loads");
        Pattern regs = Pattern.compile("Used (\\d+) registers");
        String key = null;
        int[] cur = null;
        for (String line : report.split("\n")) {
            Matcher e = entry.matcher(line);
            if (e.find()) {
                key = e.group(1) + "@" + e.group(2);
                cur = new int[3];
                m.put(key, cur);
                continue;
            }
            if (cur == null) {
                continue;
            }
            Matcher s = spill.matcher(line);
            if (s.find()) {
                cur[1] = Integer.parseInt(s.group(1));
                cur[2] = Integer.parseInt(s.group(2));
            }
            Matcher r = regs.matcher(line);
            if (r.find()) {
                cur[0] = Integer.parseInt(r.group(1));
            }
        }
        return m;
    }

    static void assertNoSpills(String report, String where) {
        java.util.Map<String, int[]> m = parseReport(report);
        List<String> bad = new ArrayList<>();
        for (String k : HOT) {
            for (String arch : new String[] {"sm_80", "sm_90"}) {
                int[] v = m.get(k + "@" + arch);
                assertTrue(v != null, k + " for " + arch + " missing from " + where);
                if (v[1] != 0 || v[2] != 0) {
                    bad.add(k + "@" + arch + " spills " + v[1] + "/" + v[2] + " bytes");
                }
                System.out.printf("%-22s %s %3d registers, spills %d/%d%n", k, arch, v[0], v[1], v[2]);
            }
        }
        assertTrue(bad.isEmpty(), "register spills in hot kernels (" + where + "): " + bad);
    }

    @Test
    void checkedInReportShowsNoSpills() throws IOException {
        assertNoSpills(Files.readString(RES.resolve("ptxas-report.txt")), "checked-in ptxas-report.txt");
    }

    @Test
    void fatbinIsFreshAndRebuildsWithoutSpills() throws Exception {
        assumeTrue(nvccPresent(), "nvcc is not on the PATH: cannot rebuild the fatbin to check it is fresh "
                + "(the checked-in stamp is trusted)");
        String stamp = run(SRC, "./stamp.sh");
        String checkedIn = Files.readString(RES.resolve("plumbline.fatbin.stamp"));
        assertEquals(checkedIn.strip(), stamp.strip(), "the checked-in fatbin is STALE: kernels/src/main/cuda changed "
                + "(or nvcc did) since it was built; run kernels/src/main/cuda/build.sh and commit the resource folder");
        Path tmp = Files.createTempDirectory("plumbline-fatbin");
        run(SRC, "./build.sh", tmp.toString());
        assertTrue(Files.size(tmp.resolve("plumbline.fatbin")) > 100_000);
        assertEquals(checkedIn.strip(), Files.readString(tmp.resolve("plumbline.fatbin.stamp")).strip());
        assertNoSpills(Files.readString(tmp.resolve("ptxas-report.txt")), "fresh nvcc build");
    }
}
