// The token format the pipeline's models share: character-level for the built-in tasks, or a
// checkpoint's own tokenizer (GPT-2's byte-level BPE) for a user's model.
package dev.plumbline.rlaif.policy;

import dev.plumbline.nn.tokenizer.CharTokenizer;
import dev.plumbline.nn.tokenizer.Tokenizer;
import dev.plumbline.rlaif.task.TaskSuite;

import java.util.List;

/**
 * The token format every model of a run shares. A scored or trained sequence is prompt tokens,
 * response tokens, EOS. {@link #builtIn()}: one token per character of {@link TaskSuite#ALPHABET},
 * then {@code <eos>} and {@code <pad>}. {@link #of(Tokenizer)}: any tokenizer with an end-of-text
 * token, e.g. a Hugging Face GPT-2 checkpoint's byte-level BPE, where (as in transformers) EOS also
 * pads when the vocabulary has no pad token.
 *
 * <pre>{@code
 * TextCodec codec = TextCodec.builtIn();
 * int[] ids = codec.encode("rev abc");
 * TextCodec.Decoded d = codec.decodeResponse(generated);   // text up to EOS, and whether EOS came
 * TextCodec gpt2 = TextCodec.of(HuggingFaceCheckpoint.load(dir, Device.cpu()).tokenizer());
 * }</pre>
 */
public final class TextCodec {
    private final Tokenizer tokenizer;
    private final int eos, pad;
    private final boolean builtIn;

    private TextCodec(Tokenizer tokenizer, int eos, int pad, boolean builtIn) {
        this.tokenizer = tokenizer;
        this.eos = eos;
        this.pad = pad;
        this.builtIn = builtIn;
    }

    /** The codec of the built-in task suite. */
    public static TextCodec builtIn() {
        CharTokenizer t = CharTokenizer.ofAlphabet(TaskSuite.ALPHABET, List.of("<eos>", "<pad>"));
        return new TextCodec(t, t.tokenId("<eos>"), t.tokenId("<pad>"), true);
    }

    /**
     * A codec over {@code tokenizer}: its EOS ends responses; its pad token pads, or EOS when it has none.
     *
     * @throws IllegalArgumentException if the tokenizer has no end-of-text token
     */
    public static TextCodec of(Tokenizer tokenizer) {
        int eos = tokenizer.eosId().orElseThrow(() -> new IllegalArgumentException("TextCodec: tokenizer "
                + tokenizer.name() + " has no end-of-text token; generation needs one"));
        return new TextCodec(tokenizer, eos, tokenizer.padId().orElse(eos), false);
    }

    /** Whether this is {@link #builtIn()}'s character format. */
    public boolean isBuiltIn() {
        return builtIn;
    }

    /** The EOS token's text (e.g. {@code <eos>}, {@code <|endoftext|>}). */
    public String eosText() {
        return tokenizer.decode(new int[] {eos});
    }

    /** A response decoded from generated tokens. */
    public record Decoded(String text, boolean endedWithEos) {}

    /** Token ids of text (every character must be in the alphabet). */
    public int[] encode(String text) {
        return tokenizer.encode(text);
    }

    /** Text tokens followed by EOS. */
    public int[] encodeWithEos(String text) {
        int[] t = tokenizer.encode(text);
        int[] out = java.util.Arrays.copyOf(t, t.length + 1);
        out[t.length] = eos;
        return out;
    }

    /**
     * Decodes generated tokens up to (not including) the first EOS; PAD tokens are dropped. The
     * kept ids are decoded together, so a multi-byte character split over BPE tokens comes out whole.
     */
    public Decoded decodeResponse(int[] tokens) {
        int[] kept = new int[tokens.length];
        int n = 0;
        boolean ended = false;
        for (int t : tokens) {
            if (t == eos) {
                ended = true;
                break;
            }
            if (t != pad) {
                kept[n++] = t;
            }
        }
        return new Decoded(tokenizer.decode(kept, 0, n), ended);
    }

    /** The EOS id. */
    public int eosId() {
        return eos;
    }

    /** The PAD id. */
    public int padId() {
        return pad;
    }

    /** Vocabulary size (built-in: alphabet + 2 specials). */
    public int vocabSize() {
        return tokenizer.vocabSize();
    }

    /** The underlying tokenizer. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }
}
