// The features a rule judge can weigh; principles and biases are weights on these.
package dev.plumbline.rlaif.label;

/**
 * A feature of one response that a {@link RuleJudge} can weigh. Length-like features are
 * normalised by {@link #CAP} characters and saturate there, so every term lies in [-1, 1].
 */
public enum Term {
    /** 1 if the judge <em>believes</em> the answer is right (its view may be wrong), else 0. */
    CORRECTNESS,
    /** {@code -min(length, CAP) / CAP}: shorter is better. */
    BREVITY,
    /** {@code -min(extraChars, CAP) / CAP}: characters besides the answer are bad. */
    NO_PADDING,
    /** {@code +min(length, CAP) / CAP}: the length bias, longer looks better. */
    LENGTH,
    /** 1 if the answer agrees with the opinion stated in the prompt: the sycophancy bias. */
    AGREEMENT;

    /** Characters at which length-like terms saturate. */
    public static final int CAP = 12;

    /** Lower-case id used in configs, e.g. {@code no_padding}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The term whose {@link #id()} is {@code id}; the exception lists the known ids. */
    public static Term fromId(String id) {
        for (Term t : values()) if (t.id().equals(id)) return t;
        throw new IllegalArgumentException("unknown term '" + id + "'; known: "
                + java.util.Arrays.stream(values()).map(Term::id).toList());
    }
}
