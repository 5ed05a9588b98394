package dev.plumbline.rlaif.reward;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.GradCheck;
import dev.plumbline.tensor.random.Generator;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class BradleyTerryTest {
    @Test
    void lossMatchesDefinition() {
        Tensor c = Tensor.fromArray(new float[] {2f, -1f, 30f}, 3);
        Tensor r = Tensor.fromArray(new float[] {1f, 1f, -30f}, 3);
        double expected = 0;
        double[] d = {1, -2, 60};
        for (double x : d) {
            expected += Math.log1p(Math.exp(-x)); // −log σ(x)
        }
        assertEquals(expected / 3, BradleyTerry.loss(c, r, 0f).item(), 1e-6);
        // margin shifts the difference
        assertEquals(Math.log1p(Math.exp(-(1 - 0.5))), BradleyTerry.loss(c.narrow(0, 0, 1), r.narrow(0, 0, 1), 0.5f).item(), 1e-6);
    }

    @Test
    void logSigmoidHasSlopeSigmaOfMinusXEverywhereIncludingZero() {
        // d/dx log σ(x) = σ(−x): 0.5 at exactly 0 (PyTorch's logsigmoid too), not the 1.0 of a kink
        float[] xs = {0f, -0f, 1e-3f, -1e-3f, 2f, -2f, 40f, -40f};
        Tensor x = Tensor.fromArray(xs, xs.length).requiresGrad(true);
        BradleyTerry.logSigmoid(x).sum().backward();
        float[] g = x.grad().toFloatArray();
        float[] v = BradleyTerry.logSigmoid(Tensor.fromArray(xs, xs.length)).toFloatArray();
        for (int i = 0; i < xs.length; i++) {
            double ref = 1 / (1 + Math.exp(xs[i]));               // σ(−x), float64
            assertEquals(ref, g[i], 1e-6, "slope at " + xs[i]);
            double val = xs[i] < 0 ? xs[i] - Math.log1p(Math.exp(xs[i])) : -Math.log1p(Math.exp(-xs[i]));
            assertEquals(val, v[i], 1e-6 * Math.max(1, Math.abs(val)), "log σ(" + xs[i] + ")");
        }
        // so a tied pair (f_w − f_l − m = 0) gets the Bradley–Terry gradient ∓σ(0)/B = ∓0.25 for B = 2
        Tensor fw = Tensor.fromArray(new float[] {1f, 0.5f}, 2).requiresGrad(true);
        Tensor fl = Tensor.fromArray(new float[] {0.5f, 0f}, 2).requiresGrad(true);
        BradleyTerry.loss(fw, fl, 0.5f).backward();
        assertArrayEquals(new float[] {-0.25f, -0.25f}, fw.grad().toFloatArray(), 1e-7f);
        assertArrayEquals(new float[] {0.25f, 0.25f}, fl.grad().toFloatArray(), 1e-7f);
    }

    @Test
    void stableForLargeGaps() {
        Tensor c = Tensor.fromArray(new float[] {-200f}, 1);
        Tensor r = Tensor.fromArray(new float[] {200f}, 1);
        assertEquals(400f, BradleyTerry.loss(c, r, 0f).item(), 1e-3);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Generator gen = new Generator(TestSeeds.seed("BradleyTerryTest.gradientMatchesFiniteDifferences"));
        Tensor c = Tensor.randn(gen, 5).requiresGrad(true);
        Tensor r = Tensor.randn(gen, 5).requiresGrad(true);
        GradCheck.check(in -> BradleyTerry.loss(in[0], in[1], 0.3f), 1e-3, 1e-4, 1e-2, c, r);
        // analytic: d/dc = −(1 − σ(d))/B
        c.setGrad(null);
        BradleyTerry.loss(c, r, 0f).backward();
        float[] cv = c.toFloatArray(), rv = r.toFloatArray(), g = c.grad().toFloatArray();
        for (int i = 0; i < 5; i++) {
            double s = 1 / (1 + Math.exp(-(cv[i] - rv[i])));
            assertEquals(-(1 - s) / 5, g[i], 1e-6);
        }
    }

    @Test
    void shapeMismatchIsNamed() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> BradleyTerry.loss(Tensor.zeros(3), Tensor.zeros(4), 0f));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void softTargetLossAndGradientMatchFloat64() {
        // d = f_w − f_l − m = {0.5, −2}; t = {1, 0.5}
        Tensor fw = Tensor.fromArray(new float[] {1f, 0f}, 2).requiresGrad(true);
        Tensor fl = Tensor.fromArray(new float[] {0f, 2f}, 2);
        Tensor loss = BradleyTerry.loss(fw, fl, Tensor.fromArray(new float[] {1f, 0.5f}, 2), Tensor.fromArray(new float[] {0.5f, 0f}, 2));
        double ls05 = Math.log(1 / (1 + Math.exp(-0.5))), lsm2 = Math.log(1 / (1 + Math.exp(2))), ls2 = Math.log(1 / (1 + Math.exp(-2)));
        double want = -(ls05 + 0.5 * lsm2 + 0.5 * ls2) / 2;
        org.junit.jupiter.api.Assertions.assertEquals(want, loss.item(), 1e-6, "soft-target BT loss");
        loss.backward();
        // dL/df_w = −(t − σ(d)) / B
        double s05 = 1 / (1 + Math.exp(-0.5)), sm2 = 1 / (1 + Math.exp(2));
        float[] g = fw.grad().toFloatArray();
        org.junit.jupiter.api.Assertions.assertEquals(-(1 - s05) / 2, g[0], 1e-6, "gradient, hard label");
        org.junit.jupiter.api.Assertions.assertEquals(-(0.5 - sm2) / 2, g[1], 1e-6, "gradient, tie");
    }
}
