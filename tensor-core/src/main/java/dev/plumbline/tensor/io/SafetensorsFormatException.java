// The one exception a corrupt, truncated or hostile safetensors file produces.
package dev.plumbline.tensor.io;

import java.io.IOException;

/**
 * A safetensors file (or stream, or byte array) is malformed, truncated, hostile, or uses a dtype
 * Plumbline does not read. The message names the source and the problem, e.g.
 * {@code model.safetensors: tensor 'wte.weight': data_offsets [0, 96] hold 96 bytes but shape
 * [4, 8] of F32 needs 128}.
 *
 * <pre>{@code
 * try {
 *     SafetensorsFile f = SafetensorsReader.read(path);
 * } catch (SafetensorsFormatException e) {
 *     log.error("bad checkpoint: " + e.getMessage());
 * }
 * }</pre>
 */
public class SafetensorsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** With a message that names the source and the problem. */
    public SafetensorsFormatException(String message) {
        super(message);
    }

    /** With a message and the lower-level cause (a JSON parse error, an early end of stream). */
    public SafetensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
