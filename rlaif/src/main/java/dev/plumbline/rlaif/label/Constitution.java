// A named list of weighted principles that a rule judge scores responses by.
package dev.plumbline.rlaif.label;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The principles a {@link RuleJudge} applies, with weights. The id is recorded as the
 * template id of every label, so labels from different constitutions are never mixed silently.
 *
 * <pre>{@code
 * Constitution c = new Constitution("terse-v1", List.of(
 *         new Principle("The answer must be correct.", Term.CORRECTNESS, 1.0),
 *         new Principle("Say nothing but the answer.", Term.NO_PADDING, 0.8)));
 * }</pre>
 */
public record Constitution(String id, List<Principle> principles) {

    /** Correctness 1.0, no padding 0.5, brevity 0.1. */
    public static final Constitution DEFAULT = new Constitution("default-v1", List.of(
            new Principle("The answer must be correct.", Term.CORRECTNESS, 1.0),
            new Principle("The response must contain nothing but the answer.", Term.NO_PADDING, 0.5),
            new Principle("Shorter responses are better.", Term.BREVITY, 0.1)));

    public Constitution {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("constitution id must not be blank");
        principles = List.copyOf(principles);
    }

    /** Sum of principle weights per term (terms without a principle are absent). */
    public Map<Term, Double> weights() {
        Map<Term, Double> w = new EnumMap<>(Term.class);
        for (Principle p : principles) w.merge(p.term(), p.weight(), Double::sum);
        return w;
    }
}
