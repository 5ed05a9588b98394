/*
 * Plumbline nn — the one exception a malformed tokenizer file raises, naming the file and line.
 */
package dev.plumbline.nn.tokenizer;

import java.io.IOException;

/**
 * A tokenizer file (vocab.json, merges.txt, a character tokenizer's JSON) is malformed.
 *
 * <p>The message starts with {@code file:line:} (and {@code :column} for JSON) so editors and
 * terminals can jump to it; {@link #line()} is 0 when the problem is not on one line (e.g. an
 * entry that is missing altogether).
 *
 * <pre>{@code
 * try {
 *     ByteLevelBpe.load(dir);
 * } catch (TokenizerFileException e) {
 *     System.err.println(e.getMessage()); // "gpt2/merges.txt:7: merge part "xq" is not in vocab.json"
 * }
 * }</pre>
 */
public final class TokenizerFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;

    /**
     * @param file   the file's name as the user gave it
     * @param line   1-based line, or 0 if the problem has no single line
     * @param column 1-based column, or 0 if not known
     * @param detail what is wrong
     */
    public TokenizerFileException(String file, int line, int column, String detail) {
        super(file + (line > 0 ? ":" + line + (column > 0 ? ":" + column : "") : "") + ": " + detail);
        this.file = file;
        this.line = line;
    }

    /** @return the file's name as the user gave it */
    public String file() {
        return file;
    }

    /** @return the 1-based line of the problem, or 0 if it has no single line */
    public int line() {
        return line;
    }
}
