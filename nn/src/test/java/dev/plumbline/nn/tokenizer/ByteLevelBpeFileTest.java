/*
 * Plumbline nn — malformed vocab.json / merges.txt / special_tokens.json: each problem is a
 * TokenizerFileException whose message names the file and the line.
 */
package dev.plumbline.nn.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteLevelBpeFileTest {

    @TempDir
    Path dir;

    /**
     * A small valid vocabulary, one entry per line so line numbers mean something: the 256 bytes
     * on lines 2..257, then {@code extra} entries from line 258 on.
     */
    static String vocab(String... extra) {
        List<String> lines = new ArrayList<>();
        int id = 0;
        for (int b : ByteLevelBpe.BYTES_IN_ID_ORDER) {
            lines.add(json(String.valueOf(ByteLevelBpe.BYTE_TO_CHAR[b])) + ": " + id++);
        }
        for (String e : extra) {
            lines.add(e.contains(":") ? e : json(e) + ": " + id++);
        }
        return "{\n" + String.join(",\n", lines) + "\n}\n";
    }

    static String json(String s) {
        try {
            return ByteLevelBpe.JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private ByteLevelBpe load(String vocabJson, String mergesTxt) throws IOException {
        return load(vocabJson.getBytes(StandardCharsets.UTF_8), mergesTxt.getBytes(StandardCharsets.UTF_8));
    }

    private ByteLevelBpe load(byte[] vocabJson, byte[] mergesTxt) throws IOException {
        Files.write(dir.resolve("vocab.json"), vocabJson);
        Files.write(dir.resolve("merges.txt"), mergesTxt);
        return ByteLevelBpe.load(dir);
    }

    private TokenizerFileException fails(String vocabJson, String mergesTxt, String file, int line, String detail) {
        TokenizerFileException e = assertThrows(TokenizerFileException.class, () -> load(vocabJson, mergesTxt));
        assertFileLine(e, file, line, detail);
        return e;
    }

    private void assertFileLine(TokenizerFileException e, String file, int line, String detail) {
        String where = dir.resolve(file) + (line > 0 ? ":" + line + ":" : ":");
        assertTrue(e.getMessage().startsWith(where), "expected " + where + " at the start of: " + e.getMessage());
        assertTrue(e.getMessage().contains(detail), "expected '" + detail + "' in: " + e.getMessage());
        assertEquals(line, e.line());
        assertEquals(dir.resolve(file).toString(), e.file());
    }

    @Test
    void aSmallValidPairLoads() throws IOException {
        ByteLevelBpe tok = load(vocab("ab", "Ġab"), "#version: 0.2\na b\r\nĠ ab\n\n");
        assertEquals(258, tok.vocabSize());
        assertArrayEquals(new int[] {256, 257}, tok.encode("ab ab"));
        assertEquals(List.of(), tok.specialTokens());
        // Without a #version line, line 1 is a merge (Hugging Face writes files both ways).
        assertEquals(2, load(vocab("ab", "Ġab"), "a b\nĠ ab").merges().size());
        assertEquals(0, load(vocab(), "").merges().size());
    }

    @Test
    void badJson() {
        fails("{\n\"a\": 1,\n", "", "vocab.json", 3, "invalid JSON");
        fails("[1, 2]", "", "vocab.json", 1, "expected a JSON object");
        fails(vocab() + "{}", "", "vocab.json", 259, "unexpected content after the JSON object");
        fails("{\"a\": 0,\n \"b\": 1 \"c\": 2}", "", "vocab.json", 2, "invalid JSON");
    }

    @Test
    void badIds() {
        fails(vocab("\"ab\": \"7\""), "", "vocab.json", 258, "must be an integer");
        fails(vocab("\"ab\": 1.5"), "", "vocab.json", 258, "must be an integer");
        fails(vocab("\"ab\": -3"), "", "vocab.json", 258, "must be in [0,");
        fails(vocab("\"ab\": 99999999999"), "", "vocab.json", 258, "must be an integer");
        fails(vocab("\"ab\": 16777216"), "", "vocab.json", 258, "must be in [0, 16777216)");
        fails(vocab("\"ab\": null"), "", "vocab.json", 258, "must be an integer");
        fails(vocab("\"ab\": [1]"), "", "vocab.json", 258, "must be an integer");
    }

    @Test
    void duplicates() {
        fails(vocab("\"ab\": 256", "\"cd\": 256"), "", "vocab.json", 259, "duplicate id 256 (tokens \"ab\" and \"cd\")");
        fails(vocab("\"ab\": 256", "\"ab\": 257"), "", "vocab.json", 259, "duplicate token \"ab\"");
        fails(vocab("\"\": 256"), "", "vocab.json", 258, "empty token");
    }

    @Test
    void vocabularyThatIsNotByteLevel() {
        TokenizerFileException e = assertThrows(TokenizerFileException.class,
                () -> load("{\"a\": 0}", ""));
        assertFileLine(e, "vocab.json", 0, "missing the single-byte token \"Ā\" (byte 0x00)");
        fails(vocab("hello world"), "", "vocab.json", 0, "character U+0020, which stands for no byte");
    }

    @Test
    void badMerges() {
        String v = vocab("ab", "Ġab", "abc");
        fails(v, "#version: 0.2\na b\na b c\n", "merges.txt", 3, "expected two tokens separated by one space, got \"a b c\"");
        fails(v, "#version: 0.2\nab\n", "merges.txt", 2, "expected two tokens");
        fails(v, "#version: 0.2\na  b\n", "merges.txt", 2, "expected two tokens");
        fails(v, "#version: 0.2\na\tb\n", "merges.txt", 2, "expected two tokens");
        fails(v, "#version: 0.2\na b\nx ab\nq z\n", "merges.txt", 3, "merge result \"xab\" is not in the vocabulary");
        fails(v, "a b\nab zz\n", "merges.txt", 2, "merge part \"zz\" is not in the vocabulary");
        fails(v, "#version: 0.2\na b\nĠ ab\na b\n", "merges.txt", 4, "duplicate merge \"a b\" (first on line 2)");
        fails(v, "#version: 0.2\n#version: 0.2\n", "merges.txt", 2, "merge part \"#version:\" is not in the vocabulary");
    }

    @Test
    void mergesThatAreNotUtf8() {
        byte[] merges = {'a', ' ', 'b', '\n', 'a', ' ', (byte) 0xC3, '\n'};
        TokenizerFileException e = assertThrows(TokenizerFileException.class,
                () -> load(vocab("ab").getBytes(StandardCharsets.UTF_8), merges));
        assertFileLine(e, "merges.txt", 2, "not valid UTF-8");
        byte[] badVocab = {'{', '\n', '"', (byte) 0xFF, '"', ':', '0', '}'};
        e = assertThrows(TokenizerFileException.class, () -> load(badVocab, new byte[0]));
        assertFileLine(e, "vocab.json", 2, "invalid JSON");
    }

    @Test
    void specialTokens() throws IOException {
        String v = vocab("ab", "<|endoftext|>", "<pad>");
        ByteLevelBpe tok = load(v, "a b\n");
        assertEquals(List.of("<|endoftext|>"), tok.specialTokens(), "default: <|endoftext|> when present");
        assertEquals(257, tok.eosId().orElseThrow());

        Files.writeString(dir.resolve("special_tokens.json"), "[\"<|endoftext|>\", \"<pad>\"]");
        tok = ByteLevelBpe.load(dir);
        assertEquals(258, tok.padId().orElseThrow());
        assertArrayEquals(new int[] {256, 258}, tok.encodeWithSpecials("ab<pad>"));

        Files.writeString(dir.resolve("special_tokens.json"), "[\"<|endoftext|>\",\n \"<sep>\"]");
        TokenizerFileException e = assertThrows(TokenizerFileException.class, () -> ByteLevelBpe.load(dir));
        assertFileLine(e, "vocab.json", 0, "special token \"<sep>\" is not in the vocabulary");

        Files.writeString(dir.resolve("special_tokens.json"), "[\"<|endoftext|>\",\n 3]");
        e = assertThrows(TokenizerFileException.class, () -> ByteLevelBpe.load(dir));
        assertFileLine(e, "special_tokens.json", 2, "expected a JSON array of strings");

        Files.writeString(dir.resolve("special_tokens.json"), "[\"<|endoftext|>\"]");
        e = assertThrows(TokenizerFileException.class, () -> load(v, "a b\nab <|endoftext|>\n"));
        assertFileLine(e, "merges.txt", 2, "merge part \"<|endoftext|>\" is a special token");
    }

    @Test
    void specialsMayUseAnyCharacters() throws IOException {
        Files.writeString(dir.resolve("special_tokens.json"), "[\"<|im start|>\"]");
        ByteLevelBpe tok = load(vocab("<|im start|>"), "");
        assertArrayEquals(new int[] {256}, tok.encodeWithSpecials("<|im start|>"));
        assertEquals("<|im start|>", tok.decode(new int[] {256}));
    }

    @Test
    void missingFileIsAPlainIoError() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ByteLevelBpe.load(dir.resolve("nowhere")));
    }
}
