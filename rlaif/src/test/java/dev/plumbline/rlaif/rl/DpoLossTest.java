package dev.plumbline.rlaif.rl;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * DPO's and IPO's losses against independent float64 formulas on random sequence log-probs: the
 * value, TRL's diagnostics, and the gradient with respect to the policy's log-probs against central
 * finite differences of the float64 loss.
 */
class DpoLossTest {
    static final int P = 7;

    /** Sequence log-probs of P pairs (sums over a few tokens: −2 to −12), π near π_ref. */
    static final class Data {
        final double[] pw = new double[P], pl = new double[P], rw = new double[P], rl = new double[P];

        Data(String name) {
            Random rnd = TestSeeds.random(name);
            for (int i = 0; i < P; i++) {
                rw[i] = -2 - 10 * rnd.nextDouble();
                rl[i] = -2 - 10 * rnd.nextDouble();
                pw[i] = rw[i] + rnd.nextGaussian();
                pl[i] = rl[i] + rnd.nextGaussian();
            }
        }
    }

    static double ref(double[] pw, double[] pl, double[] rw, double[] rl, double beta, DpoLoss.Type type) {
        double s = 0;
        for (int i = 0; i < P; i++) {
            double h = (pw[i] - rw[i]) - (pl[i] - rl[i]);
            s += type == DpoLoss.Type.SIGMOID ? Math.log1p(Math.exp(-beta * h)) : Math.pow(h - 1 / (2 * beta), 2);
        }
        return s / P;
    }

    static Tensor t(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) v[i];
        return Tensor.fromArray(f, v.length);
    }

    void check(DpoLoss.Type type, double beta, String name) {
        Data d = new Data(name);
        Tensor pw = t(d.pw).requiresGrad(true), pl = t(d.pl).requiresGrad(true);
        DpoLoss.Result l = DpoLoss.compute(pw, pl, t(d.rw), t(d.rl), (float) beta, type);
        double want = ref(d.pw, d.pl, d.rw, d.rl, beta, type);
        assertEquals(want, l.loss().item(), 1e-5 * Math.max(1, Math.abs(want)), type + " loss");
        l.loss().backward();
        float[] gw = pw.grad().toFloatArray(), gl = pl.grad().toFloatArray();
        double h = 1e-6;
        double rc = 0, rr = 0, acc = 0;
        for (int i = 0; i < P; i++) {
            double[] a = d.pw.clone(), b = d.pw.clone();
            a[i] += h;
            b[i] -= h;
            double fdw = (ref(a, d.pl, d.rw, d.rl, beta, type) - ref(b, d.pl, d.rw, d.rl, beta, type)) / (2 * h);
            a = d.pl.clone();
            b = d.pl.clone();
            a[i] += h;
            b[i] -= h;
            double fdl = (ref(d.pw, a, d.rw, d.rl, beta, type) - ref(d.pw, b, d.rw, d.rl, beta, type)) / (2 * h);
            assertEquals(fdw, gw[i], 1e-4 + 1e-3 * Math.abs(fdw), type + ": d loss / d log π(y_w)[" + i + "]");
            assertEquals(fdl, gl[i], 1e-4 + 1e-3 * Math.abs(fdl), type + ": d loss / d log π(y_l)[" + i + "]");
            assertEquals(-fdw, fdl, 1e-6 * (1 + Math.abs(fdw)), "the loss depends on the margin only");
            double cw = beta * (d.pw[i] - d.rw[i]), cl = beta * (d.pl[i] - d.rl[i]);
            rc += cw;
            rr += cl;
            acc += cw > cl ? 1 : 0;
        }
        assertEquals(rc / P, l.rewardsChosen(), 1e-5, "rewards/chosen");
        assertEquals(rr / P, l.rewardsRejected(), 1e-5, "rewards/rejected");
        assertEquals(acc / P, l.accuracy(), 1e-6, "rewards/accuracies");
        assertEquals((rc - rr) / P, l.margin(), 1e-5, "rewards/margins");
    }

    @Test
    void dpoLossAndGradientMatchFloat64() {
        check(DpoLoss.Type.SIGMOID, 0.1, "DpoLossTest.dpoLossAndGradientMatchFloat64");
    }

    @Test
    void ipoLossAndGradientMatchFloat64() {
        check(DpoLoss.Type.IPO, 0.5, "DpoLossTest.ipoLossAndGradientMatchFloat64");
    }

    @Test
    void largeMarginsStayFinite() {
        // β·h = ±400: a naive log(1 + e^x) overflows float32
        Tensor pw = Tensor.fromArray(new float[] {0f, -4000f}, 2).requiresGrad(true);
        Tensor zero = Tensor.fromArray(new float[] {0f, 0f}, 2);
        Tensor pl = Tensor.fromArray(new float[] {-4000f, 0f}, 2);
        DpoLoss.Result l = DpoLoss.compute(pw, pl, zero, zero, 0.1f, DpoLoss.Type.SIGMOID);
        assertEquals(200.0, l.loss().item(), 1e-3, "mean of 0 and 400");
        l.loss().backward();
        assertArrayEquals(new float[] {0f, -0.05f}, pw.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void badInputIsNamed() {
        Tensor a = Tensor.fromArray(new float[] {0f, 1f}, 2), b = Tensor.fromArray(new float[] {0f, 1f, 2f}, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DpoLoss.compute(a, b, a, a, 0.1f, DpoLoss.Type.SIGMOID));
        assertTrue(e.getMessage().contains("dpo") && e.getMessage().contains("[3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DpoLoss.compute(a, a, a, a, 0f, DpoLoss.Type.IPO));
        assertTrue(e.getMessage().contains("beta"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DpoLoss.Type.parse("hinge"));
        assertTrue(e.getMessage().contains("hinge") && e.getMessage().contains("ipo"), e.getMessage());
    }
}
