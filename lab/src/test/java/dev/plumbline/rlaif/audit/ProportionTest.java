// Wilson intervals and the flip-noise estimator against values computed by hand from their formulas.
package dev.plumbline.rlaif.audit;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ProportionTest {
    private static final double TOL = 1e-9;

    @Test
    void wilsonIntervalMatchesHandComputedValues() {
        // 8/10: centre = (0.8 + z²/20)/(1 + z²/10), half = z·sqrt(0.016 + z²/400)/(1 + z²/10), z = 1.959964
        Proportion p = Proportion.of(8, 10);
        assertEquals(0.8, p.rate(), TOL, "rate 8/10");
        assertEquals(0.49016247153664183, p.lo(), TOL, "Wilson lower end of 8/10");
        assertEquals(0.9433178485456247, p.hi(), TOL, "Wilson upper end of 8/10");
        // 5/10 is symmetric about 0.5
        Proportion half = Proportion.of(5, 10);
        assertEquals(0.236593090512564, half.lo(), TOL, "Wilson lower end of 5/10");
        assertEquals(1 - half.lo(), half.hi(), TOL, "5/10 is symmetric about 0.5");
        // 0/10: lo is exactly 0, hi = (z²/10)/(1 + z²/10)
        Proportion zero = Proportion.of(0, 10);
        assertEquals(0.0, zero.lo(), TOL, "0 successes: lower end 0");
        assertEquals(0.2775327998628892, zero.hi(), TOL, "0 successes: upper end z²/n / (1 + z²/n)");
        // 1/1: hi is exactly 1, lo = 1/(1 + z²)
        Proportion one = Proportion.of(1, 1);
        assertEquals(1.0, one.hi(), TOL, "all successes: upper end 1");
        assertEquals(0.20654931437723745, one.lo(), TOL, "1/1: lower end 1/(1 + z²)");
        assertEquals(0.30064184258240184, Proportion.of(3, 4).lo(), TOL, "3/4 lower end");
    }

    @Test
    void emptyProportionKnowsNothingAndBadCountsAreRefused() {
        Proportion none = Proportion.of(0, 0);
        assertTrue(Double.isNaN(none.rate()), "no trials: rate NaN");
        assertEquals(0.0, none.lo(), "no trials: interval [0, 1]");
        assertEquals(1.0, none.hi(), "no trials: interval [0, 1]");
        assertEquals("n/a (0/0)", none.format(), "format without trials");
        assertThrows(IllegalArgumentException.class, () -> Proportion.of(3, 2), "count > n");
        assertThrows(IllegalArgumentException.class, () -> Proportion.of(-1, 2), "negative count");
        assertEquals("0.800 [0.490, 0.943] (8/10)", Proportion.of(8, 10).format(), "format");
        assertTrue(Proportion.of(8, 10).covers(0.5) && !Proportion.of(8, 10).covers(0.45), "covers uses the interval");
    }

    @Test
    void counterCountsSuccessesAndTrials() {
        Proportion.Counter c = new Proportion.Counter();
        c.add(true);
        c.add(false);
        c.add(true);
        assertEquals(Proportion.of(2, 3), c.proportion(), "2 of 3");
    }

    @Test
    void flipNoiseInvertsTwoEpsilonOneMinusEpsilon() {
        // d = 2ε(1-ε): ε = 0.1 gives d = 0.18
        assertEquals(0.1, NoiseEstimate.flipRate(0.18), 1e-12, "ε(0.18)");
        assertEquals(0.0, NoiseEstimate.flipRate(0.0), 0, "no disagreement, no noise");
        assertEquals(0.5, NoiseEstimate.flipRate(0.5), 0, "d = 1/2 is a coin");
        assertEquals(0.5, NoiseEstimate.flipRate(0.9), 0, "d above 1/2 caps at 1/2");
        NoiseEstimate e = NoiseEstimate.fromDisagreement(Proportion.of(18, 100));
        assertEquals(0.1, e.epsilon(), 1e-12, "ε from 18/100");
        // interval: ε of the Wilson ends of 18/100, [0.11700, 0.26667]
        assertEquals(0.06239415851103147, e.lo(), 1e-9, "ε of the lower Wilson end");
        assertEquals(0.15844003737484635, e.hi(), 1e-9, "ε of the upper Wilson end");
        assertTrue(Double.isNaN(NoiseEstimate.fromDisagreement(Proportion.of(0, 0)).epsilon()), "no trials: NaN");
    }
}
