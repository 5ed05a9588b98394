/*
 * Plumbline nn — fuzzing the file readers and the encoder: thousands of mutated and random
 * vocab.json / merges.txt / char-tokenizer files; only TokenizerFileException may come out,
 * nothing may hang, and whatever loads must round-trip text.
 */
package dev.plumbline.nn.tokenizer;

import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ByteLevelBpeFuzzTest {

    private static final String[] SPECIALS_CHOICES = {"<|endoftext|>", "<pad>", "ab", "Ġ"};

    @Test
    void mutatedBpeFilesFailOnlyWithTheDocumentedException() {
        long seed = TestSeeds.seed("ByteLevelBpeFuzzTest.mutatedBpeFilesFailOnlyWithTheDocumentedException");
        System.out.println("ByteLevelBpeFuzzTest seed=" + seed);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            int loaded = 0;
            int rejected = 0;
            for (int t = 0; t < 3000; t++) {
                byte[] vocab = validVocab(rnd).getBytes(StandardCharsets.UTF_8);
                byte[] merges = validMerges(rnd).getBytes(StandardCharsets.UTF_8);
                int what = rnd.nextInt(4);
                if (what == 0 || what == 2) {
                    vocab = mutate(rnd, vocab);
                }
                if (what == 1 || what == 2) {
                    merges = mutate(rnd, merges);
                }
                List<String> specials = null;
                if (rnd.nextInt(4) == 0) {
                    specials = new ArrayList<>();
                    for (int i = rnd.nextInt(3); i > 0; i--) {
                        specials.add(SPECIALS_CHOICES[rnd.nextInt(SPECIALS_CHOICES.length)]);
                    }
                }
                ByteLevelBpe tok;
                try {
                    tok = ByteLevelBpe.read(new ByteArrayInputStream(vocab), "vocab.json",
                            new ByteArrayInputStream(merges), "merges.txt", specials);
                } catch (TokenizerFileException e) {
                    assertTrue(e.getMessage().startsWith(e.file() + (e.line() > 0 ? ":" + e.line() : "")),
                            "seed=" + seed + ": " + e.getMessage());
                    rejected++;
                    continue;
                } catch (IllegalArgumentException e) {
                    // The one documented argument error: the caller's list of specials repeats.
                    assertTrue(specials != null && specials.stream().distinct().count() < specials.size(),
                            "seed=" + seed + ": " + e);
                    continue;
                } catch (IOException | RuntimeException e) {
                    throw new AssertionError("seed=" + seed + " case " + t + ": undocumented " + e, e);
                }
                loaded++;
                for (int k = 0; k < 3; k++) {
                    String s = ByteLevelBpeGpt2Test.randomText(rnd, 1 + rnd.nextInt(20));
                    assertEquals(s, tok.decode(tok.encode(s)), "seed=" + seed + " case " + t);
                    assertEquals(s, tok.decode(tok.encodeWithSpecials(s)), "seed=" + seed + " case " + t);
                }
                int[] ids = rnd.ints(8, 0, tok.vocabSize()).toArray();
                try {
                    tok.decode(ids);
                } catch (IllegalArgumentException e) {
                    assertTrue(e.getMessage().contains("is not in the vocabulary"), e.getMessage()); // gaps in ids
                }
            }
            assertTrue(loaded > 200 && rejected > 200, "both outcomes exercised: " + loaded + " loaded, " + rejected + " rejected");
        });
    }

    @Test
    void randomBytesFailOnlyWithTheDocumentedException() {
        long seed = TestSeeds.seed("ByteLevelBpeFuzzTest.randomBytesFailOnlyWithTheDocumentedException");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int t = 0; t < 2000; t++) {
                byte[] a = randomBytes(rnd);
                byte[] b = randomBytes(rnd);
                try {
                    ByteLevelBpe.read(new ByteArrayInputStream(a), "v", new ByteArrayInputStream(b), "m", null);
                    fail("random bytes loaded as a vocabulary; seed=" + seed);
                } catch (TokenizerFileException expected) {
                    // fine
                }
                try {
                    CharTokenizer.read(new ByteArrayInputStream(a), "c");
                } catch (TokenizerFileException expected) {
                    // fine
                }
            }
        });
    }

    @Test
    void mutatedCharTokenizerFilesFailOnlyWithTheDocumentedException() {
        long seed = TestSeeds.seed("ByteLevelBpeFuzzTest.mutatedCharTokenizerFilesFailOnlyWithTheDocumentedException");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            String valid = "{\n  \"type\" : \"char\",\n  \"version\" : 1,\n  \"chars\" : [ \"a\", \"b\", \"😀\", \"\\n\" ],\n"
                    + "  \"specials\" : [ \"<unk>\", \"<eos>\" ],\n  \"unk\" : \"<unk>\"\n}";
            int loaded = 0;
            for (int t = 0; t < 3000; t++) {
                byte[] file = mutate(rnd, valid.getBytes(StandardCharsets.UTF_8));
                try {
                    CharTokenizer tok = CharTokenizer.read(new ByteArrayInputStream(file), "c.json");
                    loaded++;
                    String s = tok.alphabet();
                    assertEquals(s, tok.decode(tok.encode(s)));
                } catch (TokenizerFileException expected) {
                    assertTrue(expected.getMessage().startsWith("c.json"), expected.getMessage());
                }
            }
            assertTrue(loaded > 0, "seed=" + seed);
        });
    }

    /** A small valid vocabulary: the 256 bytes plus a few merged tokens, in random line layout. */
    private static String validVocab(SplittableRandom rnd) {
        StringBuilder s = new StringBuilder("{");
        int id = 0;
        for (String entry : BYTE_ENTRIES) {
            s.append(id == 0 ? "" : ",").append(rnd.nextInt(8) == 0 ? "\n" : "").append(entry).append(":").append(id++);
        }
        for (String t : new String[] {"ab", "Ġa", "Ġab", "abc", "<|endoftext|>", "<pad>"}) {
            s.append(",\n").append(ByteLevelBpeFileTest.json(t)).append(": ").append(id++);
        }
        return s.append("}").toString();
    }

    private static final List<String> BYTE_ENTRIES = new ArrayList<>();

    static {
        for (int b : ByteLevelBpe.BYTES_IN_ID_ORDER) {
            BYTE_ENTRIES.add(ByteLevelBpeFileTest.json(String.valueOf(ByteLevelBpe.BYTE_TO_CHAR[b])));
        }
    }

    private static String validMerges(SplittableRandom rnd) {
        List<String> lines = new ArrayList<>(List.of("a b", "Ġ a", "Ġa b", "ab c"));
        if (rnd.nextBoolean()) {
            lines.add(0, "#version: 0.2");
        }
        return String.join("\n", lines) + (rnd.nextBoolean() ? "\n" : "");
    }

    private static final String[] INSERTS = {"\"", ":", ",", "{", "}", "[", "]", "-1", "1e9", "0.5", " ", "\n",
        "\r\n", "null", "\\", "\\u12", "Ġ", "a b c", "a", "#version", "\u0000", "99999999999999999999"};

    /** One to four random edits: flip/delete/insert bytes, truncate, duplicate a slice, insert tokens. */
    static byte[] mutate(SplittableRandom rnd, byte[] in) {
        byte[] b = in;
        for (int edits = 1 + rnd.nextInt(4); edits > 0; edits--) {
            int n = b.length;
            int at = n == 0 ? 0 : rnd.nextInt(n);
            switch (rnd.nextInt(6)) {
                case 0 -> {
                    if (n > 0) {
                        b = b.clone();
                        b[at] = (byte) rnd.nextInt(256);
                    }
                }
                case 1 -> b = splice(b, at, Math.min(n, at + 1 + rnd.nextInt(8)), new byte[0]);
                case 2 -> b = java.util.Arrays.copyOf(b, at);
                case 3 -> b = splice(b, at, at, java.util.Arrays.copyOfRange(b, at, Math.min(n, at + rnd.nextInt(40))));
                default -> b = splice(b, at, at, INSERTS[rnd.nextInt(INSERTS.length)].getBytes(StandardCharsets.UTF_8));
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }

    private static final String JSONISH = "{}[]\":,0123 ab\n";

    private static byte[] randomBytes(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(200)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (rnd.nextBoolean() ? JSONISH.charAt(rnd.nextInt(JSONISH.length())) : rnd.nextInt(256));
        }
        return b;
    }
}
