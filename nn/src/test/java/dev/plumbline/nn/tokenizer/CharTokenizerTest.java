/*
 * Plumbline nn — the character tokenizer: ids, specials, unknown characters, JSON save/load.
 */
package dev.plumbline.nn.tokenizer;

import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CharTokenizerTest {

    @TempDir
    Path dir;

    @Test
    void alphabetThenSpecials() {
        CharTokenizer tok = CharTokenizer.ofAlphabet("0123456789+=", List.of("<eos>", "<pad>"));
        assertArrayEquals(new int[] {1, 2, 10, 7, 11, 1, 9}, tok.encode("12+7=19"));
        assertEquals(14, tok.vocabSize());
        assertEquals(12, tok.eosId().orElseThrow());
        assertEquals(13, tok.padId().orElseThrow());
        assertEquals(12, tok.tokenId("<eos>"));
        assertEquals(List.of("<eos>", "<pad>"), tok.specialTokens());
        assertEquals("12+7=19<eos><pad>", tok.decode(new int[] {1, 2, 10, 7, 11, 1, 9, 12, 13}));
        assertEquals("+7", tok.decode(new int[] {1, 2, 10, 7, 11}, 2, 4));
        assertEquals("char(14)", tok.name());
        assertEquals("0123456789+=", tok.alphabet());
        assertArrayEquals(new int[0], tok.encode(""));
        assertThrows(IllegalArgumentException.class, () -> tok.tokenId("<unk>"));
    }

    @Test
    void specialNamesInTextAreCharacters() {
        CharTokenizer tok = CharTokenizer.ofAlphabet("<>eos", List.of("<eos>"));
        assertArrayEquals(new int[] {0, 2, 3, 4, 1}, tok.encode("<eos>"));
    }

    @Test
    void unknownCharacterIsNamedWithItsIndex() {
        CharTokenizer tok = CharTokenizer.ofAlphabet("abc ", List.of("<eos>"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.encode("ab cd"));
        assertTrue(e.getMessage().contains("'d' (U+0064) at index 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tok.encode("a\tb"));
        assertTrue(e.getMessage().contains("U+0009") && e.getMessage().contains("index 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tok.encode("ab😀"));
        assertTrue(e.getMessage().contains("U+1F600") && e.getMessage().contains("index 2"), e.getMessage());
    }

    @Test
    void unknownTokenWhenChosen() {
        CharTokenizer tok = CharTokenizer.ofAlphabet("ab", List.of("<unk>", "<eos>"), "<unk>");
        assertArrayEquals(new int[] {0, 1, 2, 2, 0}, tok.encode("ab😀\uD800a"));
        assertEquals(2, tok.unkId().orElseThrow());
        assertEquals(3, tok.eosId().orElseThrow());
        assertFalse(tok.padId().isPresent());
        assertThrows(IllegalArgumentException.class, () -> CharTokenizer.ofAlphabet("ab", List.of("<eos>"), "<unk>"));
    }

    @Test
    void fromCorpusIsSortedUniqueCodePoints() {
        CharTokenizer tok = CharTokenizer.fromCorpus(List.of("hello", "world", "😀é"), List.of("<eos>"));
        assertEquals("dehlorwé😀", tok.alphabet());
        assertEquals(10, tok.vocabSize());
        assertEquals(9, tok.eosId().orElseThrow());
        assertEquals("hello😀", tok.decode(tok.encode("hello😀")));
    }

    @Test
    void supplementaryCharactersAreOneToken() {
        CharTokenizer tok = CharTokenizer.ofAlphabet("a😀𝔘", List.of());
        assertArrayEquals(new int[] {1, 0, 2}, tok.encode("😀a𝔘"));
        assertEquals("😀a𝔘", tok.decode(new int[] {1, 0, 2}));
    }

    @Test
    void badConstruction() {
        assertThrows(IllegalArgumentException.class, () -> CharTokenizer.ofAlphabet("aba", List.of()));
        assertThrows(IllegalArgumentException.class, () -> CharTokenizer.ofAlphabet("ab", List.of("<e>", "<e>")));
        assertThrows(IllegalArgumentException.class, () -> CharTokenizer.ofAlphabet("ab", List.of("")));
        assertThrows(IllegalArgumentException.class, () -> CharTokenizer.ofAlphabet("ab", List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> CharTokenizer.ofAlphabet("a\uD800", List.of()));
        assertThrows(IllegalArgumentException.class, () -> CharTokenizer.fromCorpus(List.of("\uDC00"), List.of()));
    }

    @Test
    void badIds() {
        CharTokenizer tok = CharTokenizer.ofAlphabet("ab", List.of("<eos>"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {0, 3}));
        assertTrue(e.getMessage().contains("token id 3 at position 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {-1}));
        assertThrows(IndexOutOfBoundsException.class, () -> tok.decode(new int[] {0}, 0, 2));
    }

    @Test
    void saveAndLoad() throws IOException {
        CharTokenizer tok = CharTokenizer.ofAlphabet("ab\n\"\\é😀", List.of("<unk>", "<eos>", "<pad>"), "<unk>");
        Path file = dir.resolve("sub/tokenizer.json");
        tok.save(file);
        CharTokenizer back = CharTokenizer.load(file);
        assertEquals(tok.alphabet(), back.alphabet());
        assertEquals(tok.specialTokens(), back.specialTokens());
        assertEquals(tok.unkId(), back.unkId());
        assertArrayEquals(tok.encode("a\"x😀\n"), back.encode("a\"x😀\n"));
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temp file left behind");
        }
    }

    @Test
    void randomRoundTrip() {
        long seed = TestSeeds.seed("CharTokenizerTest.randomRoundTrip");
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> corpus = List.of(ByteLevelBpeGpt2Test.randomText(rnd, 300), ByteLevelBpeGpt2Test.randomText(rnd, 300));
        CharTokenizer tok = CharTokenizer.fromCorpus(corpus, List.of("<eos>"));
        for (String s : corpus) {
            assertEquals(s, tok.decode(tok.encode(s)), "seed=" + seed);
        }
    }

    private TokenizerFileException loadFails(String json, int line, String detail) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, json);
        TokenizerFileException e = assertThrows(TokenizerFileException.class, () -> CharTokenizer.load(file));
        assertTrue(e.getMessage().startsWith(file + ":" + line + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(detail), e.getMessage());
        return e;
    }

    @Test
    void malformedFiles() throws IOException {
        loadFails("{\n\"type\": \"char\",\n\"version\": 1,\n\"chars\": [\"a\", \"bc\"],\n\"specials\": []}", 4,
                "each of \"chars\" must be one character, got \"bc\"");
        loadFails("{\n\"type\": \"char\",\n\"version\": 1,\n\"chars\": [\"a\", \"a\"],\n\"specials\": []}", 1,
                "the alphabet repeats");
        loadFails("{\"type\": \"bpe\", \"version\": 1, \"chars\": [], \"specials\": []}", 1, "\"type\" must be \"char\"");
        loadFails("{\"type\": \"char\", \"version\": 2, \"chars\": [], \"specials\": []}", 1, "unsupported \"version\" 2");
        loadFails("{\"type\": \"char\", \"version\": 1, \"chars\": []}", 1, "needs both");
        loadFails("{\"type\": \"char\",\n \"version\": 1,\n \"chars\": [1], \"specials\": []}", 3, "must hold only strings");
        loadFails("{\"type\": \"char\",\n \"version\": 1,\n \"extra\": 0}", 3, "unknown field \"extra\"");
        loadFails("{\"type\": \"char\",\n\n \"version\": ", 3, "invalid JSON");
        loadFails("{\"type\": \"char\", \"version\": 1, \"chars\": [], \"specials\": [\"<e>\"], \"unk\": \"<u>\"}", 1,
                "must be one of the specials");
        loadFails("[]", 1, "expected a JSON object");
    }
}
