/*
 * Plumbline nn — GPT-2's byte-level BPE tokenizer: loads vocab.json + merges.txt, encodes and
 * decodes exactly as openai/gpt-2's encoder.py, trains new vocabularies, and saves them back.
 */
package dev.plumbline.nn.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level byte-pair-encoding tokenizer.
 *
 * <p>Text is split by GPT-2's pre-tokenisation regex, each piece's UTF-8 bytes are mapped to
 * printable stand-in characters (GPT-2's {@code bytes_to_unicode}), and merges are applied
 * lowest rank first, every occurrence left to right, until none applies — the same loop as
 * openai/gpt-2's {@code encoder.py}, so ids match GPT-2's exactly. Decoding concatenates the
 * tokens' bytes and decodes UTF-8 the way Python's {@code errors="replace"} does, so any id
 * sequence decodes and {@code decode(encode(s)).equals(s)} for every well-formed string.
 *
 * <p>Special tokens (GPT-2's {@code <|endoftext|>} = 50256) are never produced by
 * {@link #encode(String)}: there the string {@code "<|endoftext|>"} is ordinary text, as in
 * GPT-2's {@code encoder.py}. {@link #encodeWithSpecials(String)} recognises them.
 *
 * <pre>{@code
 * ByteLevelBpe gpt2 = ByteLevelBpe.load(Path.of("gpt2"));     // vocab.json + merges.txt
 * gpt2.encode("Hello world");                                   // [15496, 995]
 * gpt2.encodeWithSpecials("Hi<|endoftext|>");                   // [17250, 50256]
 *
 * ByteLevelBpe mine = ByteLevelBpe.train(corpus, 1000, List.of("<|endoftext|>"));
 * mine.save(Path.of("my-tokenizer"));
 * }</pre>
 *
 * <p>Instances are immutable apart from an internal, thread-safe cache of encoded pieces.
 */
public final class ByteLevelBpe implements Tokenizer {

    /** GPT-2's end-of-text token. */
    public static final String ENDOFTEXT = "<|endoftext|>";

    /** Special-token names that {@link #eosId()} and {@link #padId()} recognise, in order of preference. */
    static final List<String> EOS_NAMES = List.of(ENDOFTEXT, "<eos>", "</s>");
    static final List<String> PAD_NAMES = List.of("<pad>", "<|pad|>");

    /**
     * GPT-2's pattern {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}.
     * Python's {@code regex} module takes {@code \s} as Unicode White_Space (not U+001C..U+001F,
     * unlike {@code re}; not U+FEFF, unlike JavaScript), so it is spelled {@code \p{IsWhite_Space}}
     * here: Java's plain {@code \s} is ASCII only. {@code \s+(?!\S)} must stay backtracking (not
     * possessive): it gives back one space so that "  x" splits as " " + " x", as in Python.
     */
    static final Pattern GPT2_SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d"
                    + "| ?\\p{L}+| ?\\p{N}+"
                    + "| ?[^\\p{IsWhite_Space}\\p{L}\\p{N}]+"
                    + "|\\p{IsWhite_Space}+(?!\\P{IsWhite_Space})"
                    + "|\\p{IsWhite_Space}+");

    /** Thread-safe once configured; creating one per call is slow. */
    static final ObjectMapper JSON = new ObjectMapper();

    /** Largest id accepted from a file: bounds the arrays a hostile vocab.json can make us allocate. */
    static final int MAX_ID = 1 << 24;

    /** Pieces longer than this are not cached: they are rare and would bloat the cache. */
    private static final int CACHE_MAX_PIECE = 64;
    private static final int CACHE_MAX_ENTRIES = 100_000;

    /** GPT-2's {@code bytes_to_unicode}: byte b is written as char BYTE_TO_CHAR[b]. */
    static final char[] BYTE_TO_CHAR = new char[256];
    /** Inverse of BYTE_TO_CHAR, -1 for chars that stand for no byte. */
    private static final int[] CHAR_TO_BYTE = new int[512];
    /** The 256 bytes in GPT-2's id order (id i of a GPT-2-style vocab is byte BYTES_IN_ID_ORDER[i]). */
    static final int[] BYTES_IN_ID_ORDER = new int[256];

    static {
        // Printable Latin-1 bytes stand for themselves; the other 68 are shifted to 256.., in order.
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CHAR[b] = printable ? (char) b : (char) (256 + n++);
        }
        Arrays.fill(CHAR_TO_BYTE, -1);
        for (int b = 0; b < 256; b++) {
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
        }
        int i = 0;
        for (int c = 0; c < CHAR_TO_BYTE.length; c++) {
            if (CHAR_TO_BYTE[c] >= 0) {
                BYTES_IN_ID_ORDER[i++] = CHAR_TO_BYTE[c];
            }
        }
    }

    private final String[] idToToken;        // null where an id is unused
    private final byte[][] idToBytes;        // what each id decodes to
    private final Map<String, Integer> tokenToId;
    private final int[] byteToId = new int[256];
    private final MergeTable merges;
    private final List<String[]> mergeList;  // in rank order, for save()
    private final List<String> specials;     // in id order
    private final Map<String, Integer> specialIds;
    private final Pattern specialSplit;      // null when there are no specials
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /** Arguments already validated (see {@link #read} and {@link BpeTrainer}). */
    ByteLevelBpe(Map<String, Integer> vocab, List<String[]> mergeList, Collection<String> specialTokens) {
        int size = 0;
        for (int id : vocab.values()) {
            size = Math.max(size, id + 1);
        }
        this.idToToken = new String[size];
        this.idToBytes = new byte[size][];
        this.tokenToId = new HashMap<>(vocab);
        this.mergeList = List.copyOf(mergeList);
        List<String> sp = new ArrayList<>(specialTokens);
        sp.sort(Comparator.comparingInt(vocab::get));
        this.specials = List.copyOf(sp);
        this.specialIds = new LinkedHashMap<>();
        for (String s : specials) {
            specialIds.put(s, vocab.get(s));
        }
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            String t = e.getKey();
            int id = e.getValue();
            idToToken[id] = t;
            idToBytes[id] = specialIds.containsKey(t) ? t.getBytes(StandardCharsets.UTF_8) : symbolBytes(t);
        }
        for (int b = 0; b < 256; b++) {
            byteToId[b] = vocab.get(String.valueOf(BYTE_TO_CHAR[b]));
        }
        this.merges = new MergeTable(mergeList.size());
        for (int rank = 0; rank < mergeList.size(); rank++) {
            String[] m = mergeList.get(rank);
            merges.put(vocab.get(m[0]), vocab.get(m[1]), rank, vocab.get(m[0] + m[1]));
        }
        if (specials.isEmpty()) {
            this.specialSplit = null;
        } else {
            // Longest first, so a special that is a prefix of another never wins by accident.
            List<String> byLength = new ArrayList<>(specials);
            byLength.sort(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
            StringBuilder re = new StringBuilder();
            for (String s : byLength) {
                re.append(re.length() == 0 ? "" : "|").append(Pattern.quote(s));
            }
            this.specialSplit = Pattern.compile(re.toString());
        }
    }

    // ---------------------------------------------------------------- loading

    /**
     * Loads {@code dir/vocab.json} and {@code dir/merges.txt}. Special tokens are those listed in
     * {@code dir/special_tokens.json} (a JSON array of strings, written by {@link #save}) if that
     * file exists, otherwise {@code <|endoftext|>} if the vocabulary has it (as GPT-2's does).
     *
     * <pre>{@code
     * ByteLevelBpe gpt2 = ByteLevelBpe.load(Path.of("models/gpt2"));
     * }</pre>
     *
     * @param dir folder holding the files
     * @return the tokenizer
     * @throws TokenizerFileException if a file is malformed; the message names file and line
     * @throws IOException            if a file cannot be read
     */
    public static ByteLevelBpe load(Path dir) throws IOException {
        Path specialsFile = dir.resolve("special_tokens.json");
        List<String> specials = null;
        if (Files.exists(specialsFile)) {
            specials = readSpecials(specialsFile);
        }
        return load(dir.resolve("vocab.json"), dir.resolve("merges.txt"), specials);
    }

    /**
     * Loads a GPT-2-format vocabulary and merges file.
     *
     * @param vocabJson     {@code vocab.json} (GPT-2's {@code encoder.json}): a JSON object token → id
     * @param mergesTxt     {@code merges.txt} (GPT-2's {@code vocab.bpe}): an optional {@code #version}
     *                      line, then one merge per line, two symbols separated by one space
     * @param specialTokens the special tokens (each must be in the vocabulary), or {@code null}
     *                      for {@code <|endoftext|>} if the vocabulary has it
     * @return the tokenizer
     * @throws TokenizerFileException   if a file is malformed; the message names file and line
     * @throws IOException              if a file cannot be read
     * @throws IllegalArgumentException if {@code specialTokens} repeats a token
     */
    public static ByteLevelBpe load(Path vocabJson, Path mergesTxt, Collection<String> specialTokens)
            throws IOException {
        try (InputStream v = Files.newInputStream(vocabJson); InputStream m = Files.newInputStream(mergesTxt)) {
            return read(v, vocabJson.toString(), m, mergesTxt.toString(), specialTokens);
        }
    }

    /**
     * Reads a GPT-2-format vocabulary and merges from streams (which are not closed).
     *
     * @param vocabJson     the vocab.json content
     * @param vocabName     the name to use for it in error messages
     * @param mergesTxt     the merges.txt content
     * @param mergesName    the name to use for it in error messages
     * @param specialTokens as in {@link #load(Path, Path, Collection)}
     * @return the tokenizer
     * @throws TokenizerFileException   if the content is malformed
     * @throws IOException              if a stream cannot be read
     * @throws IllegalArgumentException if {@code specialTokens} repeats a token
     */
    public static ByteLevelBpe read(InputStream vocabJson, String vocabName, InputStream mergesTxt,
                                   String mergesName, Collection<String> specialTokens) throws IOException {
        Map<String, Integer> vocab = readVocab(vocabJson, vocabName);
        List<String> specials;
        if (specialTokens == null) {
            specials = vocab.containsKey(ENDOFTEXT) ? List.of(ENDOFTEXT) : List.of();
        } else {
            specials = new ArrayList<>(specialTokens);
        }
        checkVocab(vocab, vocabName, specials);
        List<String[]> mergeList = readMerges(mergesTxt, mergesName, vocab, specials);
        return new ByteLevelBpe(vocab, mergeList, specials);
    }

    /** Jackson's limits stay on (string length, nesting), which bounds hostile input; thread-safe. */
    static final JsonFactory JSON_FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(1 << 20).build())
            .build();

    private static Map<String, Integer> readVocab(InputStream in, String name) throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        Map<Integer, String> byId = new HashMap<>();
        try (JsonParser p = JSON_FACTORY.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw jsonError(name, p, "expected a JSON object mapping token to id");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                JsonLocation at = p.currentTokenLocation();
                String token = p.currentName();
                JsonToken v = p.nextToken();
                if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                    throw error(name, at, "id of " + quote(token) + " must be an integer in [0, " + MAX_ID
                            + "), got " + p.getText());
                }
                int id = p.getIntValue();
                if (id < 0 || id >= MAX_ID) {
                    throw error(name, at, "id of " + quote(token) + " must be in [0, " + MAX_ID + "), got " + id);
                }
                if (token.isEmpty()) {
                    throw error(name, at, "empty token (id " + id + ")");
                }
                if (vocab.containsKey(token)) {
                    throw error(name, at, "duplicate token " + quote(token) + " (ids " + vocab.get(token)
                            + " and " + id + ")");
                }
                String other = byId.putIfAbsent(id, token);
                if (other != null) {
                    throw error(name, at, "duplicate id " + id + " (tokens " + quote(other) + " and "
                            + quote(token) + ")");
                }
                vocab.put(token, id);
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw jsonError(name, p, "expected a token or '}', got " + p.getText());
            }
            if (p.nextToken() != null) {
                throw jsonError(name, p, "unexpected content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new TokenizerFileException(name, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
                    "invalid JSON: " + e.getOriginalMessage());
        }
        return vocab;
    }

    private static void checkVocab(Map<String, Integer> vocab, String name, List<String> specials)
            throws TokenizerFileException {
        for (String s : specials) {
            if (s == null || s.isEmpty() || !vocab.containsKey(s)) {
                throw new TokenizerFileException(name, 0, 0, "special token " + quote(s) + " is not in the vocabulary");
            }
        }
        if (specials.stream().distinct().count() != specials.size()) {
            throw new IllegalArgumentException("special tokens repeat: " + specials);
        }
        Set<String> specialSet = new HashSet<>(specials);
        for (String t : vocab.keySet()) {
            if (!specialSet.contains(t)) {
                for (int i = 0; i < t.length(); i++) {
                    char c = t.charAt(i);
                    if (c >= CHAR_TO_BYTE.length || CHAR_TO_BYTE[c] < 0) {
                        throw new TokenizerFileException(name, 0, 0, "token " + quote(t) + " (id " + vocab.get(t)
                                + ") has " + describe(c) + ", which stands for no byte; byte-level tokens use"
                                + " only GPT-2's 256 byte symbols (special tokens excepted)");
                    }
                }
            }
        }
        for (int b = 0; b < 256; b++) {
            String sym = String.valueOf(BYTE_TO_CHAR[b]);
            if (!vocab.containsKey(sym)) {
                throw new TokenizerFileException(name, 0, 0, String.format(
                        "missing the single-byte token %s (byte 0x%02X); a byte-level vocabulary needs all 256",
                        quote(sym), b));
            }
            if (specials.contains(sym)) {
                throw new TokenizerFileException(name, 0, 0, "special token " + quote(sym) + " is also a byte token");
            }
        }
    }

    private static List<String[]> readMerges(InputStream in, String name, Map<String, Integer> vocab,
                                             List<String> specials) throws IOException {
        List<String[]> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        // Split on '\n' first and decode each line strictly, so invalid UTF-8 is reported on its
        // own line (a BufferedReader decodes ahead and would blame an earlier one).
        byte[] all = in.readAllBytes();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        int lineNo = 0;
        for (int start = 0; start < all.length; ) {
            int end = start;
            while (end < all.length && all[end] != '\n') {
                end++;
            }
            lineNo++;
            String line;
            try {
                line = utf8.decode(ByteBuffer.wrap(all, start, end - start)).toString();
            } catch (CharacterCodingException e) {
                throw new TokenizerFileException(name, lineNo, 0, "not valid UTF-8");
            }
            start = end + 1;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a byte-order mark some editors add
            }
            if (lineNo == 1 && line.startsWith("#version")) {
                continue;
            }
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split(" ", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new TokenizerFileException(name, lineNo, 0, "expected two tokens separated by one space, got "
                        + quote(line));
            }
            for (String part : parts) {
                if (!vocab.containsKey(part)) {
                    throw new TokenizerFileException(name, lineNo, 0, "merge part " + quote(part) + " is not in the vocabulary");
                }
                if (specials.contains(part)) {
                    throw new TokenizerFileException(name, lineNo, 0, "merge part " + quote(part) + " is a special token");
                }
            }
            String result = parts[0] + parts[1];
            if (!vocab.containsKey(result)) {
                throw new TokenizerFileException(name, lineNo, 0, "merge result " + quote(result) + " is not in the vocabulary");
            }
            if (specials.contains(result)) {
                throw new TokenizerFileException(name, lineNo, 0, "merge result " + quote(result) + " is a special token");
            }
            Integer earlier = seen.putIfAbsent(line, lineNo);
            if (earlier != null) {
                throw new TokenizerFileException(name, lineNo, 0, "duplicate merge " + quote(line) + " (first on line "
                        + earlier + ")");
            }
            out.add(parts);
        }
        return out;
    }

    private static List<String> readSpecials(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        try (JsonParser p = JSON_FACTORY.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw jsonError(file.toString(), p, "expected a JSON array of special tokens");
            }
            while (p.nextToken() == JsonToken.VALUE_STRING) {
                out.add(p.getText());
            }
            if (p.currentToken() != JsonToken.END_ARRAY || p.nextToken() != null) {
                throw jsonError(file.toString(), p, "expected a JSON array of strings");
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new TokenizerFileException(file.toString(), at == null ? 0 : at.getLineNr(),
                    at == null ? 0 : at.getColumnNr(), "invalid JSON: " + e.getOriginalMessage());
        }
        return out;
    }

    private static TokenizerFileException jsonError(String name, JsonParser p, String detail) {
        return error(name, p.currentTokenLocation(), detail);
    }

    private static TokenizerFileException error(String name, JsonLocation at, String detail) {
        return new TokenizerFileException(name, at.getLineNr(), at.getColumnNr(), detail);
    }

    // ---------------------------------------------------------------- training and saving

    /**
     * Trains a byte-level BPE on {@code texts} with GPT-2's pre-tokenisation.
     *
     * <p>Ids 0..255 are the single bytes (in GPT-2's order), then one id per learned token, then
     * the special tokens. Each step merges the most frequent adjacent pair; ties go to the pair
     * whose left token's bytes, then right token's bytes, compare smallest (unsigned), so the
     * result does not depend on hash order. Occurrences of the special tokens in {@code texts}
     * are boundaries, never learned from. Training stops early when no pair is left.
     *
     * <pre>{@code
     * ByteLevelBpe tok = ByteLevelBpe.train(List.of("low lower lowest"), 300, List.of("<|endoftext|>"));
     * }</pre>
     *
     * @param texts         the corpus
     * @param vocabSize     the wanted vocabulary size, specials included; at least 256 + specials
     * @param specialTokens special tokens, appended at the end of the vocabulary
     * @return the trained tokenizer
     * @throws IllegalArgumentException if {@code vocabSize} is too small, the specials are empty or
     *                                  repeat, or a text holds an unpaired surrogate
     */
    public static ByteLevelBpe train(Iterable<String> texts, int vocabSize, List<String> specialTokens) {
        return BpeTrainer.train(texts, vocabSize, specialTokens);
    }

    /**
     * Writes {@code dir/vocab.json}, {@code dir/merges.txt} (GPT-2's format) and
     * {@code dir/special_tokens.json}, each atomically (temp file, then rename).
     *
     * @param dir the folder, created if missing
     * @throws IOException if a file cannot be written
     */
    public void save(Path dir) throws IOException {
        Map<String, Integer> ordered = new LinkedHashMap<>();
        for (int id = 0; id < idToToken.length; id++) {
            if (idToToken[id] != null) {
                ordered.put(idToToken[id], id);
            }
        }
        ObjectMapper json = JSON;
        StringBuilder m = new StringBuilder("#version: 0.2\n");
        for (String[] merge : mergeList) {
            m.append(merge[0]).append(' ').append(merge[1]).append('\n');
        }
        dev.plumbline.tensor.io.AtomicFiles.write(dir.resolve("vocab.json"), json.writeValueAsBytes(ordered));
        dev.plumbline.tensor.io.AtomicFiles.write(dir.resolve("merges.txt"), m.toString().getBytes(StandardCharsets.UTF_8));
        dev.plumbline.tensor.io.AtomicFiles.write(dir.resolve("special_tokens.json"), json.writeValueAsBytes(specials));
    }

    // ---------------------------------------------------------------- encoding

    /**
     * Encodes {@code text} exactly as GPT-2's {@code encoder.py}; special-token names are plain text.
     *
     * <pre>{@code
     * gpt2.encode("Hello world");     // [15496, 995]
     * gpt2.encode("<|endoftext|>");   // [27, 91, 437, 1659, 5239, 91, 29]
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code text} holds an unpaired surrogate (it has no UTF-8
     *                                  form; Python's GPT-2 raises too); the message gives its index
     */
    @Override
    public int[] encode(String text) {
        IntBuffer out = new IntBuffer(text.length() / 3 + 4);
        checkSurrogates(text);
        encodeOrdinary(text, 0, text.length(), out);
        return out.toArray();
    }

    /**
     * Like {@link #encode(String)}, but occurrences of the special tokens become their ids.
     *
     * <pre>{@code
     * gpt2.encodeWithSpecials("Hi<|endoftext|>");   // [17250, 50256]
     * }</pre>
     *
     * @param text the text
     * @return the ids
     * @throws IllegalArgumentException as {@link #encode(String)}
     */
    public int[] encodeWithSpecials(String text) {
        checkSurrogates(text);
        IntBuffer out = new IntBuffer(text.length() / 3 + 4);
        if (specialSplit == null) {
            encodeOrdinary(text, 0, text.length(), out);
            return out.toArray();
        }
        Matcher m = specialSplit.matcher(text);
        int start = 0;
        while (m.find()) {
            encodeOrdinary(text, start, m.start(), out);
            out.add(specialIds.get(m.group()));
            start = m.end();
        }
        encodeOrdinary(text, start, text.length(), out);
        return out.toArray();
    }

    private void encodeOrdinary(String text, int from, int to, IntBuffer out) {
        if (from == to) {
            return;
        }
        // Opaque region bounds: the lookahead sees only [from, to), like Python on the substring.
        Matcher m = GPT2_SPLIT.matcher(text).region(from, to);
        while (m.find()) {
            String piece = m.group();
            int[] ids = piece.length() <= CACHE_MAX_PIECE ? cache.get(piece) : null;
            if (ids == null) {
                ids = bpe(piece.getBytes(StandardCharsets.UTF_8));
                if (piece.length() <= CACHE_MAX_PIECE) {
                    if (cache.size() >= CACHE_MAX_ENTRIES) {
                        cache.clear();
                    }
                    cache.put(piece, ids);
                }
            }
            out.addAll(ids);
        }
    }

    /** GPT-2's merge loop on ids: merge the lowest-ranked adjacent pair everywhere, repeat. */
    private int[] bpe(byte[] bytes) {
        int n = bytes.length;
        int[] w = new int[n];
        for (int i = 0; i < n; i++) {
            w[i] = byteToId[bytes[i] & 0xFF];
        }
        while (n > 1) {
            int bestRank = Integer.MAX_VALUE;
            int bestAt = -1;
            for (int i = 0; i + 1 < n; i++) {
                int slot = merges.find(w[i], w[i + 1]);
                if (slot >= 0 && merges.rank(slot) < bestRank) {
                    bestRank = merges.rank(slot);
                    bestAt = i;
                }
            }
            if (bestAt < 0) {
                break;
            }
            int a = w[bestAt];
            int b = w[bestAt + 1];
            int merged = merges.result(merges.find(a, b));
            // Left to right, non-overlapping: "a a a" with (a, a) gives "aa a", as in encoder.py.
            int o = bestAt;
            int i = bestAt;
            while (i < n) {
                if (i + 1 < n && w[i] == a && w[i + 1] == b) {
                    w[o++] = merged;
                    i += 2;
                } else {
                    w[o++] = w[i++];
                }
            }
            n = o;
        }
        return n == w.length ? w : Arrays.copyOf(w, n);
    }

    private static void checkSurrogates(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    throw new IllegalArgumentException(String.format(
                            "unpaired surrogate U+%04X at index %d cannot be encoded as UTF-8", (int) c, i));
                }
            }
        }
    }

    // ---------------------------------------------------------------- decoding

    @Override
    public String decode(int[] ids, int from, int to) {
        return decodeUtf8(decodeBytes(ids, from, to));
    }

    /**
     * The raw bytes of {@code ids[from, to)}, for callers that stream text and must not split a
     * multi-byte character (decode only whole characters, keep the tail for the next call).
     *
     * @param ids  token ids
     * @param from first index, inclusive
     * @param to   last index, exclusive
     * @return the concatenated bytes of the tokens (special tokens as their UTF-8 names)
     * @throws IllegalArgumentException if an id is outside the vocabulary
     */
    public byte[] decodeBytes(int[] ids, int from, int to) {
        Objects.checkFromToIndex(from, to, ids.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(16, (to - from) * 4));
        for (int i = from; i < to; i++) {
            int id = ids[i];
            if (id < 0 || id >= idToBytes.length || idToBytes[id] == null) {
                throw new IllegalArgumentException("token id " + id + " at position " + i
                        + " is not in the vocabulary (size " + idToBytes.length + ")");
            }
            out.write(idToBytes[id], 0, idToBytes[id].length);
        }
        return out.toByteArray();
    }

    /**
     * Decodes UTF-8 as Python's {@code bytes.decode("utf-8", errors="replace")}: each maximal
     * ill-formed subsequence becomes one U+FFFD (Unicode's "substitution of maximal subparts").
     */
    static String decodeUtf8(byte[] b) {
        StringBuilder s = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                s.append((char) c);
                i++;
                continue;
            }
            int need;          // continuation bytes after the lead
            int lo = 0x80;     // allowed range of the first continuation byte
            int hi = 0xBF;
            int cp;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                cp = c & 0x1F;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                cp = c & 0x0F;
                if (c == 0xE0) {
                    lo = 0xA0;     // no overlong forms
                } else if (c == 0xED) {
                    hi = 0x9F;     // no UTF-16 surrogates
                }
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                cp = c & 0x07;
                if (c == 0xF0) {
                    lo = 0x90;     // no overlong forms
                } else if (c == 0xF4) {
                    hi = 0x8F;     // nothing above U+10FFFF
                }
            } else {
                s.append('\uFFFD'); // stray continuation byte, C0/C1, or F5..FF
                i++;
                continue;
            }
            int j = i + 1;
            boolean ok = true;
            for (int k = 0; k < need; k++, j++) {
                int min = k == 0 ? lo : 0x80;
                int max = k == 0 ? hi : 0xBF;
                if (j >= b.length || (b[j] & 0xFF) < min || (b[j] & 0xFF) > max) {
                    ok = false;
                    break;
                }
                cp = (cp << 6) | (b[j] & 0x3F);
            }
            if (ok) {
                s.appendCodePoint(cp);
            } else {
                s.append('\uFFFD'); // the lead and the valid continuations so far are one subpart
            }
            i = j;
        }
        return s.toString();
    }

    // ---------------------------------------------------------------- vocabulary

    @Override
    public int vocabSize() {
        return idToToken.length;
    }

    @Override
    public OptionalInt eosId() {
        return firstSpecial(EOS_NAMES);
    }

    @Override
    public OptionalInt padId() {
        return firstSpecial(PAD_NAMES);
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
            throw new IllegalArgumentException("not a special token: " + quote(token) + "; specials are " + specials);
        }
        return id;
    }

    /**
     * The vocabulary entry of an id in GPT-2's byte-symbol spelling (e.g. {@code "Ġworld"}).
     *
     * @param id a token id
     * @return its vocabulary string
     * @throws IllegalArgumentException if the id is not in the vocabulary
     */
    public String token(int id) {
        if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary (size " + idToToken.length + ")");
        }
        return idToToken[id];
    }

    /**
     * The id of a vocabulary entry in GPT-2's byte-symbol spelling, if present.
     *
     * @param token a vocabulary string such as {@code "Ġworld"}
     * @return its id, or empty
     */
    public OptionalInt id(String token) {
        Integer id = tokenToId.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** @return the merges in rank order, each as {left, right} in byte-symbol spelling */
    public List<List<String>> merges() {
        List<List<String>> out = new ArrayList<>(mergeList.size());
        for (String[] m : mergeList) {
            out.add(List.of(m[0], m[1]));
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public String name() {
        return "byte-level-bpe(" + vocabSize() + ")";
    }

    @Override
    public String toString() {
        return name();
    }

    /** Bytes a byte-symbol string stands for. */
    static byte[] symbolBytes(String symbol) {
        byte[] out = new byte[symbol.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) CHAR_TO_BYTE[symbol.charAt(i)];
        }
        return out;
    }

    /** Byte-symbol spelling of some bytes. */
    static String symbolString(byte[] bytes) {
        char[] c = new char[bytes.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(c);
    }

    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().limit(80).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7F || cp == '"' || cp == '\\' || (cp >= 0xD800 && cp <= 0xDFFF)) {
                b.append(String.format("\\u%04X", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        if (s.codePointCount(0, s.length()) > 80) {
            b.append("...");
        }
        return b.append('"').toString();
    }

    private static String describe(char c) {
        return String.format("character U+%04X", (int) c);
    }

    // ---------------------------------------------------------------- small data structures

    /** Growable int array: encode's output without boxing. */
    private static final class IntBuffer {
        private int[] a;
        private int n;

        IntBuffer(int capacity) {
            a = new int[Math.max(4, capacity)];
        }

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        void addAll(int[] v) {
            if (n + v.length > a.length) {
                a = Arrays.copyOf(a, Math.max(a.length * 2, n + v.length));
            }
            System.arraycopy(v, 0, a, n, v.length);
            n += v.length;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** Open-addressing map (left id, right id) → (rank, merged id); the merge loop's hot lookup. */
    private static final class MergeTable {
        private final long[] keys;
        private final int[] ranks;
        private final int[] results;
        private final int mask;

        MergeTable(int expected) {
            int cap = Integer.highestOneBit(Math.max(4, expected * 2 + 1)) << 1;
            keys = new long[cap];
            Arrays.fill(keys, -1L); // ids are non-negative, so -1 is never a real key
            ranks = new int[cap];
            results = new int[cap];
            mask = cap - 1;
        }

        private static long key(int a, int b) {
            return ((long) a << 32) | (b & 0xFFFFFFFFL);
        }

        private static int hash(long k) {
            long h = k * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }

        void put(int a, int b, int rank, int result) {
            long k = key(a, b);
            int i = hash(k) & mask;
            while (keys[i] != -1L && keys[i] != k) {
                i = (i + 1) & mask;
            }
            keys[i] = k;
            ranks[i] = rank;
            results[i] = result;
        }

        int find(int a, int b) {
            long k = key(a, b);
            int i = hash(k) & mask;
            while (keys[i] != -1L) {
                if (keys[i] == k) {
                    return i;
                }
                i = (i + 1) & mask;
            }
            return -1;
        }

        int rank(int slot) {
            return ranks[slot];
        }

        int result(int slot) {
            return results[slot];
        }
    }
}
