package dev.plumbline.tensor.backend;

/** A backend could not start; the message says exactly why and what is needed. */
public class BackendUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a reason. */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /** With a reason and the underlying failure. */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
