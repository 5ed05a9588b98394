// A claim an experiment tests, stated before it runs: which per-seed effect, which sign, whose result.
package dev.plumbline.rlaif.experiment;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * One hypothesis of an experiment, declared with the experiment (before any run): a per-replicate
 * effect read from that replicate's {@code result.json} map, the sign the claim predicts, and the
 * literature (or seed) it comes from. {@link ReplicatedExperiment} evaluates it over the replicates
 * with a 95% t interval and calls it {@link Verdict reproduced, contradicted or inconclusive}.
 *
 * <pre>{@code
 * Hypothesis h = Hypothesis.armDifference("noise-lowers-rm-gold-accuracy",
 *         "pθ learns gold worse from noisier labels", "Coste et al. 2023 (25% flips)",
 *         "arms_all_labels", -1, 0, "rm_accuracy_vs_gold", Hypothesis.Direction.LOWER);
 * }</pre>
 *
 * @param id        a short stable name (a JSON key)
 * @param claim     the claim in words
 * @param anchor    where the claim comes from
 * @param effect    what is measured per replicate, in words (e.g. "ε = 0.4 − ε = 0, pθ gold accuracy")
 * @param direction the sign the claim predicts for {@code effect}
 * @param measure   the per-replicate effect from one replicate's result map; NaN when it is missing
 */
public record Hypothesis(String id, String claim, String anchor, String effect, Direction direction,
                         ToDoubleFunction<Map<String, Object>> measure) {

    /** The sign a claim predicts. */
    public enum Direction {
        /** The effect is positive. */
        HIGHER(1),
        /** The effect is negative. */
        LOWER(-1);

        final int sign;

        Direction(int sign) {
            this.sign = sign;
        }
    }

    /** Checks the fields. */
    public Hypothesis {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(anchor, "anchor");
        Objects.requireNonNull(effect, "effect");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(measure, "measure");
    }

    /**
     * {@code metric} of arm {@code a} minus {@code metric} of arm {@code b} of the list
     * {@code armsKey}, paired within a replicate. Negative indices count from the end (−1 is the
     * last arm).
     */
    public static Hypothesis armDifference(String id, String claim, String anchor, String armsKey, int a, int b,
                                           String metric, Direction direction) {
        return new Hypothesis(id, claim, anchor, String.format(Locale.ROOT, "%s of %s[%d] − %s[%d]", metric, armsKey,
                a, armsKey, b), direction, r -> number(arm(r, armsKey, a), metric) - number(arm(r, armsKey, b), metric));
    }

    /** {@code metricA − metricB} within arm {@code a} of the list {@code armsKey} (negative: from the end). */
    public static Hypothesis withinArm(String id, String claim, String anchor, String armsKey, int a, String metricA,
                                       String metricB, Direction direction) {
        return new Hypothesis(id, claim, anchor, String.format(Locale.ROOT, "%s − %s of %s[%d]", metricA, metricB,
                armsKey, a), direction, r -> {
                    Map<String, Object> row = arm(r, armsKey, a);
                    return number(row, metricA) - number(row, metricB);
                });
    }

    /** The arm at {@code index} (negative: from the end) of the list {@code key}, or null. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> arm(Map<String, Object> result, String key, int index) {
        Object v = result.get(key);
        if (!(v instanceof List<?> arms) || arms.isEmpty()) {
            return null;
        }
        int i = index < 0 ? arms.size() + index : index;
        return i >= 0 && i < arms.size() && arms.get(i) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    /** A numeric field of a row, NaN when the row or the field is missing or not a number. */
    static double number(Map<String, Object> row, String key) {
        return row != null && row.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** The outcome of testing a hypothesis over replicates. */
    public enum Verdict {
        /** The 95% interval of the effect lies wholly on the predicted side of 0. */
        REPRODUCED,
        /** The 95% interval lies wholly on the other side. */
        CONTRADICTED,
        /** The interval contains 0, or there were fewer than 2 usable replicates. */
        INCONCLUSIVE;

        /** Lower case, for reports and JSON. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The verdict for effect values {@code r} (one per replicate): from the two-sided 95% t interval.
     * Any NaN (a replicate that did not produce the metric) makes it inconclusive.
     */
    public Verdict verdict(Replicates r) {
        if (r.n() < 2 || Double.isNaN(r.mean()) || !(r.sd() >= 0)) {
            return Verdict.INCONCLUSIVE;
        }
        double[] ci = r.interval(0.95);
        double lo = direction.sign * (direction.sign > 0 ? ci[0] : ci[1]);
        double hi = direction.sign * (direction.sign > 0 ? ci[1] : ci[0]);
        if (lo > 0) {
            return Verdict.REPRODUCED;
        }
        if (hi < 0) {
            return Verdict.CONTRADICTED;
        }
        return Verdict.INCONCLUSIVE;
    }
}
