// Small numeric helpers the experiments share: smoothing, tail means, trends and formatting.
package dev.plumbline.rlaif.experiment;

import java.util.Locale;

/** Numeric helpers for per-step PPO series and sweep tables (package-private utility). */
final class Series {
    private Series() {}

    /** Trailing moving average over {@code window} steps (shorter at the start). */
    static double[] smooth(double[] v, int window) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double s = 0;
            int n = 0;
            for (int j = Math.max(0, i - window + 1); j <= i; j++) {
                if (!Double.isNaN(v[j])) {
                    s += v[j];
                    n++;
                }
            }
            out[i] = n == 0 ? Double.NaN : s / n;
        }
        return out;
    }

    /** Mean of the first {@code k} values (NaN skipped). */
    static double head(double[] v, int k) {
        return meanOf(v, 0, Math.min(v.length, k));
    }

    /** Mean of the last {@code k} values (NaN skipped). */
    static double tail(double[] v, int k) {
        return meanOf(v, Math.max(0, v.length - k), v.length);
    }

    static double meanOf(double[] v, int from, int to) {
        double s = 0;
        int n = 0;
        for (int i = from; i < to; i++) {
            if (!Double.isNaN(v[i])) {
                s += v[i];
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** Standard deviation of step-to-step changes: how jumpy a series is. */
    static double jitter(double[] v) {
        double s = 0, s2 = 0;
        int n = 0;
        for (int i = 1; i < v.length; i++) {
            double d = v[i] - v[i - 1];
            if (!Double.isNaN(d)) {
                s += d;
                s2 += d * d;
                n++;
            }
        }
        return n < 2 ? Double.NaN : Math.sqrt(Math.max(0, (s2 - s * s / n) / (n - 1)));
    }

    /** Least-squares slope of y on x. */
    static double slope(double[] x, double[] y) {
        double mx = 0, my = 0;
        int n = x.length;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }

    /** 1, 2, … n as doubles (PPO step numbers). */
    static double[] steps(int n) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = i + 1;
        }
        return s;
    }

    /** The maximum (NaN skipped; -∞ when empty). */
    static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Double.isNaN(x) ? m : Math.max(m, x);
        }
        return m;
    }

    /** Index of the maximum (first on ties), -1 when empty. */
    static int argmax(double[] v) {
        int best = -1;
        for (int i = 0; i < v.length; i++) {
            if (!Double.isNaN(v[i]) && (best < 0 || v[i] > v[best])) {
                best = i;
            }
        }
        return best;
    }

    /** A number for a table: 3 decimals, "n/a" for NaN. */
    static String f3(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    /** A signed number for a table. */
    static String s3(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%+.3f", v);
    }

    /** A fraction as a percentage for a sentence: "26.8%", "n/a" for NaN. */
    static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    /** A list of numbers for a log line: "[0.115, 0.131]". */
    static String list(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(f3(v[i]));
        }
        return b.append(']').toString();
    }
}
