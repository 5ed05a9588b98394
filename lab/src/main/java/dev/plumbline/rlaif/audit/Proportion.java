// A counted rate with its 95% Wilson score interval: the unit every audit number is reported in.
package dev.plumbline.rlaif.audit;

import java.util.Locale;

/**
 * {@code count} successes out of {@code n} trials, the rate {@code count / n}, and the 95% Wilson
 * score interval [{@code lo}, {@code hi}]:
 * <pre>
 * p̂ = count / n,   z = 1.959964 (two-sided 95%)
 * centre = (p̂ + z²/(2n)) / (1 + z²/n)
 * half   = z · sqrt(p̂(1 − p̂)/n + z²/(4n²)) / (1 + z²/n)
 * [lo, hi] = [centre − half, centre + half]
 * </pre>
 * Unlike the normal ("Wald") interval it stays inside [0, 1] and is not empty at 0 or n successes.
 * With {@code n == 0} the rate is NaN and the interval is [0, 1] (nothing is known). The interval
 * assumes independent trials; where an audit counts correlated trials it says so.
 *
 * <pre>{@code
 * Proportion p = Proportion.of(8, 10);   // rate 0.8, lo 0.4902, hi 0.9433
 * p.format();                            // "0.800 [0.490, 0.943] (8/10)"
 * }</pre>
 *
 * @param count successes, 0 &le; count &le; n
 * @param n     trials, &ge; 0
 * @param rate  count / n, NaN when n is 0
 * @param lo    lower end of the 95% Wilson interval
 * @param hi    upper end of the 95% Wilson interval
 */
public record Proportion(int count, int n, double rate, double lo, double hi) {

    /** The two-sided 95% standard-normal quantile. */
    public static final double Z95 = 1.959963984540054;

    public Proportion {
        if (n < 0 || count < 0 || count > n) {
            throw new IllegalArgumentException("proportion needs 0 <= count <= n, got " + count + "/" + n);
        }
    }

    /** The rate count / n with its 95% Wilson interval. */
    public static Proportion of(int count, int n) {
        if (n < 0 || count < 0 || count > n) {
            throw new IllegalArgumentException("proportion needs 0 <= count <= n, got " + count + "/" + n);
        }
        if (n == 0) return new Proportion(0, 0, Double.NaN, 0, 1);
        double p = (double) count / n, z2 = Z95 * Z95;
        double denom = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denom;
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
        // clamp only rounding error: mathematically centre ± half lies in [0, 1]
        return new Proportion(count, n, p, Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /** Whether {@code value} lies inside the interval (ends included). */
    public boolean covers(double value) {
        return value >= lo && value <= hi;
    }

    /** {@code "0.800 [0.490, 0.943] (8/10)"}, or {@code "n/a (0/0)"} without trials. */
    public String format() {
        if (n == 0) return "n/a (0/0)";
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f] (%d/%d)", rate, lo, hi, count, n);
    }

    /** Counts successes and trials one at a time, then gives the {@link Proportion}. */
    public static final class Counter {
        private int count;
        private int n;

        /** Records one trial. */
        public void add(boolean success) {
            n++;
            if (success) count++;
        }

        /** The proportion so far. */
        public Proportion proportion() {
            return Proportion.of(count, n);
        }
    }
}
