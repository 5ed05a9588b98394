package dev.plumbline.nn;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A Hugging Face model folder that cannot be loaded: a missing file, a config this GPT does not
 * implement, or weights that do not fit. The message starts with the file it is about.
 */
public final class HuggingFaceFormatException extends IOException {
    private final transient Path file;

    /**
     * @param file   the file (or folder) at fault
     * @param detail what is wrong with it
     */
    public HuggingFaceFormatException(Path file, String detail) {
        super(file + ": " + detail);
        this.file = file;
    }

    /** The file (or folder) at fault. */
    public Path file() {
        return file;
    }
}
