// TextEncoder: the one thing the Trainer needs from a tokenizer — text to token ids.
package dev.plumbline.nn.train;

/**
 * Text → token ids. Any tokenizer fits through a method reference.
 *
 * <pre>{@code
 * TextEncoder enc = tokenizer::encode;                // dev.plumbline.nn.tokenizer.Tokenizer
 * TextEncoder bytes = s -> s.chars().toArray();       // a toy character-code encoder
 * }</pre>
 */
@FunctionalInterface
public interface TextEncoder {
    /** The token ids of {@code text}, without special tokens. */
    int[] encode(String text);
}
