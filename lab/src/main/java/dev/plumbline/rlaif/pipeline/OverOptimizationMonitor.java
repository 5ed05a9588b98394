// Flags the signature of reward over-optimisation: the proxy keeps rising while gold falls.
package dev.plumbline.rlaif.pipeline;

import java.util.ArrayDeque;
import java.util.Locale;

/**
 * Watches (proxy, gold) per PPO step and raises an alert when, over a window of steps, the
 * proxy reward's trend is up while gold's trend is down (least-squares slopes over the window).
 *
 * <pre>{@code
 * OverOptimizationMonitor m = new OverOptimizationMonitor(5);
 * String alert = m.observe(proxy, gold);   // null, or a message
 * }</pre>
 */
public final class OverOptimizationMonitor {
    private final int window;
    private final ArrayDeque<double[]> recent = new ArrayDeque<>();

    /** Compares trends over the last {@code window} steps (≥ 3). */
    public OverOptimizationMonitor(int window) {
        if (window < 3) {
            throw new IllegalArgumentException("window must be >= 3, got " + window);
        }
        this.window = window;
    }

    /** Records one step; returns an alert message when proxy rises while gold falls, else null. */
    public String observe(double proxy, double gold) {
        recent.addLast(new double[] {proxy, gold});
        if (recent.size() > window) {
            recent.removeFirst();
        }
        if (recent.size() < window) {
            return null;
        }
        double sp = slope(0), sg = slope(1);
        if (sp > 0 && sg < 0) {
            return String.format(Locale.ROOT, "proxy reward rising (%+.3f/step) while gold falls (%+.3f/step) over the last %d steps",
                    sp, sg, window);
        }
        return null;
    }

    private double slope(int k) {
        int n = recent.size();
        double mx = (n - 1) / 2.0, my = 0;
        for (double[] v : recent) {
            my += v[k];
        }
        my /= n;
        double num = 0, den = 0;
        int i = 0;
        for (double[] v : recent) {
            num += (i - mx) * (v[k] - my);
            den += (i - mx) * (i - mx);
            i++;
        }
        return num / den;
    }
}
