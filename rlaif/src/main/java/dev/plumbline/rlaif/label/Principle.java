// One weighted principle of a constitution.
package dev.plumbline.rlaif.label;

/**
 * A principle: a human-readable statement, the {@link Term} that measures it, and its weight.
 *
 * <pre>{@code
 * new Principle("The answer must be correct.", Term.CORRECTNESS, 1.0)
 * }</pre>
 */
public record Principle(String statement, Term term, double weight) {
    public Principle {
        if (!Double.isFinite(weight)) throw new IllegalArgumentException("principle weight must be finite, got " + weight);
    }
}
