// Character-level encoding of the built-in tasks' prompts and responses.
package dev.plumbline.rlaif.policy;

import dev.plumbline.nn.tokenizer.CharTokenizer;
import dev.plumbline.rlaif.task.TaskSuite;

import java.util.List;

/**
 * The token format every model of the pipeline shares: one token per character of
 * {@link TaskSuite#ALPHABET}, then {@code <eos>} and {@code <pad>}. A scored or trained sequence
 * is prompt tokens, response tokens, EOS.
 *
 * <pre>{@code
 * TextCodec codec = TextCodec.builtIn();
 * int[] ids = codec.encode("rev abc");
 * TextCodec.Decoded d = codec.decodeResponse(generated);   // text up to EOS, and whether EOS came
 * }</pre>
 */
public final class TextCodec {
    private final CharTokenizer tokenizer;
    private final int eos, pad;

    private TextCodec(CharTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.eos = tokenizer.tokenId("<eos>");
        this.pad = tokenizer.tokenId("<pad>");
    }

    /** The codec of the built-in task suite. */
    public static TextCodec builtIn() {
        return new TextCodec(CharTokenizer.ofAlphabet(TaskSuite.ALPHABET, List.of("<eos>", "<pad>")));
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

    /** Decodes generated tokens up to (not including) the first EOS; PAD tokens are dropped. */
    public Decoded decodeResponse(int[] tokens) {
        StringBuilder sb = new StringBuilder();
        for (int t : tokens) {
            if (t == eos) {
                return new Decoded(sb.toString(), true);
            }
            if (t != pad) {
                sb.append(tokenizer.decode(new int[] {t}));
            }
        }
        return new Decoded(sb.toString(), false);
    }

    /** The EOS id. */
    public int eosId() {
        return eos;
    }

    /** The PAD id. */
    public int padId() {
        return pad;
    }

    /** Vocabulary size (alphabet + 2 specials). */
    public int vocabSize() {
        return tokenizer.vocabSize();
    }

    /** The underlying tokenizer. */
    public CharTokenizer tokenizer() {
        return tokenizer;
    }
}
