package dev.plumbline.rlaif.experiment;

import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class GaoFitTest {
    @Test
    void recoversKnownParametersAndThePeak() {
        double alpha = 1.2, beta = 0.8;
        double[] d = new double[40], r = new double[40];
        for (int i = 0; i < d.length; i++) {
            d[i] = 0.1 + 0.1 * i;
            r[i] = d[i] * (alpha - beta * Math.log(d[i]));
        }
        GaoFit f = GaoFit.fit(d, r);
        assertEquals(alpha, f.alpha(), 1e-9);
        assertEquals(beta, f.beta(), 1e-9);
        assertEquals(1.0, f.r2(), 1e-12);
        // by hand: d* = exp(α/β − 1) = exp(0.5), R(d*) = β d*
        assertEquals(Math.exp(0.5), f.peakD(), 1e-9);
        assertEquals(0.8 * Math.exp(0.5), f.peakGain(), 1e-9);
        assertEquals(f.peakGain(), f.predict(f.peakD()), 1e-9);
    }

    @Test
    void noisyPointsStillGiveTheRightShape() {
        Random rnd = new Random(TestSeeds.seed("GaoFitTest.noisyPointsStillGiveTheRightShape"));
        double[] d = new double[200], r = new double[200];
        for (int i = 0; i < d.length; i++) {
            d[i] = 0.05 + 3.0 * i / d.length;
            r[i] = d[i] * (0.9 - 0.6 * Math.log(d[i])) + 0.01 * rnd.nextGaussian();
        }
        GaoFit f = GaoFit.fit(d, r);
        assertEquals(0.9, f.alpha(), 0.02);
        assertEquals(0.6, f.beta(), 0.02);
        assertTrue(f.r2() > 0.99);
    }

    @Test
    void noPeakWhenGoldNeverFallsAndBadInputIsNamed() {
        GaoFit rising = GaoFit.fit(new double[] {0.5, 1, 2, 3}, new double[] {0.5, 1, 2, 3});   // R = d
        assertEquals(1.0, rising.alpha(), 1e-9);
        assertEquals(0.0, rising.beta(), 1e-9);
        assertEquals(Double.POSITIVE_INFINITY, GaoFit.fit(new double[] {0.5, 1, 2}, new double[] {0.4, 1.5, 4}).peakD());
        var e = assertThrows(IllegalArgumentException.class, () -> GaoFit.fit(new double[] {1, 1}, new double[] {1, 2}));
        assertTrue(e.getMessage().contains("two points"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GaoFit.fit(new double[] {1}, new double[] {1, 2}));
        assertTrue(e.getMessage().contains("1 distances but 2 gains"), e.getMessage());
    }
}
