// Gao et al. (2022)'s functional form of gold reward against policy distance, fitted by least squares.
package dev.plumbline.rlaif.experiment;

/**
 * Gao, Schulman and Hilton, "Scaling Laws for Reward Model Overoptimization" (2022), model the
 * gold reward gained under RL as a function of d = √KL(π‖π_ref):
 * <pre>
 *   R(d) = d · (α − β · ln d)
 * </pre>
 * It rises, peaks at d* = exp(α/β − 1) with R(d*) = β·d*, then falls — the over-optimisation
 * curve. R is linear in (α, β), so the fit is ordinary least squares on the features
 * (d, −d·ln d) without an intercept (R(0) = 0 by construction: gains are measured from the start).
 *
 * <pre>{@code
 * GaoFit f = GaoFit.fit(sqrtKl, goldGain);
 * f.alpha(); f.beta(); f.peakD(); f.peakGain(); f.r2();
 * }</pre>
 *
 * @param alpha the initial slope term α
 * @param beta  the over-optimisation term β (> 0 means gold eventually falls)
 * @param r2    coefficient of determination of the fit on the given points
 * @param n     points used (those with d &gt; 0)
 */
public record GaoFit(double alpha, double beta, double r2, int n) {

    /** R(d) under the fitted parameters. */
    public double predict(double d) {
        return d <= 0 ? 0 : d * (alpha - beta * Math.log(d));
    }

    /** d at the peak of R, or +∞ when β ≤ 0 (no peak: gold never falls under this fit). */
    public double peakD() {
        return beta > 0 ? Math.exp(alpha / beta - 1) : Double.POSITIVE_INFINITY;
    }

    /** R at the peak, or +∞ when β ≤ 0. */
    public double peakGain() {
        return beta > 0 ? beta * peakD() : Double.POSITIVE_INFINITY;
    }

    /**
     * Least-squares fit of gains[i] ≈ d[i]·(α − β ln d[i]); points with d ≤ 0 or non-finite values
     * are skipped.
     *
     * @throws IllegalArgumentException when fewer than two usable points remain or the features are
     *                                  collinear (all d equal)
     */
    public static GaoFit fit(double[] d, double[] gains) {
        if (d.length != gains.length) {
            throw new IllegalArgumentException("GaoFit: " + d.length + " distances but " + gains.length + " gains");
        }
        double s11 = 0, s12 = 0, s22 = 0, t1 = 0, t2 = 0, sy = 0, syy = 0;
        int n = 0;
        for (int i = 0; i < d.length; i++) {
            double x = d[i], y = gains[i];
            if (!(x > 0) || !Double.isFinite(x) || !Double.isFinite(y)) {
                continue;
            }
            double f1 = x, f2 = -x * Math.log(x);
            s11 += f1 * f1;
            s12 += f1 * f2;
            s22 += f2 * f2;
            t1 += f1 * y;
            t2 += f2 * y;
            sy += y;
            syy += y * y;
            n++;
        }
        double det = s11 * s22 - s12 * s12;
        if (n < 2 || !(Math.abs(det) > 1e-12 * Math.max(1, s11 * s22))) {
            throw new IllegalArgumentException("GaoFit: need at least two points at different distances d > 0, got " + n);
        }
        double alpha = (t1 * s22 - t2 * s12) / det;
        double beta = (s11 * t2 - s12 * t1) / det;
        // R² against the mean, over the same points
        double mean = sy / n, ssTot = syy - n * mean * mean, ssRes = 0;
        for (int i = 0; i < d.length; i++) {
            double x = d[i], y = gains[i];
            if (!(x > 0) || !Double.isFinite(x) || !Double.isFinite(y)) {
                continue;
            }
            double r = y - x * (alpha - beta * Math.log(x));
            ssRes += r * r;
        }
        return new GaoFit(alpha, beta, ssTot > 0 ? 1 - ssRes / ssTot : Double.NaN, n);
    }
}
