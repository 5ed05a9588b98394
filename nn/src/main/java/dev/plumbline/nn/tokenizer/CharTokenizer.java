/*
 * Plumbline nn — a character-level tokenizer for the small built-in tasks: one id per Unicode
 * code point of a fixed alphabet, special tokens after the characters, saved as JSON.
 */
package dev.plumbline.nn.tokenizer;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * Character-level tokenizer: ids {@code 0..n-1} are the alphabet's code points in the given
 * order, then the special tokens in the given order.
 *
 * <p>{@link #encode(String)} maps each code point of the text to its id; a character outside the
 * alphabet is an {@link IllegalArgumentException} naming it and its index, unless an unknown
 * token was chosen (one of the specials), which it then becomes. Special-token names inside the
 * text are plain characters, never their special id.
 *
 * <pre>{@code
 * CharTokenizer tok = CharTokenizer.ofAlphabet("0123456789+=", List.of("<eos>", "<pad>"));
 * int[] ids = tok.encode("12+7=19");        // [1, 2, 10, 7, 11, 1, 9]
 * int eos = tok.eosId().orElseThrow();      // 12
 * tok.decode(new int[] {1, 2, 12});         // "12<eos>"
 * tok.save(Path.of("run/tokenizer.json"));
 * }</pre>
 */
public final class CharTokenizer implements Tokenizer {

    private static final String TYPE = "char";
    private static final int FORMAT_VERSION = 1;

    private final int[] codePoints;                 // id → code point, for ids below codePoints.length
    private final Map<Integer, Integer> idOfCodePoint;
    private final List<String> specials;
    private final Map<String, Integer> specialIds;
    private final int unkId;                        // -1: unknown characters are an error

    private CharTokenizer(int[] codePoints, List<String> specials, String unk) {
        this.codePoints = codePoints.clone();
        this.idOfCodePoint = new HashMap<>();
        for (int i = 0; i < codePoints.length; i++) {
            int cp = codePoints[i];
            if (cp < 0 || cp > Character.MAX_CODE_POINT) {
                throw new IllegalArgumentException("not a code point: " + cp);
            }
            if (idOfCodePoint.putIfAbsent(cp, i) != null) {
                throw new IllegalArgumentException("the alphabet repeats " + describe(cp));
            }
        }
        this.specials = List.copyOf(specials);
        this.specialIds = new LinkedHashMap<>();
        for (String s : this.specials) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("empty special token");
            }
            if (s.codePointCount(0, s.length()) == 1 && idOfCodePoint.containsKey(s.codePointAt(0))) {
                // Decoding could not tell the special from the character.
                throw new IllegalArgumentException("special token " + ByteLevelBpe.quote(s) + " is also a character of the alphabet");
            }
            if (specialIds.putIfAbsent(s, codePoints.length + specialIds.size()) != null) {
                throw new IllegalArgumentException("special tokens repeat: " + specials);
            }
        }
        if (unk != null && !specialIds.containsKey(unk)) {
            throw new IllegalArgumentException("unknown token " + ByteLevelBpe.quote(unk) + " must be one of the specials " + specials);
        }
        this.unkId = unk == null ? -1 : specialIds.get(unk);
    }

    /**
     * A tokenizer over the code points of {@code alphabet}, in that order, then {@code specials}.
     * Unknown characters are an error.
     *
     * @param alphabet the characters, each once
     * @param specials special tokens such as {@code "<eos>"}, {@code "<pad>"}
     * @return the tokenizer
     * @throws IllegalArgumentException if a character or special repeats
     */
    public static CharTokenizer ofAlphabet(String alphabet, List<String> specials) {
        return ofAlphabet(alphabet, specials, null);
    }

    /**
     * As {@link #ofAlphabet(String, List)}, but characters outside the alphabet become {@code unk}.
     *
     * <pre>{@code
     * CharTokenizer tok = CharTokenizer.ofAlphabet("ab", List.of("<unk>"), "<unk>");
     * tok.encode("abc");   // [0, 1, 2]
     * }</pre>
     *
     * @param alphabet the characters, each once
     * @param specials special tokens
     * @param unk      one of {@code specials}, or {@code null} to make unknown characters an error
     * @return the tokenizer
     */
    public static CharTokenizer ofAlphabet(String alphabet, List<String> specials, String unk) {
        checkPaired(alphabet, "the alphabet");
        return new CharTokenizer(alphabet.codePoints().toArray(), specials, unk);
    }

    /**
     * A tokenizer over the sorted unique code points of {@code texts}, then {@code specials}.
     *
     * <pre>{@code
     * CharTokenizer tok = CharTokenizer.fromCorpus(List.of("hello", "world"), List.of("<eos>"));
     * tok.vocabSize();   // 8: d e h l o r w, then <eos>
     * }</pre>
     *
     * @param texts    the corpus
     * @param specials special tokens
     * @return the tokenizer
     */
    public static CharTokenizer fromCorpus(Iterable<String> texts, List<String> specials) {
        TreeSet<Integer> cps = new TreeSet<>();
        for (String t : texts) {
            checkPaired(t, "a corpus text");
            t.codePoints().forEach(cps::add);
        }
        return new CharTokenizer(cps.stream().mapToInt(Integer::intValue).toArray(), specials, null);
    }

    @Override
    public int[] encode(String text) {
        int[] out = new int[text.length()];
        int n = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            Integer id = idOfCodePoint.get(cp);
            if (id == null) {
                if (unkId < 0) {
                    throw new IllegalArgumentException(describe(cp) + " at index " + i
                            + " is not in the alphabet of " + name());
                }
                id = unkId;
            }
            out[n++] = id;
            i += Character.charCount(cp);
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public String decode(int[] ids, int from, int to) {
        Objects.checkFromToIndex(from, to, ids.length);
        StringBuilder s = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            int id = ids[i];
            if (id >= 0 && id < codePoints.length) {
                s.appendCodePoint(codePoints[id]);
            } else if (id >= codePoints.length && id < vocabSize()) {
                s.append(specials.get(id - codePoints.length));
            } else {
                throw new IllegalArgumentException("token id " + id + " at position " + i
                        + " is not in the vocabulary (size " + vocabSize() + ")");
            }
        }
        return s.toString();
    }

    @Override
    public int vocabSize() {
        return codePoints.length + specials.size();
    }

    @Override
    public OptionalInt eosId() {
        return firstSpecial(ByteLevelBpe.EOS_NAMES);
    }

    @Override
    public OptionalInt padId() {
        return firstSpecial(ByteLevelBpe.PAD_NAMES);
    }

    /** @return the unknown token's id, if unknown characters map to one */
    public OptionalInt unkId() {
        return unkId < 0 ? OptionalInt.empty() : OptionalInt.of(unkId);
    }

    private OptionalInt firstSpecial(List<String> names) {
        for (String n : names) {
            Integer id = specialIds.get(n);
            if (id != null) {
                return OptionalInt.of(id);
            }
        }
        return OptionalInt.empty();
    }

    @Override
    public List<String> specialTokens() {
        return specials;
    }

    @Override
    public int tokenId(String token) {
        Integer id = specialIds.get(token);
        if (id == null) {
            throw new IllegalArgumentException("not a special token: " + ByteLevelBpe.quote(token) + "; specials are " + specials);
        }
        return id;
    }

    /** @return the alphabet as a string, in id order */
    public String alphabet() {
        return new String(codePoints, 0, codePoints.length);
    }

    @Override
    public String name() {
        return "char(" + vocabSize() + ")";
    }

    @Override
    public String toString() {
        return name();
    }

    /**
     * Writes this tokenizer as JSON, atomically (temp file, then rename):
     * {@code {"type":"char","version":1,"chars":["a","b"],"specials":["<eos>"],"unk":null}}.
     *
     * @param file the target file
     * @throws IOException if it cannot be written
     */
    public void save(Path file) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", TYPE);
        json.put("version", FORMAT_VERSION);
        List<String> chars = new ArrayList<>();
        for (int cp : codePoints) {
            chars.add(new String(Character.toChars(cp)));
        }
        json.put("chars", chars);
        json.put("specials", specials);
        json.put("unk", unkId < 0 ? null : specials.get(unkId - codePoints.length));
        dev.plumbline.tensor.io.AtomicFiles.write(file, ByteLevelBpe.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
    }

    /**
     * Reads a tokenizer written by {@link #save(Path)}.
     *
     * @param file the JSON file
     * @return the tokenizer
     * @throws TokenizerFileException if the file is malformed; the message names file and line
     * @throws IOException            if it cannot be read
     */
    public static CharTokenizer load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads a tokenizer written by {@link #save(Path)} from a stream (which is not closed).
     *
     * @param in   the JSON content
     * @param name the name to use in error messages
     * @return the tokenizer
     * @throws TokenizerFileException if the content is malformed
     * @throws IOException            if the stream cannot be read
     */
    public static CharTokenizer read(InputStream in, String name) throws IOException {
        String type = null;
        Integer version = null;
        List<Integer> cps = null;
        List<String> specials = null;
        String unk = null;
        JsonLocation objectStart = null;
        try (JsonParser p = ByteLevelBpe.JSON_FACTORY.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw error(name, p.currentTokenLocation(), "expected a JSON object");
            }
            objectStart = p.currentTokenLocation();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                JsonLocation at = p.currentTokenLocation();
                switch (field) {
                    case "type" -> type = string(name, p, v, at, field);
                    case "version" -> {
                        if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                            throw error(name, at, "\"version\" must be an integer");
                        }
                        version = p.getIntValue();
                    }
                    case "chars" -> {
                        cps = new ArrayList<>();
                        for (String c : strings(name, p, v, at, field)) {
                            if (c.codePointCount(0, c.length()) != 1 || (c.length() == 1 && Character.isSurrogate(c.charAt(0)))) {
                                throw error(name, at, "each of \"chars\" must be one character, got " + ByteLevelBpe.quote(c));
                            }
                            cps.add(c.codePointAt(0));
                        }
                    }
                    case "specials" -> specials = strings(name, p, v, at, field);
                    case "unk" -> unk = v == JsonToken.VALUE_NULL ? null : string(name, p, v, at, field);
                    default -> throw error(name, at, "unknown field " + ByteLevelBpe.quote(field));
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw error(name, p.currentTokenLocation(), "unexpected content");
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new TokenizerFileException(name, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
                    "invalid JSON: " + e.getOriginalMessage());
        }
        if (!TYPE.equals(type)) {
            throw error(name, objectStart, "\"type\" must be \"char\", got " + ByteLevelBpe.quote(type));
        }
        if (version == null || version != FORMAT_VERSION) {
            throw error(name, objectStart, "unsupported \"version\" " + version + " (this reader knows " + FORMAT_VERSION + ")");
        }
        if (cps == null || specials == null) {
            throw error(name, objectStart, "needs both \"chars\" and \"specials\"");
        }
        try {
            return new CharTokenizer(cps.stream().mapToInt(Integer::intValue).toArray(), specials, unk);
        } catch (IllegalArgumentException e) {
            throw error(name, objectStart, e.getMessage());
        }
    }

    private static String string(String name, JsonParser p, JsonToken v, JsonLocation at, String field)
            throws IOException {
        if (v != JsonToken.VALUE_STRING) {
            throw error(name, at, ByteLevelBpe.quote(field) + " must be a string");
        }
        return p.getText();
    }

    private static List<String> strings(String name, JsonParser p, JsonToken v, JsonLocation at, String field)
            throws IOException {
        if (v != JsonToken.START_ARRAY) {
            throw error(name, at, ByteLevelBpe.quote(field) + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.VALUE_STRING) {
            out.add(p.getText());
        }
        if (t != JsonToken.END_ARRAY) {
            throw error(name, p.currentTokenLocation(), ByteLevelBpe.quote(field) + " must hold only strings");
        }
        return out;
    }

    private static TokenizerFileException error(String name, JsonLocation at, String detail) {
        return new TokenizerFileException(name, at.getLineNr(), at.getColumnNr(), detail);
    }

    private static void checkPaired(String s, String what) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(String.format("unpaired surrogate U+%04X at index %d of %s", (int) c, i, what));
            }
        }
    }

    private static String describe(int cp) {
        String shown = Character.isISOControl(cp) || Character.isWhitespace(cp) || (cp >= 0xD800 && cp <= 0xDFFF)
                ? "" : "'" + new String(Character.toChars(cp)) + "' ";
        return String.format("character %s(U+%04X)", shown, cp);
    }
}
