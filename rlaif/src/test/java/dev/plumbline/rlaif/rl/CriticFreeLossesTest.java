package dev.plumbline.rlaif.rl;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.*;

/**
 * RLOO's and GRPO's losses against independent float64 implementations on random data with
 * padded (masked) tokens: the value, and the gradient against central finite differences of the
 * float64 loss.
 */
class CriticFreeLossesTest {
    static final int B = 6, N = 5;

    /** Random log-probs near the old ones, rows of different lengths (the rest padding). */
    static final class Data {
        final double[] logp = new double[B * N], old = new double[B * N], ref = new double[B * N], mask = new double[B * N];
        final double[] adv = new double[B];

        Data(String name) {
            Random rnd = TestSeeds.random(name);
            for (int r = 0; r < B; r++) {
                int len = r == 0 ? N : 1 + rnd.nextInt(N);       // row 0 full, others padded after len
                adv[r] = rnd.nextGaussian();
                for (int t = 0; t < N; t++) {
                    int k = r * N + t;
                    mask[k] = t < len ? 1 : 0;
                    old[k] = -0.3 - rnd.nextDouble() * 2;
                    logp[k] = old[k] + rnd.nextGaussian() * 0.15;  // some ratios clip at ε = 0.2, most do not
                    ref[k] = old[k] + rnd.nextGaussian() * 0.3;
                    if (mask[k] == 0) {                           // padding carries garbage that must not matter
                        logp[k] = 7;
                        old[k] = -9;
                        ref[k] = 4;
                    }
                }
            }
        }

        Tensor t(double[] v, int... shape) {
            float[] f = new float[v.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) v[i];
            return Tensor.fromArray(f, shape);
        }
    }

    static double rlooRef(Data d, double[] logp, double eps) {
        double sum = 0;
        for (int r = 0; r < B; r++) {
            double diff = 0;
            for (int t = 0; t < N; t++) {
                int k = r * N + t;
                diff += d.mask[k] * (logp[k] - d.old[k]);
            }
            double ratio = Math.exp(diff);
            double clipped = Math.min(Math.max(ratio, 1 - eps), 1 + eps);
            sum += Math.max(-d.adv[r] * ratio, -d.adv[r] * clipped);
        }
        return sum / B;
    }

    static double grpoRef(Data d, double[] logp, double epsLow, double epsHigh, double beta, GrpoLoss.Type type, int nMax) {
        double total = 0, tokens = 0, perSeq = 0;
        for (int r = 0; r < B; r++) {
            double rowSum = 0, rowCount = 0;
            for (int t = 0; t < N; t++) {
                int k = r * N + t;
                if (d.mask[k] == 0) continue;
                double ratio = Math.exp(logp[k] - d.old[k]);
                double clipped = Math.min(Math.max(ratio, 1 - epsLow), 1 + epsHigh);
                double l = -Math.min(ratio * d.adv[r], clipped * d.adv[r]);
                double x = d.ref[k] - logp[k];
                l += beta * (Math.exp(x) - x - 1);
                rowSum += l;
                rowCount++;
            }
            total += rowSum;
            tokens += rowCount;
            perSeq += rowSum / Math.max(rowCount, 1);
        }
        return switch (type) {
            case GRPO -> perSeq / B;
            case BNPO -> total / tokens;
            case DR_GRPO -> total / (B * (double) nMax);
        };
    }

    /** Autograd gradient of {@code loss} w.r.t. log-probs vs central differences of {@code ref}. */
    static void assertGradientMatches(Data d, float[] grad, ToDoubleFunction<double[]> ref, String what) {
        double h = 1e-6;
        for (int k = 0; k < B * N; k++) {
            double[] p = d.logp.clone(), m = d.logp.clone();
            p[k] += h;
            m[k] -= h;
            double fd = (ref.applyAsDouble(p) - ref.applyAsDouble(m)) / (2 * h);
            if (d.mask[k] == 0) {
                assertEquals(0.0, grad[k], 0.0, what + ": padding gets no gradient at " + k);
            }
            assertEquals(fd, grad[k], 2e-4 + 1e-3 * Math.abs(fd), what + ": d loss / d logp[" + k + "]");
        }
    }

    @Test
    void rlooLossAndGradientMatchFloat64() {
        Data d = new Data("CriticFreeLossesTest.rlooLossAndGradientMatchFloat64");
        Tensor logp = d.t(d.logp, B, N).requiresGrad(true);
        Tensor mask = d.t(d.mask, B, N);
        RlooLoss.Result l = RlooLoss.compute(logp.mul(mask), d.t(d.old, B, N), d.t(d.adv, B), mask, 0.2f);
        assertEquals(rlooRef(d, d.logp, 0.2), l.loss().item(), 1e-5);
        l.loss().backward();
        assertGradientMatches(d, logp.grad().toFloatArray(), x -> rlooRef(d, x, 0.2), "rloo");
        assertTrue(l.clipFraction() >= 0 && l.clipFraction() <= 1);
    }

