// Fuzzing Jsonl.read: mutated and truncated valid lines of every record type; only a
// JsonlFormatException naming file:line may come out, nothing may hang or run out of memory.
package dev.plumbline.rlaif.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.plumbline.rlaif.label.Preference;
import dev.plumbline.rlaif.label.RawJudgement;
import dev.plumbline.testing.TestSeeds;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlFuzzTest {
    private static final int CASES = 3000;
    private static final String[] TEXTS = {"rev abcd", "12+34=", "46", "", "ünïcödé ✓", "quote \" and \\ back", "😀 emoji", "a\nb"};
    private static final byte[][] INSERTS = {
        "\"".getBytes(StandardCharsets.UTF_8), "{".getBytes(StandardCharsets.UTF_8), "}".getBytes(StandardCharsets.UTF_8),
        ",".getBytes(StandardCharsets.UTF_8), ":".getBytes(StandardCharsets.UTF_8), "null".getBytes(StandardCharsets.UTF_8),
        "1e999999".getBytes(StandardCharsets.UTF_8), "99999999999999999999999".getBytes(StandardCharsets.UTF_8),
        "\"label\":\"X\",".getBytes(StandardCharsets.UTF_8), "\"pair_index\":-1.5,".getBytes(StandardCharsets.UTF_8),
        "[".repeat(5000).getBytes(StandardCharsets.UTF_8), "\"x\":{\"y\":".repeat(2000).getBytes(StandardCharsets.UTF_8),
        {(byte) 0xFF}, {(byte) 0xC3}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {0}, {'\t'},
    };

    @TempDir
    Path dir;

    @Test
    void mutatedLinesFailOnlyWithFileAndLine() throws Exception {
        long seed = TestSeeds.seed("JsonlFuzzTest.mutatedLinesFailOnlyWithFileAndLine");
        System.out.println("JsonlFuzzTest " + TestSeeds.describe("JsonlFuzzTest.mutatedLinesFailOnlyWithFileAndLine"));
        int[] outcome = new int[2]; // parsed, rejected
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            Path f = dir.resolve("fuzz.jsonl");
            for (int t = 0; t < CASES; t++) {
                Class<?> type = switch (t % 3) {
                    case 0 -> PreferenceRecord.class;
                    case 1 -> PairRecord.class;
                    default -> PromptRecord.class;
                };
                int lines = 1 + rnd.nextInt(4);
                int bad = rnd.nextInt(lines);
                ByteArrayOutputStream file = new ByteArrayOutputStream();
                for (int i = 0; i < lines; i++) {
                    byte[] line = Jsonl.toLine(record(rnd, type)).getBytes(StandardCharsets.UTF_8);
                    if (i == bad) line = mutate(rnd, line);
                    file.writeBytes(line);
                    file.write('\n');
                }
                Files.write(f, file.toByteArray());
                String context = "seed=" + seed + " case " + t + " " + type.getSimpleName() + " line " + (bad + 1) + ": "
                        + new String(file.toByteArray(), StandardCharsets.UTF_8);
                try {
                    List<?> got = Jsonl.read(f, type);
                    assertTrue(got.size() <= lines, context);
                    outcome[0]++;
                } catch (JsonlFormatException e) {
                    // valid lines before the mutated one parse, so the error is on the mutated line
                    assertEquals(bad + 1, e.line(), context + "\n-> " + e.getMessage());
                    assertTrue(e.getMessage().startsWith(f + ":" + (bad + 1) + ": "), context + "\n-> " + e.getMessage());
                    assertFalse(e.getMessage().contains("\tat "), "no stack trace in the message: " + e.getMessage());
                    outcome[1]++;
                } catch (Throwable e) {
                    throw new AssertionError(context + "\n-> undocumented " + e, e);
                }
            }
        });
        System.out.println("JsonlFuzzTest: " + CASES + " cases, " + outcome[0] + " still parsed, " + outcome[1] + " rejected with file:line");
        assertTrue(outcome[1] > CASES / 2, "most mutations must be rejected: " + outcome[1]);
    }

    @Test
    void invalidUtf8NamesTheLineItIsOn() throws Exception {
        Path f = dir.resolve("bad-utf8.jsonl");
        // Line 3 of a file larger than any read-ahead buffer holds a lone 0xFF byte.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("{\"prompt\":\"" + "x".repeat(20_000) + "\"}\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes("{\"prompt\":\"ok\"}\n".getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[] {'{', '"', 'p', 'r', 'o', 'm', 'p', 't', '"', ':', '"', (byte) 0xFF, '"', '}', '\n'});
        Files.write(f, out.toByteArray());
        JsonlFormatException e = assertThrows(JsonlFormatException.class, () -> Jsonl.read(f, PromptRecord.class));
        assertEquals(f + ":3: not valid UTF-8 at byte 11 of the line", e.getMessage());
    }

    /** A record whose serialisation fails, to break a write midway. */
    record Exploding(String prompt) {
        @com.fasterxml.jackson.annotation.JsonProperty("prompt")
        public String prompt() {
            throw new IllegalStateException("disk full (simulated)");
        }
    }

    @Test
    void writeAtomicThatFailsMidwayLeavesTheLastGoodFile() throws Exception {
        Path f = dir.resolve("prompts.jsonl");
        Jsonl.writeAtomic(f, List.of(new PromptRecord("good 1"), new PromptRecord("good 2")));
        byte[] good = Files.readAllBytes(f);
        List<Object> records = new ArrayList<>();
        for (int i = 0; i < 1000; i++) records.add(new PromptRecord("new " + i));
        records.add(new Exploding("x")); // fails after 1000 records were serialised
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Jsonl.writeAtomic(f, records));
        assertTrue(e.getMessage().startsWith("cannot serialise Exploding: "), e.getMessage());
        assertArrayEquals(good, Files.readAllBytes(f), "the last good file is untouched");
        try (var s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "no temporary file left behind");
        }
    }

    private static Object record(SplittableRandom rnd, Class<?> type) {
        String a = pick(rnd), b = pick(rnd), p = pick(rnd);
        if (type == PromptRecord.class) return new PromptRecord(p);
        if (type == PairRecord.class) return new PairRecord(rnd.nextBoolean() ? null : "p" + rnd.nextInt(100), p, a, b);
        Preference label = Preference.values()[rnd.nextInt(Preference.values().length)];
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("noise", rnd.nextDouble());
        settings.put("orders", List.of("AB", "BA"));
        List<RawJudgement> raw = new ArrayList<>();
        raw.add(new RawJudgement("AB", pick(rnd), label));
        return new PreferenceRecord("p" + rnd.nextInt(1000), rnd.nextInt(1000), p, a, b, label,
                label == Preference.A ? a : null, label == Preference.A ? b : null,
                rnd.nextBoolean() ? rnd.nextDouble() : null, "rule-judge", "1", "pairwise-v1", List.of("AB"), raw,
                label == Preference.FAILED ? "unparseable" : null, "2025-01-01T00:00:00Z", settings);
    }

    private static String pick(SplittableRandom rnd) {
        return TEXTS[rnd.nextInt(TEXTS.length)];
    }

    /** One to three byte edits or a truncation; never a raw newline, which would make two lines. */
    static byte[] mutate(SplittableRandom rnd, byte[] line) {
        byte[] b = line;
        for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
            int at = b.length == 0 ? 0 : rnd.nextInt(b.length + 1);
            switch (rnd.nextInt(6)) {
                case 0 -> b = java.util.Arrays.copyOf(b, at); // truncate
                case 1 -> { // flip a byte
                    if (b.length > 0) {
                        int i = Math.min(at, b.length - 1);
                        byte nb = (byte) rnd.nextInt(256);
                        b[i] = nb == '\n' || nb == '\r' ? (byte) '#' : nb;
                    }
                }
                case 2 -> { // delete a run
                    int len = Math.min(b.length - Math.min(at, b.length), 1 + rnd.nextInt(8));
                    byte[] nb = new byte[b.length - len];
                    System.arraycopy(b, 0, nb, 0, Math.min(at, b.length));
                    System.arraycopy(b, Math.min(at, b.length) + len, nb, Math.min(at, b.length), b.length - Math.min(at, b.length) - len);
                    b = nb;
                }
                case 3, 4 -> b = insert(b, at, INSERTS[rnd.nextInt(INSERTS.length)]);
                default -> { // duplicate a slice
                    int from = b.length == 0 ? 0 : rnd.nextInt(b.length);
                    int len = Math.min(b.length - from, rnd.nextInt(20));
                    b = insert(b, at, java.util.Arrays.copyOfRange(b, from, from + len));
                }
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] ins) {
        at = Math.min(at, b.length);
        byte[] nb = new byte[b.length + ins.length];
        System.arraycopy(b, 0, nb, 0, at);
        System.arraycopy(ins, 0, nb, at, ins.length);
        System.arraycopy(b, at, nb, at + ins.length, b.length - at);
        return nb;
    }
}
