package dev.plumbline.rlaif.experiment;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** Student-t quantiles against a published table and closed forms; replicate summaries against hand-computed values. */
class ReplicatesTest {

    @Test
    void quantilesMatchThePublishedTable() {
        // NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.2 (upper critical values of t), 3 decimals
        double[][] table = {
                // df, 1 - alpha, t
                {1, 0.975, 12.706}, {1, 0.995, 63.657}, {1, 0.999, 318.313},
                {2, 0.975, 4.303}, {2, 0.999, 22.327},
                {4, 0.999, 7.173},
                {5, 0.95, 2.015}, {5, 0.975, 2.571}, {5, 0.999, 5.893},
                {9, 0.975, 2.262}, {9, 0.999, 4.297},
                {10, 0.95, 1.812}, {10, 0.99, 2.764}, {10, 0.999, 4.144},
                {20, 0.975, 2.086}, {20, 0.999, 3.552},
                {30, 0.999, 3.385},
                {100, 0.999, 3.174},
        };
        for (double[] row : table) {
            double t = StudentT.quantile(row[1], row[0]);
            // the table rounds to 3 decimals (and its df = 1, 0.999 entry, 318.313, is 318.309 to 6 figures)
            assertEquals(row[2], t, row[0] == 1 && row[1] == 0.999 ? 0.005 : 0.0006, "df " + row[0] + ", p " + row[1]);
            assertEquals(-t, StudentT.quantile(1 - row[1], row[0]), 1e-9 * t, "symmetry");
        }
        assertEquals(0.0, StudentT.quantile(0.5, 7));
    }

    @Test
    void closedFormsForOneAndTwoDegreesOfFreedom() {
        for (double p : new double[] {0.6, 0.9, 0.975, 0.999, 0.9995, 0.2, 0.001}) {
            // df 1 (Cauchy): tan(π(p − ½)); df 2: (2p − 1) / √(2p(1 − p))
            double t1 = Math.tan(Math.PI * (p - 0.5)), t2 = (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
            assertEquals(t1, StudentT.quantile(p, 1), 1e-9 * Math.max(1, Math.abs(t1)), "df 1, p " + p);
            assertEquals(t2, StudentT.quantile(p, 2), 1e-9 * Math.max(1, Math.abs(t2)), "df 2, p " + p);
        }
        for (double t : new double[] {-30, -2.5, -0.3, 0, 0.7, 4, 100}) {
            assertEquals(0.5 + Math.atan(t) / Math.PI, StudentT.cdf(t, 1), 1e-13, "cdf df 1 at " + t);
            assertEquals(0.5 + t / (2 * Math.sqrt(2 + t * t)), StudentT.cdf(t, 2), 1e-13, "cdf df 2 at " + t);
        }
    }

    @Test
    void cdfMatchesReferenceValuesAndTendsToTheNormal() {
        // float64 references (scipy.stats.t.cdf / norm.ppf)
        assertEquals(0.9490302605850708, StudentT.cdf(2.0, 5), 1e-12);
        assertEquals(0.10890909350767251, StudentT.cdf(-1.5, 3.5), 1e-12, "fractional df");
        assertEquals(0.6172895598723483, StudentT.cdf(0.3, 50), 1e-12);
        assertEquals(3.090232306167813, StudentT.quantile(0.999, 1e9), 1e-6, "df → ∞: the normal quantile");
        assertEquals(5.407883, StudentT.quantile(0.9995, 7), 1e-6);
        assertEquals(1.0, StudentT.cdf(Double.POSITIVE_INFINITY, 3));
        assertTrue(Double.isNaN(StudentT.cdf(Double.NaN, 3)));
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(1.0, 3));
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(0.9, 0));
    }

    @Test
    void pairedSummaryBoundsAndMessage() {
        long[] seeds = {11, 12, 13, 14, 15};
        double[] a = {0.62, 0.55, 0.71, 0.59, 0.65}, b = {0.50, 0.50, 0.50, 0.50, 0.50};
        Replicates d = Replicates.paired("acc ε=0 − ε=0.4", seeds, a, b);
        // differences 0.12 0.05 0.21 0.09 0.15: mean 0.124, sd 0.0606630035524124 (float64, numpy ddof = 1)
        assertEquals(5, d.n());
        assertEquals(0.124, d.mean(), 1e-12);
        assertEquals(0.0606630035524124, d.sd(), 1e-12);
        assertEquals(0.0606630035524124 / Math.sqrt(5), d.standardError(), 1e-12);
        // t(0.999, 4) = 7.173182: the one-sided 99.9% bounds
        assertEquals(0.124 - 7.173182 * d.standardError(), d.lowerBound(0.001), 1e-6);
        assertEquals(-0.07060355537460242, d.lowerBound(0.001), 1e-6);
        assertEquals(0.124 + 7.173182 * d.standardError(), d.upperBound(0.001), 1e-6);
        double[] ci = d.interval(0.95);     // scipy.stats.t.interval(0.95, 4, ...)
        assertEquals(0.04867693246606247, ci[0], 1e-9);
        assertEquals(0.19932306753393753, ci[1], 1e-9);
        String s = d.toString();
        assertTrue(s.startsWith("acc ε=0 − ε=0.4: mean 0.1240, sd 0.0607, n 5, 95% [0.0487, 0.1993]"), s);
        assertTrue(s.contains("13: 0.7100 − 0.5000 = 0.2100"), s);
        assertArrayEquals(seeds, d.seedList());
    }

    @Test
    void oneSampleAndNaN() {
        Replicates r = Replicates.of("length growth", new long[] {1, 2, 3}, new double[] {1, 2, 3});
        assertEquals(2.0, r.mean(), 1e-15);
        assertEquals(1.0, r.sd(), 1e-15);
        assertEquals(2 - 4.302653 / Math.sqrt(3), r.interval(0.95)[0], 1e-6);
        assertTrue(r.toString().contains("per seed 1: 1.0000, 2: 2.0000, 3: 3.0000"), r.toString());
        Replicates nan = Replicates.of("x", new long[] {1, 2}, new double[] {1, Double.NaN});
        assertFalse(nan.lowerBound(0.001) > 0, "a missing value fails a bound check instead of being skipped");
        assertTrue(Double.isNaN(Replicates.of("one", new long[] {1}, new double[] {1}).lowerBound(0.01)));
        assertThrows(IllegalArgumentException.class, () -> Replicates.of("x", new long[] {1}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> r.lowerBound(0));
    }

    @Test
    void seedsDeriveFromTheNameAlone() {
        long[] s = Replicates.seeds("FailureModeExperimentsTest.labelNoise", 8);
        assertArrayEquals(s, Replicates.seeds("FailureModeExperimentsTest.labelNoise", 8), "replayable");
        assertArrayEquals(Arrays.copyOf(s, 3), Replicates.seeds("FailureModeExperimentsTest.labelNoise", 3),
                "more replicates extend the list, they do not change the first ones");
        assertFalse(Arrays.equals(s, Replicates.seeds("FailureModeExperimentsTest.lengthBias", 8)));
        assertEquals(8, Arrays.stream(s).distinct().count());
        for (long x : s) {
            assertTrue(x >= 1 && x < (1L << 31), "seed " + x);
        }
        // pinned: a change of the derivation would silently change every test's replicates
        assertArrayEquals(PINNED, Replicates.seeds("pinned", 3), Arrays.toString(Replicates.seeds("pinned", 3)));
    }

    // (the same three by an independent Python transcription of FNV-1a + SplitMix64)
    static final long[] PINNED = {955813358L, 75934851L, 1628887227L};
}
