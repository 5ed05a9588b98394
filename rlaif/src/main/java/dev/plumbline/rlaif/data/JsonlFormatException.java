// A JSONL file that cannot be read, with the file and line that were wrong.
package dev.plumbline.rlaif.data;

import java.io.IOException;
import java.nio.file.Path;

/** A line of a JSONL file is not a valid record; the message starts {@code file:line:}. */
public final class JsonlFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final long line;

    /**
     * @param file    the file read
     * @param line    1-based line number
     * @param problem what was wrong with the line
     */
    public JsonlFormatException(Path file, long line, String problem, Throwable cause) {
        super(file + ":" + line + ": " + problem, cause);
        this.file = file;
        this.line = line;
    }

    /** The file that was read. */
    public Path file() {
        return file;
    }

    /** The 1-based line number of the bad line. */
    public long line() {
        return line;
    }
}
