package dev.plumbline.rlaif.ppo;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.GradCheck;
import dev.plumbline.tensor.random.Generator;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class PpoLossesTest {
    @Test
    void policyLossClipsAsDefined() {
        // ratios e^{0.5}=1.6487 (clipped to 1.2 for A>0), e^{-0.5}=0.6065 (A<0: -A·clip = 0.8·... )
        Tensor logp = Tensor.fromArray(new float[] {0.5f, -0.5f, 0.1f, 9f}, 1, 4).requiresGrad(true);
        Tensor old = Tensor.zeros(1, 4);
        Tensor adv = Tensor.fromArray(new float[] {1f, -2f, 0.5f, 3f}, 1, 4);
        Tensor mask = Tensor.fromArray(new float[] {1, 1, 1, 0}, 1, 4);
        PpoLosses.PolicyLoss l = PpoLosses.policy(logp, old, adv, mask, 0.2f);
        double r0 = Math.exp(0.5), r1 = Math.exp(-0.5), r2 = Math.exp(0.1);
        double t0 = Math.max(-1 * r0, -1 * Math.min(r0, 1.2));      // = -1.2 (clipped)
        double t1 = Math.max(2 * r1, 2 * Math.max(r1, 0.8));        // = 1.6 (clipped)
        double t2 = Math.max(-0.5 * r2, -0.5 * r2);                 // inside the range
        assertEquals((t0 + t1 + t2) / 3, l.loss().item(), 1e-5);
        assertEquals(2f / 3f, l.clipFraction(), 1e-6);
        assertEquals(0.5 * (0.25 + 0.25 + 0.01) / 3, l.approxKl(), 1e-6);
        l.loss().backward();
        float[] g = logp.grad().toFloatArray();
        assertEquals(0f, g[0], 1e-7);  // clipped: no gradient
        assertEquals(0f, g[1], 1e-7);
        assertEquals(-0.5 * r2 / 3, g[2], 1e-6);
        assertEquals(0f, g[3], 1e-7);  // masked
    }

    @Test
    void valueLossTakesTheWorseOfClippedAndUnclipped() {
        Tensor v = Tensor.fromArray(new float[] {1.0f, 0.0f}, 1, 2).requiresGrad(true);
        Tensor old = Tensor.fromArray(new float[] {0.0f, 0.0f}, 1, 2);
        Tensor ret = Tensor.fromArray(new float[] {2.0f, 0.5f}, 1, 2);
        Tensor mask = Tensor.ones(1, 2);
        PpoLosses.ValueLoss l = PpoLosses.value(v, old, ret, mask, 0.2f);
        // entry 0: unclipped (1−2)² = 1, clipped (0.2−2)² = 3.24 → 3.24; entry 1: both 0.25
        assertEquals(0.5 * (3.24 + 0.25) / 2, l.loss().item(), 1e-5);
        assertEquals(0.5f, l.clipFraction(), 1e-6);
    }

    @Test
    void whitenedAdvantagesHaveZeroMeanUnitVarianceOverMask() {
        Tensor x = Tensor.randn(new Generator(TestSeeds.seed("PpoLossesTest.whitenedAdvantagesHaveZeroMeanUnitVarianceOverMask")), 4, 7).mul(3f).add(2f);
        Tensor mask = Tensor.ones(4, 7);
        float[] w = PpoLosses.whiten(x, mask, true).toFloatArray();
        double s = 0, s2 = 0;
        for (float f : w) {
            s += f;
            s2 += f * f;
        }
        assertEquals(0, s / w.length, 1e-5);
        assertEquals(1, s2 / w.length, 1e-3);
    }

    @Test
    void klEstimatorsMatchDefinitions() {
        Tensor lp = Tensor.fromArray(new float[] {-1f, -2f}, 2);
        Tensor ref = Tensor.fromArray(new float[] {-1.5f, -1f}, 2);
        float[] k1 = KlEstimator.K1.perToken(lp, ref).toFloatArray();
        float[] k2 = KlEstimator.K2.perToken(lp, ref).toFloatArray();
        float[] k3 = KlEstimator.K3.perToken(lp, ref).toFloatArray();
        double r0 = -0.5, r1 = 1.0;
        assertEquals(-r0, k1[0], 1e-6);
        assertEquals(-r1, k1[1], 1e-6);
        assertEquals(r0 * r0 / 2, k2[0], 1e-6);
        assertEquals(Math.exp(r1) - 1 - r1, k3[1], 1e-6);
        assertTrue(k3[0] >= 0);
        assertEquals(KlEstimator.K3, KlEstimator.parse("k3"));
        var e = assertThrows(IllegalArgumentException.class, () -> KlEstimator.parse("k9"));
        assertTrue(e.getMessage().contains("k9"));
    }

    @Test
    void adaptiveKlMovesTowardTarget() {
        KlController c = KlController.adaptive(0.1, 6, 1000);
        c.update(12, 100);              // KL twice the target: e clipped to +0.2
        assertEquals(0.1 * (1 + 0.2 * 100 / 1000.0), c.coef(), 1e-12);
        c.update(3, 100);               // half the target: e = −0.5 → −0.2
        assertEquals(0.1 * 1.02 * 0.98, c.coef(), 1e-12);
        KlController f = KlController.fixed(0.05);
        f.update(100, 100);
        assertEquals(0.05, f.coef());
        assertThrows(IllegalArgumentException.class, () -> KlController.fixed(-1));
    }

    @Test
    void policyLossGradientMatchesFiniteDifferences() {
        Generator gen = new Generator(TestSeeds.seed("PpoLossesTest.policyLossGradientMatchesFiniteDifferences"));
        Tensor logp = Tensor.randn(gen, 2, 3).mul(0.1f).requiresGrad(true);
        Tensor old = Tensor.randn(gen, 2, 3).mul(0.1f);
        Tensor adv = Tensor.randn(gen, 2, 3);
        Tensor mask = Tensor.fromArray(new float[] {1, 1, 0, 1, 1, 1}, 2, 3);
        GradCheck.check(in -> PpoLosses.policy(in[0], old, adv, mask, 0.3f).loss(), 1e-3, 1e-3, 2e-2, logp);
    }
}
