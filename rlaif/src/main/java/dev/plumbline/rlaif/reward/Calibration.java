// Expected calibration error and the reliability diagram of probabilistic predictions, in equal-width bins.
package dev.plumbline.rlaif.reward;

import java.util.ArrayList;
import java.util.List;

/**
 * Calibration of predicted probabilities against outcomes: predictions are put into {@code bins}
 * equal-width bins on [0, 1] (bin b holds p in [b/n, (b+1)/n), the last bin also holds 1), and
 * <pre>
 * ECE = Σ_b (count_b / N) · |accuracy_b − confidence_b|
 * </pre>
 * where confidence_b is the mean prediction in bin b and accuracy_b the mean outcome (outcomes may
 * be soft, in [0, 1]). Empty bins have count 0 and NaN confidence/accuracy and add nothing.
 *
 * <pre>{@code
 * Calibration c = Calibration.of(new double[] {0.95, 0.15}, new double[] {1, 0}, 10);
 * c.ece();      // (0.05 + 0.15) / 2 = 0.1
 * c.bins();     // 10 bins; bins 1 and 9 have count 1
 * }</pre>
 *
 * @param ece  expected calibration error, NaN when there are no predictions
 * @param bins every bin in order, empty ones included
 */
public record Calibration(double ece, List<Bin> bins) {

    /** Default number of bins. */
    public static final int DEFAULT_BINS = 10;

    /**
     * One bar of a reliability diagram.
     *
     * @param lower      lower edge of the bin
     * @param upper      upper edge of the bin
     * @param confidence mean predicted probability of the bin's members (NaN when empty)
     * @param accuracy   mean outcome of the bin's members (NaN when empty)
     * @param count      number of predictions in the bin
     */
    public record Bin(double lower, double upper, double confidence, double accuracy, int count) {
    }

    public Calibration {
        bins = List.copyOf(bins);
    }

    /**
     * Bins {@code probabilities[i]} with outcome {@code outcomes[i]} (1 = the predicted event happened).
     *
     * @throws IllegalArgumentException for mismatched lengths, probabilities or outcomes outside [0, 1], or bins &lt; 1
     */
    public static Calibration of(double[] probabilities, double[] outcomes, int bins) {
        if (probabilities.length != outcomes.length) {
            throw new IllegalArgumentException("calibration: " + probabilities.length + " probabilities but "
                    + outcomes.length + " outcomes");
        }
        if (bins < 1) throw new IllegalArgumentException("calibration: bins must be >= 1, got " + bins);
        double[] sumP = new double[bins], sumY = new double[bins];
        int[] count = new int[bins];
        for (int i = 0; i < probabilities.length; i++) {
            double p = probabilities[i], y = outcomes[i];
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("calibration: probability " + i + " is " + p + ", not in [0, 1]");
            if (!(y >= 0 && y <= 1)) throw new IllegalArgumentException("calibration: outcome " + i + " is " + y + ", not in [0, 1]");
            int b = Math.min((int) Math.floor(p * bins), bins - 1);
            sumP[b] += p;
            sumY[b] += y;
            count[b]++;
        }
        int n = probabilities.length;
        double ece = n == 0 ? Double.NaN : 0;
        List<Bin> out = new ArrayList<>(bins);
        for (int b = 0; b < bins; b++) {
            double conf = count[b] == 0 ? Double.NaN : sumP[b] / count[b];
            double acc = count[b] == 0 ? Double.NaN : sumY[b] / count[b];
            if (count[b] > 0) ece += (double) count[b] / n * Math.abs(acc - conf);
            out.add(new Bin((double) b / bins, (double) (b + 1) / bins, conf, acc, count[b]));
        }
        return new Calibration(ece, out);
    }

    /**
     * Calibration of P(chosen) for pairs whose label says "chosen is better", counted in both orders so
     * the outcome is not always 1: pair i contributes (p_i, t_i) and (1 − p_i, 1 − t_i), where t_i is
     * the target (1 for a hard label, 0.5 for a tie). This is the reliability of the model's pairwise
     * probability whichever way a pair is presented.
     */
    public static Calibration ofPairs(double[] pChosen, double[] targets, int bins) {
        if (pChosen.length != targets.length) {
            throw new IllegalArgumentException("calibration: " + pChosen.length + " probabilities but "
                    + targets.length + " targets");
        }
        int n = pChosen.length;
        double[] p = new double[2 * n], y = new double[2 * n];
        for (int i = 0; i < n; i++) {
            p[i] = pChosen[i];
            y[i] = targets[i];
            p[n + i] = 1 - pChosen[i];
            y[n + i] = 1 - targets[i];
        }
        return of(p, y, bins);
    }
}
