// A scheduled change of one term's weight over the labeling steps: judges that change their mind.
package dev.plumbline.rlaif.label;

/**
 * Changes the weight of one {@link Term} over labeling steps (the pair index), to simulate a
 * labeler whose standards drift during a run.
 *
 * <ul>
 *   <li>{@link Shape#LINEAR}: the base weight until {@code fromStep}, then a straight line to
 *       {@code toWeight} at {@code toStep}, then {@code toWeight}.</li>
 *   <li>{@link Shape#ABRUPT}: the base weight before {@code fromStep}, {@code toWeight} from it on
 *       ({@code toStep} is ignored).</li>
 * </ul>
 *
 * <pre>{@code
 * // sycophancy grows from its base weight to 2.0 over the first 1000 pairs
 * new Drift(Term.AGREEMENT, 2.0, 0, 1000, Drift.Shape.LINEAR)
 * }</pre>
 */
public record Drift(Term term, double toWeight, long fromStep, long toStep, Shape shape) {

    /** How the weight moves. */
    public enum Shape { LINEAR, ABRUPT }

    public Drift {
        if (fromStep < 0) throw new IllegalArgumentException("drift fromStep must be >= 0, got " + fromStep);
        if (shape == Shape.LINEAR && toStep <= fromStep) {
            throw new IllegalArgumentException("linear drift needs toStep > fromStep, got " + fromStep + ".." + toStep);
        }
        if (!Double.isFinite(toWeight)) throw new IllegalArgumentException("drift toWeight must be finite");
    }

    /** The weight at {@code step}, starting from {@code base}. */
    public double apply(double base, long step) {
        if (shape == Shape.ABRUPT) return step < fromStep ? base : toWeight;
        if (step <= fromStep) return base;
        if (step >= toStep) return toWeight;
        return base + (toWeight - base) * (step - fromStep) / (double) (toStep - fromStep);
    }
}
