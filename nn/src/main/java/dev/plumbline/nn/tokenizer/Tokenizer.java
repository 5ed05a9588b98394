/*
 * Plumbline nn — the tokenizer contract shared by the character tokenizer of the small
 * built-in tasks and GPT-2's byte-level BPE.
 */
package dev.plumbline.nn.tokenizer;

import java.util.List;
import java.util.OptionalInt;

/**
 * Turns text into token ids and back.
 *
 * <p>Special tokens (end of sequence, padding, ...) are explicit: they have ids of their own,
 * {@link #tokenId(String)} looks them up by name, and plain {@link #encode(String)} never
 * produces them from text. Implementations are immutable and safe to share between threads.
 *
 * <pre>{@code
 * Tokenizer tok = ByteLevelBpe.load(Path.of("gpt2"));
 * int[] ids = tok.encode("Hello world");        // [15496, 995]
 * String back = tok.decode(ids);                // "Hello world"
 * int eos = tok.eosId().orElseThrow();          // 50256
 * }</pre>
 */
public interface Tokenizer {

    /**
     * Encodes text to token ids; special-token names in {@code text} are treated as ordinary text.
     *
     * @param text the text to encode
     * @return the token ids, never {@code null}
     * @throws IllegalArgumentException if the text cannot be encoded (e.g. a character outside a
     *                                  character tokenizer's alphabet); the message says where
     */
    int[] encode(String text);

    /**
     * Decodes token ids to text; special tokens decode to their names.
     *
     * @param ids token ids
     * @return the text
     * @throws IllegalArgumentException if an id is outside the vocabulary
     */
    default String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }

    /**
     * Decodes {@code ids[from, to)}.
     *
     * @param ids  token ids
     * @param from first index, inclusive
     * @param to   last index, exclusive
     * @return the text
     * @throws IllegalArgumentException  if an id is outside the vocabulary
     * @throws IndexOutOfBoundsException if the range is not inside {@code ids}
     */
    String decode(int[] ids, int from, int to);

    /** @return the number of ids, i.e. one more than the largest id; the embedding table size */
    int vocabSize();

    /** @return the end-of-sequence token's id, if this tokenizer has one */
    OptionalInt eosId();

    /** @return the padding token's id, if this tokenizer has one (GPT-2 has none) */
    OptionalInt padId();

    /** @return the special tokens, in id order */
    List<String> specialTokens();

    /**
     * Looks up a special token's id.
     *
     * @param token the special token, e.g. {@code "<|endoftext|>"}
     * @return its id
     * @throws IllegalArgumentException if {@code token} is not one of {@link #specialTokens()}
     */
    int tokenId(String token);

    /** @return a short description for logs and reports, e.g. {@code "byte-level-bpe(50257)"} */
    String name();
}
