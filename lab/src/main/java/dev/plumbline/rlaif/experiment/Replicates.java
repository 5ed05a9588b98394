// One statistic over replicate seeds (or a paired arm-vs-arm difference per seed) with Student-t intervals.
package dev.plumbline.rlaif.experiment;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * A statistic measured once per replicate seed, or the paired difference {@code a − b} of two arms
 * that share each seed (same SFT policy, pairs, labeler draws and evaluation prompts, so most of
 * the seed-to-seed variation cancels). Claims about an experiment are made with its interval, never
 * with one seed's sign:
 *
 * <pre>{@code
 * long[] seeds = Replicates.seeds("labelNoise", 6);            // replayable: derived from a name
 * Replicates d = Replicates.paired("pθ gold accuracy, ε=0 − ε=0.4", seeds, acc0, acc4);
 * d.lowerBound(0.001);    // one-sided 99.9% t bound: mean − t(0.999, n−1)·sd/√n
 * d.interval(0.95);       // {lo, hi}, for reports
 * d.toString();           // mean, sd, interval and every seed's values, for failure messages
 * }</pre>
 *
 * The t intervals assume the per-seed values are roughly normal and independent across seeds. A
 * NaN value makes every summary NaN (and so fails any bound check) instead of being skipped.
 */
public final class Replicates {
    private final String what;
    private final long[] seeds;
    private final double[] values;
    private final double[] a, b;     // null unless paired

    private Replicates(String what, long[] seeds, double[] values, double[] a, double[] b) {
        this.what = Objects.requireNonNull(what, "what");
        if (seeds.length != values.length) {
            throw new IllegalArgumentException(what + ": " + seeds.length + " seeds but " + values.length + " values");
        }
        this.seeds = seeds.clone();
        this.values = values;
        this.a = a;
        this.b = b;
    }

    /** A statistic's value per seed. */
    public static Replicates of(String what, long[] seeds, double[] values) {
        return new Replicates(what, seeds, values.clone(), null, null);
    }

    /** The paired difference {@code a[i] − b[i]} per seed (both arms run with {@code seeds[i]}). */
    public static Replicates paired(String what, long[] seeds, double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(what + ": " + a.length + " values of a but " + b.length + " of b");
        }
        double[] d = new double[a.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = a[i] - b[i];
        }
        return new Replicates(what, seeds, d, a.clone(), b.clone());
    }

    /**
     * {@code n} replicate seeds derived from {@code name} alone (FNV-1a of its UTF-8 bytes, then
     * SplitMix64 of hash + index), in [1, 2^31): the same name gives the same seeds on every machine
     * and JVM, so a failing replicate can be rerun by name.
     */
    public static long[] seeds(String name, int n) {
        long h = 0xcbf29ce484222325L;
        for (byte x : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (x & 0xff)) * 0x100000001b3L;
        }
        long[] s = new long[n];
        for (int i = 0; i < n; i++) {
            long z = h + (i + 1) * 0x9e3779b97f4a7c15L;
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            z ^= z >>> 31;
            s[i] = 1 + ((z >>> 33) % ((1L << 31) - 1));
        }
        return s;
    }

    /** What was measured. */
    public String what() {
        return what;
    }

    /** Replicates. */
    public int n() {
        return values.length;
    }

    /** The seeds, in order. */
    public long[] seedList() {
        return seeds.clone();
    }

    /** The per-seed values (differences when paired). */
    public double[] values() {
        return values.clone();
    }

    /** Mean over seeds. */
    public double mean() {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return values.length == 0 ? Double.NaN : s / values.length;
    }

    /** Sample standard deviation over seeds (n − 1 in the denominator); NaN for n &lt; 2. */
    public double sd() {
        int n = values.length;
        if (n < 2) {
            return Double.NaN;
        }
        double m = mean(), s = 0;
        for (double v : values) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / (n - 1));
    }

    /** Standard error of the mean, sd / √n. */
    public double standardError() {
        return sd() / Math.sqrt(values.length);
    }

    /** One-sided lower bound at level 1 − alpha: mean − t(1 − alpha, n − 1)·se. */
    public double lowerBound(double alpha) {
        return mean() - tFor(alpha) * standardError();
    }

    /** One-sided upper bound at level 1 − alpha: mean + t(1 − alpha, n − 1)·se. */
    public double upperBound(double alpha) {
        return mean() + tFor(alpha) * standardError();
    }

    /** Two-sided interval {lo, hi} at {@code level} (e.g. 0.95). */
    public double[] interval(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must lie in (0, 1), got " + level);
        }
        double h = tFor((1 - level) / 2) * standardError();
        return new double[] {mean() - h, mean() + h};
    }

    /**
     * Two-sided p-value of "mean = 0" (one-sample t test; for a paired set, the paired t test):
     * 2·P(T ≥ |mean / se|), T ~ t(n − 1). NaN for n &lt; 2; 0 or 1 when sd is 0.
     */
    public double pValue() {
        if (n() < 2) {
            return Double.NaN;
        }
        double se = standardError(), m = mean();
        if (se == 0) {
            return m == 0 ? 1 : 0;
        }
        return 2 * (1 - StudentT.cdf(Math.abs(m / se), n() - 1));
    }

    /**
     * The smallest true effect this many replicates with this spread would detect with
     * probability {@code power} in a two-sided test at {@code 1 − level} (e.g. 0.95, 0.8):
     * (t(1 − (1 − level)/2, n − 1) + t(power, n − 1))·se, the usual normal-approximation formula
     * with t quantiles. It says how big an effect an inconclusive verdict could have missed.
     */
    public double minimumDetectableEffect(double level, double power) {
        if (!(power > 0 && power < 1)) {
            throw new IllegalArgumentException("power must lie in (0, 1), got " + power);
        }
        if (n() < 2) {
            return Double.NaN;
        }
        return (tFor((1 - level) / 2) + StudentT.quantile(power, n() - 1)) * standardError();
    }

    private double tFor(double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must lie in (0, 1), got " + alpha);
        }
        return values.length < 2 ? Double.NaN : StudentT.quantile(1 - alpha, values.length - 1);
    }

    /** Mean, sd, the 95% interval and every seed's values: one line for a log or an assertion message. */
    @Override
    public String toString() {
        double[] ci = n() < 2 ? new double[] {Double.NaN, Double.NaN} : interval(0.95);
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s: mean %.4f, sd %.4f, n %d, 95%% [%.4f, %.4f]; per seed",
                what, mean(), sd(), n(), ci[0], ci[1]));
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? " " : ", ").append(seeds[i]).append(": ");
            if (a != null) {
                s.append(String.format(Locale.ROOT, "%.4f − %.4f = %.4f", a[i], b[i], values[i]));
            } else {
                s.append(String.format(Locale.ROOT, "%.4f", values[i]));
            }
        }
        return s.toString();
    }
}
