// Label-noise rate ε estimated from how often two independent queries of the same pair disagree.
package dev.plumbline.rlaif.audit;

import java.util.Locale;

/**
 * The flip-noise model: the labeler has a fixed underlying verdict on a pair and each query flips
 * it independently with probability ε. Two queries then disagree with probability
 * <pre>
 * d = 2ε(1 − ε)        so        ε = (1 − sqrt(1 − 2d)) / 2     (d ≤ 1/2; d ≥ 1/2 gives ε = 1/2)
 * </pre>
 * The map d → ε is increasing, so the 95% interval of ε is the map of d's Wilson interval.
 * Anything else that varies from query to query (a position preference when the two queries show
 * different orders, a soft Bradley&ndash;Terry choice on close pairs) is counted as noise too, so the
 * estimate is an upper bound on pure flip noise unless the queried pairs are clear-cut.
 *
 * <pre>{@code
 * NoiseEstimate e = NoiseEstimate.fromDisagreement(Proportion.of(18, 100));
 * e.epsilon();   // (1 - sqrt(0.64)) / 2 = 0.1
 * }</pre>
 *
 * @param disagreement the measured disagreement d of paired queries, with its interval
 * @param epsilon      ε(d); NaN when d has no trials
 * @param lo           ε(d.lo)
 * @param hi           ε(d.hi)
 */
public record NoiseEstimate(Proportion disagreement, double epsilon, double lo, double hi) {

    /** ε from a disagreement rate of paired queries (see the class comment). */
    public static NoiseEstimate fromDisagreement(Proportion d) {
        return new NoiseEstimate(d, flipRate(d.rate()), flipRate(d.lo()), flipRate(d.hi()));
    }

    /** ε = (1 − sqrt(1 − 2d)) / 2, capped at 1/2 for d ≥ 1/2; NaN stays NaN. */
    public static double flipRate(double d) {
        if (Double.isNaN(d)) return Double.NaN;
        if (d >= 0.5) return 0.5;
        return (1 - Math.sqrt(1 - 2 * Math.max(0, d))) / 2;
    }

    /** {@code "0.100 [0.083, 0.119]"}, or {@code "n/a"}. */
    public String format() {
        if (Double.isNaN(epsilon)) return "n/a";
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", epsilon, lo, hi);
    }
}
