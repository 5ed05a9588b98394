/*
 * Plumbline nn — ByteLevelBpe against real GPT-2: OpenAI's vocabulary and merges, ids produced
 * by openai/gpt-2's own encoder.py.
 */
package dev.plumbline.nn.tokenizer;

import dev.plumbline.testing.TestSeeds;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactness against GPT-2.
 *
 * <p>The vocabulary is OpenAI's GPT-2 {@code encoder.json}/{@code vocab.bpe} (see
 * {@code src/test/resources/gpt2/README.md}). Expected ids were produced once, offline, by
 * openai/gpt-2's {@code encoder.py} run with Python's {@code regex} module
 * ({@code src/test/reference/}), and cross-checked with two JavaScript encoders from npm
 * (gpt-3-encoder 1.1.4, gpt-tokenizer 4.0.0): they agree everywhere except on U+FEFF and U+0085,
 * where JavaScript's {@code \s} differs from Python's (JS counts U+FEFF as space and not U+0085);
 * Python's ids are the ones kept.
 */
class ByteLevelBpeGpt2Test {

    static ByteLevelBpe gpt2;

    @BeforeAll
    static void load() throws IOException {
        gpt2 = ByteLevelBpe.load(gpt2Dir());
    }

    static Path gpt2Dir() {
        try {
            return Path.of(Objects.requireNonNull(ByteLevelBpeGpt2Test.class.getResource("/gpt2/vocab.json")).toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Case(String text, int[] ids) {
    }

    private static Case c(String text, int... ids) {
        return new Case(text, ids);
    }

    // Produced by src/test/reference/gen_literal_cases.py (openai/gpt-2 encoder.py + Python regex).
    private static final List<Case> CASES = List.of(
            c("Hello world",
              15496, 995),
            c(" Hello world",
              18435, 995),
            c("Hello  world",
              15496, 220, 995),
            c("Hello world ",
              15496, 995, 220),
            c("Hello world   ",
              15496, 995, 220, 220, 220),
            c("   leading spaces",
              220, 220, 3756, 9029),
            c("tab\there\t\tdouble",
              8658, 197, 1456, 197, 197, 23352),
            c("line one\nline two\n\nline four\n",
              1370, 530, 198, 1370, 734, 198, 198, 1370, 1440, 198),
            c(" \n \n",
              220, 198, 220, 198),
            c("\r\n\r\nwindows",
              201, 198, 201, 198, 28457),
            c("trailing tab\t",
              9535, 4386, 7400, 197),
            c("   ",
              220, 220, 220),
            c(""),
            c("12345 678 9000000 3.14159 1,000,000",
              10163, 2231, 718, 3695, 860, 10535, 513, 13, 1415, 19707, 352, 11, 830, 11, 830),
            c("I'm you're we've I'll she'd it's don't",
              40, 1101, 345, 821, 356, 1053, 314, 1183, 673, 1549, 340, 338, 836, 470),
            c("HE'S IT'S I'M WE'RE THEY'VE YOU'LL HE'D DON'T",
              13909, 6, 50, 7283, 6, 50, 314, 6, 44, 12887, 6, 2200, 33302, 6, 6089, 7013, 6, 3069, 11179, 6, 35, 23917, 6, 51),
            c("the cat's toy",
              1169, 3797, 338, 13373),
            c("'s's'tthe''",
              338, 338, 470, 1169, 7061),
            c("Wait... what?!?! ---- ***hello*** ((x)) [[y]] {{z}} <<>> !!",
              21321, 986, 644, 12248, 12248, 13498, 17202, 31373, 8162, 14808, 87, 4008, 16410, 88, 11907, 22935, 89, 11709, 9959, 4211, 37867),
            c("https://example.com/path?q=1&r=two#frag",
              5450, 1378, 20688, 13, 785, 14, 6978, 30, 80, 28, 16, 5, 81, 28, 11545, 2, 8310, 363),
            c("def f(x):\n    return x**2  # square\n",
              4299, 277, 7, 87, 2599, 198, 220, 220, 220, 1441, 2124, 1174, 17, 220, 1303, 6616, 198),
            c("emoji: 😀 👍🏽 👨\u200d👩\u200d👧\u200d👦 🏳\ufe0f\u200d🌈 ❤\ufe0f",
              368, 31370, 25, 30325, 222, 50169, 235, 8582, 237, 121, 50169, 101, 447, 235, 41840, 102, 447, 235, 41840, 100, 447, 235, 41840, 99, 12520, 237, 111, 37929, 447, 235, 8582, 234, 230, 43074, 97, 37929),
            c("中文字符测试，你好世界！",
              40792, 23877, 229, 27764, 245, 163, 105, 99, 38184, 233, 46237, 243, 171, 120, 234, 19526, 254, 25001, 121, 10310, 244, 45911, 234, 171, 120, 223),
            c("مرحبا بالعالم",
              25405, 26897, 148, 255, 39848, 12919, 17550, 101, 23525, 44690, 23525, 25405),
            c("नमस\u094dत\u0947 द\u0941न\u093fय\u093e",
              11976, 101, 11976, 106, 11976, 116, 24231, 235, 11976, 97, 24231, 229, 28225, 99, 24231, 223, 11976, 101, 11976, 123, 11976, 107, 48077),
            c("Привет, мир! Ёлка",
              140, 253, 21169, 18849, 38857, 16843, 20375, 11, 12466, 120, 18849, 21169, 0, 12466, 223, 30143, 31583, 16142),
            c("Café naïve résumé Ångström façade Œuvre",
              34, 1878, 2634, 41492, 40560, 16345, 2634, 6184, 227, 782, 2536, 9101, 76, 24685, 16175, 671, 25370, 240, 14795, 260),
            c("e\u0301 combining accents a\u0308",
              68, 136, 223, 19771, 39271, 257, 136, 230),
            c("Mixed: Hello世界123abc😀!?",
              44, 2966, 25, 18435, 10310, 244, 45911, 234, 10163, 39305, 47249, 222, 22857),
            c("<|endoftext|>",
              27, 91, 437, 1659, 5239, 91, 29),
            c("Hello<|endoftext|>World",
              15496, 27, 91, 437, 1659, 5239, 91, 29, 10603),
            c("\u00a0non-breaking\u00a0space\u2003em space\u3000ideographic",
              1849, 13159, 12, 13395, 1849, 13200, 447, 225, 368, 2272, 5099, 222, 485, 6826),
            c("zero\u200bwidth\u200djoiner\ufeffbom",
              22570, 9525, 10394, 447, 235, 7639, 7274, 171, 119, 123, 65, 296),
            c("\u0000\u0001\u001f control \u007f chars",
              188, 189, 219, 1630, 220, 221, 34534),
            c("Ā ĉ Ġ ġ ł",
              128, 222, 34754, 231, 34754, 254, 34754, 94, 25370, 224),
            c("١٢٣ ٤٥٦ Ⅻ ½ ²",
              149, 94, 149, 95, 149, 96, 18923, 97, 149, 98, 149, 99, 2343, 227, 104, 25208, 1587, 110),
            c("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
              24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 24794, 7252),
            c("        indented code block with eight spaces",
              220, 220, 220, 220, 220, 220, 220, 773, 4714, 2438, 2512, 351, 3624, 9029),
            c("x\u0085y next-line char",
              87, 126, 227, 88, 1306, 12, 1370, 1149),
            c("😀😀😀",
              47249, 222, 47249, 222, 47249, 222),
            c("𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕞𝕒𝕥𝕙",
              47728, 242, 246, 47728, 242, 104, 47728, 242, 99, 47728, 242, 254, 47728, 242, 105, 47728, 242, 94, 47728, 242, 95, 220, 47728, 243, 252, 47728, 243, 240, 47728, 243, 98, 47728, 243, 247),
            c(" \ufeffx",
              27332, 119, 123, 87),
            c(",,,,,,,,,,",
              47682, 9832),
            c("\u001c\u001d \u001c x",
              216, 217, 220, 216, 2124),
            c("a , , ,, ,,, ,,,, b",
              64, 837, 837, 837, 11, 837, 9832, 837, 9832, 11, 275)
);

    @Test
    void vocabularyIsGpt2s() {
        assertEquals(50257, gpt2.vocabSize());
        assertEquals(50000, gpt2.merges().size());
        assertEquals(List.of("Ġ", "t"), gpt2.merges().get(0));
        assertEquals(50256, gpt2.eosId().orElseThrow());
        assertEquals(50256, gpt2.tokenId("<|endoftext|>"));
        assertFalse(gpt2.padId().isPresent(), "GPT-2 has no padding token");
        assertEquals(List.of("<|endoftext|>"), gpt2.specialTokens());
        assertEquals("Ġworld", gpt2.token(995));
        assertEquals(995, gpt2.id("Ġworld").orElseThrow());
        assertEquals("byte-level-bpe(50257)", gpt2.name());
    }

    @Test
    void helloWorldIsThePublishedIds() {
        assertArrayEquals(new int[] {15496, 995}, gpt2.encode("Hello world"));
        assertEquals("Hello world", gpt2.decode(new int[] {15496, 995}));
    }

    @TestFactory
    Stream<DynamicTest> trickyStringsMatchGpt2() {
        return CASES.stream().map(k -> DynamicTest.dynamicTest(ByteLevelBpe.quote(k.text), () -> {
            assertArrayEquals(k.ids, gpt2.encode(k.text), "encode " + ByteLevelBpe.quote(k.text));
            assertEquals(k.text, gpt2.decode(k.ids));
        }));
    }

    /** 400 random mixed-script strings, encoded by encoder.py (src/test/reference/gen_reference_cases.py). */
    @Test
    void randomReferenceStringsMatchGpt2() throws IOException {
        ObjectMapper json = new ObjectMapper();
        int n = 0;
        for (String line : resourceLines("/gpt2/reference_cases.jsonl")) {
            JsonNode c = json.readTree(line);
            String text = c.get("text").asText();
            int[] ids = json.treeToValue(c.get("ids"), int[].class);
            assertArrayEquals(ids, gpt2.encode(text), "line " + (n + 1) + ": " + ByteLevelBpe.quote(text));
            assertEquals(text, gpt2.decode(ids));
            n++;
        }
        assertEquals(400, n);
    }

    @Test
    void specialTokensAreTextUnlessAskedFor() {
        assertArrayEquals(new int[] {27, 91, 437, 1659, 5239, 91, 29}, gpt2.encode("<|endoftext|>"));
        assertArrayEquals(new int[] {15496, 50256, 10603}, gpt2.encodeWithSpecials("Hello<|endoftext|>World"));
        assertArrayEquals(new int[] {50256, 50256}, gpt2.encodeWithSpecials("<|endoftext|><|endoftext|>"));
        assertArrayEquals(new int[] {17250, 50256}, gpt2.encodeWithSpecials("Hi<|endoftext|>"));
        // Split at the special, the pieces are encoded on their own (the space does not join " <").
        assertArrayEquals(gpt2.encode("a "), java.util.Arrays.copyOfRange(gpt2.encodeWithSpecials("a <|endoftext|>"), 0, 2));
        assertArrayEquals(gpt2.encode("plain text"), gpt2.encodeWithSpecials("plain text"));
        assertEquals("x<|endoftext|>y", gpt2.decode(gpt2.encodeWithSpecials("x<|endoftext|>y")));
        assertThrows(IllegalArgumentException.class, () -> gpt2.tokenId("<pad>"));
    }

    @Test
    void decodeRangeAndBadIds() {
        int[] ids = {15496, 995, 0};
        assertEquals(" world", gpt2.decode(ids, 1, 2));
        assertEquals("", gpt2.decode(ids, 2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpt2.decode(new int[] {1, 50257}));
        assertTrue(e.getMessage().contains("50257") && e.getMessage().contains("position 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> gpt2.decode(new int[] {-1}));
        assertThrows(IndexOutOfBoundsException.class, () -> gpt2.decode(ids, 2, 4));
    }

    @Test
    void unpairedSurrogatesAreRejectedLikePython() {
        // Python's str.encode("utf-8") raises on them too; Java would silently write '?'.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpt2.encode("ab\uD83D"));
        assertTrue(e.getMessage().contains("U+D83D") && e.getMessage().contains("index 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> gpt2.encode("\uDE00x"));
        assertThrows(IllegalArgumentException.class, () -> gpt2.encodeWithSpecials("<|endoftext|>\uDC00"));
    }

    /** Python's bytes.decode("utf-8", errors="replace") outputs (src/test/reference/gen_utf8_cases.py). */
    @Test
    void invalidUtf8DecodesLikePythonReplace() throws IOException {
        ObjectMapper json = new ObjectMapper();
        int n = 0;
        for (String line : resourceLines("/gpt2/utf8_replace_cases.jsonl")) {
            JsonNode c = json.readTree(line);
            byte[] bytes = HexFormat.of().parseHex(c.get("hex").asText());
            String expected = c.get("text").asText();
            assertEquals(expected, ByteLevelBpe.decodeUtf8(bytes), "bytes " + c.get("hex").asText());
            // The same through token ids: one single-byte token per byte.
            int[] ids = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                ids[i] = gpt2.id(ByteLevelBpe.symbolString(new byte[] {bytes[i]})).orElseThrow();
            }
            assertEquals(expected, gpt2.decode(ids));
            n++;
        }
        assertTrue(n > 300);
        // A token cut in the middle of a character: GPT-2 models do emit these.
        assertEquals("\uFFFD", gpt2.decode(new int[] {47249}));       // first 3 bytes of an emoji
        assertEquals("\uD83D\uDE00", gpt2.decode(new int[] {47249, 222}));
    }

    /** Random Unicode, fresh each run; the seed is in every failure message. */
    @Test
    void randomUnicodeRoundTrips() {
        long seed = TestSeeds.seed("ByteLevelBpeGpt2Test.randomUnicodeRoundTrips");
        System.out.println("ByteLevelBpeGpt2Test.randomUnicodeRoundTrips seed=" + seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int t = 0; t < 2000; t++) {
            String s = randomText(rnd, 1 + rnd.nextInt(60));
            int[] ids = gpt2.encode(s);
            assertEquals(s, gpt2.decode(ids), "seed=" + seed + " case " + t);
            for (int id : ids) {
                assertTrue(id >= 0 && id < 50256, "plain encode never yields a special; seed=" + seed);
            }
        }
    }

    /** Any id sequence decodes (to valid text, replacement characters allowed). */
    @Test
    void randomIdsAlwaysDecode() {
        long seed = TestSeeds.seed("ByteLevelBpeGpt2Test.randomIdsAlwaysDecode");
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int t = 0; t < 2000; t++) {
            int[] ids = rnd.ints(rnd.nextInt(20), 0, gpt2.vocabSize()).toArray();
            String s = gpt2.decode(ids);
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (Character.isHighSurrogate(ch)) {
                    assertTrue(i + 1 < s.length() && Character.isLowSurrogate(s.charAt(++i)), "seed=" + seed);
                } else {
                    assertFalse(Character.isLowSurrogate(ch), "seed=" + seed);
                }
            }
        }
    }

    @Test
    void longInputsAreFast() {
        String para = "The quick brown fox jumps over the lazy dog; it's 1234 times faster! ";
        String text = para.repeat(2000) + "a".repeat(20000) + " ".repeat(5000) + "x";
        // this thread's CPU time, not wall time: other processes on a busy machine cannot slow it
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = mx.getCurrentThreadCpuTime();
        int[] ids = gpt2.encode(text);
        long ms = (mx.getCurrentThreadCpuTime() - t0) / 1_000_000;
        assertEquals(text, gpt2.decode(ids));
        assertTrue(ms < 10_000, "encode took " + ms + " ms of CPU");
    }

    /** Random text from a mix of scripts, spaces, digits, punctuation, emoji and any code point. */
    static String randomText(SplittableRandom rnd, int pieces) {
        StringBuilder s = new StringBuilder();
        String[] snippets = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", " ", "  ", "\n", "\t", "\r\n",
            "\u00a0", "\u0085", "\ufeff", "\u200d", "<|endoftext|>", "123", " the", "..."};
        for (int p = 0; p < pieces; p++) {
            int kind = rnd.nextInt(8);
            int cp = switch (kind) {
                case 0 -> 0x20 + rnd.nextInt(0x5F);                 // ASCII
                case 1 -> 0xA0 + rnd.nextInt(0x2000 - 0xA0);        // Latin, Greek, Cyrillic, Arabic, Indic ...
                case 2 -> 0x4E00 + rnd.nextInt(0x5000);             // CJK
                case 3 -> 0x1F300 + rnd.nextInt(0x300);             // emoji
                case 4 -> rnd.nextInt(0x20);                        // controls
                case 5 -> -1;                                       // snippet
                default -> {
                    int any;
                    do {
                        any = rnd.nextInt(Character.MAX_CODE_POINT + 1);
                    } while (any >= 0xD800 && any <= 0xDFFF);
                    yield any;
                }
            };
            if (cp < 0) {
                s.append(snippets[rnd.nextInt(snippets.length)]);
            } else {
                s.appendCodePoint(cp);
            }
        }
        return s.toString();
    }

    static List<String> resourceLines(String name) throws IOException {
        List<String> out = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(ByteLevelBpeGpt2Test.class.getResourceAsStream(name), name);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(line);
                }
            }
        }
        return out;
    }
}