    @Test
    void rlooRatioIsOneWhenNothingChangedAndTheLossIsMinusTheMeanAdvantage() {
        Data d = new Data("CriticFreeLossesTest.rlooRatioIsOneWhenNothingChanged");
        Tensor mask = d.t(d.mask, B, N);
        Tensor old = d.t(d.old, B, N).mul(mask);
        RlooLoss.Result l = RlooLoss.compute(old, old, d.t(d.adv, B), mask, 0.2f);
        double meanAdv = 0;
        for (double a : d.adv) meanAdv += a;
        assertEquals(-meanAdv / B, l.loss().item(), 1e-6);
        assertEquals(1f, l.ratioMean(), 1e-6);
        assertEquals(0f, l.approxKl(), 1e-9);
        assertEquals(0f, l.clipFraction(), 0f);
    }

    @Test
    void grpoLossAndGradientMatchFloat64ForEveryAggregation() {
        Data d = new Data("CriticFreeLossesTest.grpoLossAndGradientMatchFloat64ForEveryAggregation");
        Tensor mask = d.t(d.mask, B, N);
        for (GrpoLoss.Type type : GrpoLoss.Type.values()) {
            for (double beta : new double[] {0, 0.04, 0.5}) {
                double epsLow = 0.2, epsHigh = 0.28;
                Tensor logp = d.t(d.logp, B, N).requiresGrad(true);
                GrpoLoss.Result l = GrpoLoss.compute(logp.mul(mask), d.t(d.old, B, N), d.t(d.ref, B, N), d.t(d.adv, B),
                        mask, (float) epsLow, (float) epsHigh, (float) beta, type, 8);
                String what = type + " beta=" + beta;
                assertEquals(grpoRef(d, d.logp, epsLow, epsHigh, beta, type, 8), l.loss().item(), 1e-5, what);
                l.loss().backward();
                assertGradientMatches(d, logp.grad().toFloatArray(),
                        x -> grpoRef(d, x, epsLow, epsHigh, beta, type, 8), what);
            }
        }
    }

    @Test
    void grpoReportsTheK3KlAndTheClippedRegionsAsTrlCountsThem() {
        Data d = new Data("CriticFreeLossesTest.grpoReportsTheK3KlAndTheClippedRegions");
        Tensor mask = d.t(d.mask, B, N);
        GrpoLoss.Result l = GrpoLoss.compute(d.t(d.logp, B, N).mul(mask), d.t(d.old, B, N), d.t(d.ref, B, N),
                d.t(d.adv, B), mask, 0.2f, 0.2f, 0.04f, GrpoLoss.Type.GRPO, N);
        double kl = 0, low = 0, high = 0, count = 0;
        for (int r = 0; r < B; r++) {
            for (int t = 0; t < N; t++) {
                int k = r * N + t;
                if (d.mask[k] == 0) continue;
                double x = d.ref[k] - d.logp[k], ratio = Math.exp(d.logp[k] - d.old[k]);
                kl += Math.exp(x) - x - 1;
                low += ratio < 0.8 && d.adv[r] < 0 ? 1 : 0;
                high += ratio > 1.2 && d.adv[r] > 0 ? 1 : 0;
                count++;
            }
        }
        assertEquals(kl / count, l.kl(), 1e-5);
        assertEquals(low / count, l.clipLow(), 1e-6);
        assertEquals(high / count, l.clipHigh(), 1e-6);
        assertEquals((low + high) / count, l.clipRegion(), 1e-6);
    }

    @Test
    void lossesRejectMismatchedShapesAndBadClipRanges() {
        Tensor lp = Tensor.zeros(3, 4), adv = Tensor.zeros(2), mask = Tensor.ones(3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RlooLoss.compute(lp, lp, adv, mask, 0.2f));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> GrpoLoss.compute(lp, lp, lp, adv, mask, 0.2f, 0.2f, 0f, GrpoLoss.Type.GRPO, 4));
        assertThrows(IllegalArgumentException.class,
                () -> GrpoLoss.compute(lp, lp, lp, Tensor.zeros(3), mask, 0f, 0.2f, 0f, GrpoLoss.Type.GRPO, 4));
        assertEquals(GrpoLoss.Type.BNPO, GrpoLoss.Type.parse("dapo"));
        assertEquals(GrpoLoss.Type.DR_GRPO, GrpoLoss.Type.parse("dr-grpo"));
    }
}
