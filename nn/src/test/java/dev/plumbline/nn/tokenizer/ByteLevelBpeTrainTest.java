/*
 * Plumbline nn — training a byte-level BPE: hand-checked merges on a toy corpus, determinism,
 * round trips, and save/load of what was trained.
 */
package dev.plumbline.nn.tokenizer;

import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteLevelBpeTrainTest {

    /**
     * "abab abab ab" pre-tokenises to "abab", " abab", " ab" (space written Ġ). By hand:
     * (a,b) occurs 5 times → "ab". Then (ab,ab) and (Ġ,ab) both occur twice; the tie goes to the
     * smaller left token's bytes, " " (0x20) before "ab" → "Ġab". Then (Ġab,ab) and (ab,ab) once
     * each; " ab" sorts before "ab" → "Ġabab". Then (ab,ab) → "abab". Then no pair is left.
     */
    @Test
    void toyCorpusMergesAreTheHandCheckedOnes() {
        ByteLevelBpe tok = ByteLevelBpe.train(List.of("abab abab ab"), 300, List.of("<|endoftext|>"));
        assertEquals(List.of(List.of("a", "b"), List.of("Ġ", "ab"), List.of("Ġab", "ab"), List.of("ab", "ab")),
                tok.merges());
        assertEquals(261, tok.vocabSize(), "256 bytes + 4 merges + 1 special: training stops when no pair is left");
        assertEquals(256, tok.id("ab").orElseThrow());
        assertEquals(257, tok.id("Ġab").orElseThrow());
        assertEquals(258, tok.id("Ġabab").orElseThrow());
        assertEquals(259, tok.id("abab").orElseThrow());
        assertEquals(260, tok.eosId().orElseThrow());
        assertArrayEquals(new int[] {259, 258, 257}, tok.encode("abab abab ab"));
        // Byte ids follow GPT-2's order, so single bytes get GPT-2's ids.
        assertEquals(0, tok.id("!").orElseThrow());
        assertEquals(220, tok.id("Ġ").orElseThrow());
    }

    @Test
    void vocabSizeBoundsTheMerges() {
        ByteLevelBpe tok = ByteLevelBpe.train(List.of("abab abab ab"), 258, List.of("<|endoftext|>"));
        assertEquals(List.of(List.of("a", "b")), tok.merges());
        assertEquals(258, tok.vocabSize());
        ByteLevelBpe none = ByteLevelBpe.train(List.of("abab"), 256, List.of());
        assertEquals(256, none.vocabSize());
        assertTrue(none.merges().isEmpty());
        assertFalse(none.eosId().isPresent());
    }

    @Test
    void trainingIsDeterministicAndIndependentOfCorpusOrder() {
        List<String> corpus = syntheticCorpus(new Random(1), 300);
        ByteLevelBpe a = ByteLevelBpe.train(corpus, 600, List.of("<|endoftext|>", "<pad>"));
        List<String> shuffled = new ArrayList<>(corpus);
        Collections.shuffle(shuffled, new Random(2));
        ByteLevelBpe b = ByteLevelBpe.train(shuffled, 600, List.of("<|endoftext|>", "<pad>"));
        assertEquals(a.merges(), b.merges());
        assertEquals(600, a.vocabSize());
        assertEquals(598, a.eosId().orElseThrow());
        assertEquals(599, a.padId().orElseThrow());
    }

    @Test
    void trainedTokenizerRoundTripsAndCompresses() {
        List<String> corpus = syntheticCorpus(new Random(3), 400);
        ByteLevelBpe tok = ByteLevelBpe.train(corpus, 800, List.of("<|endoftext|>"));
        long bytes = 0;
        long tokens = 0;
        for (String s : corpus) {
            int[] ids = tok.encode(s);
            assertEquals(s, tok.decode(ids));
            bytes += s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            tokens += ids.length;
        }
        assertTrue(tokens * 2 < bytes, "a trained vocabulary should at least halve the length: " + tokens + " vs " + bytes);
        long seed = TestSeeds.seed("ByteLevelBpeTrainTest.trainedTokenizerRoundTripsAndCompresses");
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int t = 0; t < 500; t++) {
            String s = ByteLevelBpeGpt2Test.randomText(rnd, 1 + rnd.nextInt(40));
            assertEquals(s, tok.decode(tok.encode(s)), "seed=" + seed);
            assertEquals(s, tok.decode(tok.encodeWithSpecials(s)), "seed=" + seed);
        }
    }

    @Test
    void specialTokensInTheCorpusAreBoundariesNotLearned() {
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            corpus.add("one two<|endoftext|>three<|endoftext|>");
        }
        ByteLevelBpe tok = ByteLevelBpe.train(corpus, 400, List.of("<|endoftext|>"));
        for (List<String> m : tok.merges()) {
            assertFalse((m.get(0) + m.get(1)).contains("|"), "learned from a special token: " + m);
        }
        int eos = tok.eosId().orElseThrow();
        int[] ids = tok.encodeWithSpecials("one two<|endoftext|>");
        assertEquals(eos, ids[ids.length - 1]);
    }

    @Test
    void saveThenLoadGivesTheSameTokenizer(@TempDir Path dir) throws IOException {
        List<String> corpus = syntheticCorpus(new Random(4), 200);
        ByteLevelBpe tok = ByteLevelBpe.train(corpus, 700, List.of("<|endoftext|>", "<pad>"));
        tok.save(dir);
        assertTrue(Files.readString(dir.resolve("merges.txt")).startsWith("#version: 0.2\n"));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("merges.txt", "special_tokens.json", "vocab.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temp files left behind");
        }
        ByteLevelBpe back = ByteLevelBpe.load(dir);
        assertEquals(tok.merges(), back.merges());
        assertEquals(tok.vocabSize(), back.vocabSize());
        assertEquals(tok.specialTokens(), back.specialTokens());
        assertEquals(tok.padId(), back.padId());
        for (String s : corpus) {
            assertArrayEquals(tok.encodeWithSpecials(s), back.encodeWithSpecials(s));
        }
        tok.save(dir); // overwriting works too
        assertEquals(tok.merges(), ByteLevelBpe.load(dir).merges());
    }

    @Test
    void gpt2SavedAndReloadedIsByteIdenticalInBehaviour(@TempDir Path dir) throws IOException {
        ByteLevelBpe gpt2 = ByteLevelBpe.load(ByteLevelBpeGpt2Test.gpt2Dir());
        gpt2.save(dir);
        assertEquals(Files.readString(ByteLevelBpeGpt2Test.gpt2Dir().resolve("merges.txt")),
                Files.readString(dir.resolve("merges.txt")), "merges.txt is written exactly as GPT-2's");
        ByteLevelBpe back = ByteLevelBpe.load(dir);
        assertArrayEquals(new int[] {15496, 995}, back.encode("Hello world"));
        assertEquals(50256, back.eosId().orElseThrow());
    }

    /** Many tiny random corpora: whatever is trained must save, load back and round-trip. */
    @Test
    void randomTinyCorporaTrainSaveAndLoad(@TempDir Path dir) throws IOException {
        long seed = TestSeeds.seed("ByteLevelBpeTrainTest.randomTinyCorporaTrainSaveAndLoad");
        SplittableRandom rnd = new SplittableRandom(seed);
        String alphabet = "aab c\n'éд😀";
        for (int t = 0; t < 100; t++) {
            List<String> corpus = new ArrayList<>();
            for (int i = 0, n = 1 + rnd.nextInt(5); i < n; i++) {
                StringBuilder s = new StringBuilder();
                for (int j = 0, len = rnd.nextInt(30); j < len; j++) {
                    s.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0,
                            rnd.nextInt(alphabet.codePointCount(0, alphabet.length())))));
                }
                corpus.add(s.toString());
            }
            ByteLevelBpe tok = ByteLevelBpe.train(corpus, 256 + 1 + rnd.nextInt(60), List.of("<|endoftext|>"));
            Path d = dir.resolve("t" + t);
            tok.save(d);
            ByteLevelBpe back = ByteLevelBpe.load(d);
            assertEquals(tok.merges(), back.merges(), "seed=" + seed);
            for (String s : corpus) {
                int[] ids = tok.encode(s);
                assertEquals(s, tok.decode(ids), "seed=" + seed);
                assertArrayEquals(ids, back.encode(s), "seed=" + seed);
            }
        }
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ByteLevelBpe.train(List.of("x"), 256, List.of("<eos>")));
        assertThrows(IllegalArgumentException.class, () -> ByteLevelBpe.train(List.of("x"), 300, List.of("<a>", "<a>")));
        assertThrows(IllegalArgumentException.class, () -> ByteLevelBpe.train(List.of("x"), 300, List.of("")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ByteLevelBpe.train(List.of("ok", "bad \uD800 here"), 300, List.of()));
        assertTrue(e.getMessage().contains("U+D800") && e.getMessage().contains("index 4"), e.getMessage());
        // A special spelled like an ordinary token would be produced by plain encode.
        assertThrows(IllegalArgumentException.class, () -> ByteLevelBpe.train(List.of("abab"), 300, List.of("a")));
    }

    /** Sentences of common words and random syllable words, with a little of other scripts; seeded. */
    static List<String> syntheticCorpus(Random rnd, int sentences) {
        String[] words = {"the", "model", "learns", "a", "reward", "from", "preferences", "labeler", "policy",
            "it's", "we'll", "don't", "tokens", "and", "of", "to", "in", "1024", "3.14", "GPT-2", "Plumbline",
            "naïve", "café", "данные", "模型", "😀", "(x)", "--", "!"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < sentences; i++) {
            StringBuilder s = new StringBuilder();
            for (int j = 0, n = 3 + rnd.nextInt(12); j < n; j++) {
                s.append(j == 0 ? "" : rnd.nextInt(10) == 0 ? "  " : " ");
                if (rnd.nextBoolean()) {
                    s.append(words[rnd.nextInt(words.length)]);
                } else {
                    for (int k = 0, syl = 1 + rnd.nextInt(4); k < syl; k++) {
                        s.append("bdfgklmnprstvz".charAt(rnd.nextInt(14))).append("aeiou".charAt(rnd.nextInt(5)));
                    }
                }
            }
            out.add(s.append(rnd.nextBoolean() ? ".\n" : ".").toString());
        }
        return out;
    }
}
