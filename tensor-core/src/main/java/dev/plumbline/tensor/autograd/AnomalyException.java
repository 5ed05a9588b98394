package dev.plumbline.tensor.autograd;

/** A NaN or infinity appeared; the message names the op (and, in backward, the input) where. */
public class AnomalyException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    /** With the full description. */
    public AnomalyException(String message) {
        super(message);
    }
}
