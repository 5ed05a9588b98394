// Fuzzing `plumbline label --config FILE`: random and broken JSON configs are reported as problems
// with exit code 2 (or 1 for a failed read), never a stack trace, never an escaped exception.
package dev.plumbline.rlaif.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.plumbline.testing.TestSeeds;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFuzzTest {
    private static final int CASES = 1500;
    private static final String[] KEYS = {"judge", "seed", "sharpness", "misjudge-rate", "length-bias", "position-bias",
        "sycophancy", "noise", "base-url", "model", "api-key-env", "api-key-file", "template", "temperature", "max-tokens",
        "single-order", "max-retries", "rps", "timeout-ms", "connect-timeout-ms", "resume", "overwrite", "input", "output",
        "posiiton-bias", "config", "help", "version", "", "Noise", "--noise", "judge\u0000"};
    private static final String[] VALUES = {"0", "1", "-1", "0.5", "1.5", "1e400", "-1e400", "99999999999999999999",
        "2147483648", "-0", "1.0", "true", "false", "null", "\"rule\"", "\"http\"", "\"gpt\"", "\"\"", "\"0.3\"", "[]", "[1]",
        "{}", "{\"a\":1}", "\"nowhere.jsonl\"", "\"\\u0000\"", "\"😀\"", "NaN", "Infinity"};

    @TempDir
    Path dir;

    @Test
    void randomConfigsAreReportedNeverAStackTrace() {
        long seed = TestSeeds.seed("ConfigFuzzTest.randomConfigsAreReportedNeverAStackTrace");
        System.out.println("ConfigFuzzTest " + TestSeeds.describe("ConfigFuzzTest.randomConfigsAreReportedNeverAStackTrace"));
        int[] byCode = new int[3];
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            Path cfg = dir.resolve("label.json");
            // --input and --output on the command line win over the config: no case can label or write files.
            String missingInput = dir.resolve("missing-pairs.jsonl").toString();
            String output = dir.resolve("out.jsonl").toString();
            for (int t = 0; t < CASES; t++) {
                byte[] text = randomConfig(rnd).getBytes(StandardCharsets.UTF_8);
                if (rnd.nextInt(3) == 0) text = breakBytes(rnd, text);
                Files.write(cfg, text);
                StringWriter out = new StringWriter(), err = new StringWriter();
                int code;
                String context = "seed=" + seed + " case " + t + " config: " + new String(text, StandardCharsets.UTF_8);
                try {
                    code = Main.run(new String[] {"label", "--config", cfg.toString(), "--input", missingInput, "--output", output},
                            new PrintWriter(out), new PrintWriter(err));
                } catch (Throwable e) {
                    throw new AssertionError(context + "\n-> escaped " + e, e);
                }
                String e = err.toString();
                assertTrue(code == 1 || code == 2, context + "\n-> exit " + code + "\n" + e);
                assertFalse(e.isBlank(), context + ": a failure says why");
                assertFalse(e.contains("\tat ") || e.contains("Exception in thread"), context + "\n-> stack trace:\n" + e);
                assertFalse(e.contains("NullPointerException"), context + "\n-> " + e);
                assertFalse(Files.exists(Path.of(output)), context + ": no work started");
                byCode[code]++;
            }
        });
        System.out.println("ConfigFuzzTest: " + CASES + " configs: " + byCode[2] + " usage/config errors (exit 2), "
                + byCode[1] + " work errors (exit 1)");
    }

    @Test
    void badJsonNamesFileLineAndColumn() throws Exception {
        Path cfg = dir.resolve("broken.json");
        Files.writeString(cfg, "{\n  \"noise\": 0.1,\n  \"seed\": }\n");
        StringWriter err = new StringWriter();
        assertEquals(2, Main.run(new String[] {"label", "--config", cfg.toString()}, new PrintWriter(new StringWriter()),
                new PrintWriter(err)));
        assertTrue(err.toString().startsWith(cfg + ":3:11: not valid JSON: "), err.toString());
    }

    private static String randomConfig(SplittableRandom rnd) {
        if (rnd.nextInt(20) == 0) return VALUES[rnd.nextInt(VALUES.length)]; // not an object at all
        StringBuilder sb = new StringBuilder("{");
        for (int k = rnd.nextInt(6); k > 0; k--) {
            if (sb.length() > 1) sb.append(',');
            sb.append('"').append(KEYS[rnd.nextInt(KEYS.length)].replace("\u0000", "\\u0000")).append("\": ")
                    .append(VALUES[rnd.nextInt(VALUES.length)]);
        }
        return sb.append('}').toString();
    }

    private static byte[] breakBytes(SplittableRandom rnd, byte[] b) {
        return switch (rnd.nextInt(4)) {
            case 0 -> Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            case 1 -> {
                byte[] c = b.clone();
                if (c.length > 0) c[rnd.nextInt(c.length)] = (byte) rnd.nextInt(256);
                yield c;
            }
            case 2 -> new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}', (byte) 0xFF};
            default -> ("[" .repeat(3000)).getBytes(StandardCharsets.UTF_8);
        };
    }
}
