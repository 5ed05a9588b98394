// Tests of AdamW and SGD against hand-computed updates (float64 PyTorch formulas evaluated by hand /
// in a scratch script, pasted as literals), parameter groups, skipping, and state-dict resume.
package dev.plumbline.nn.optim;

import dev.plumbline.nn.Module;
import dev.plumbline.nn.Parameter;
import dev.plumbline.tensor.MemoryStats;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class OptimizerTest {

    /** A weight (decayed) and a bias (not decayed). */
    static final class WeightAndBias extends Module {
        final Parameter w;
        final Parameter b;

        WeightAndBias(float[] w0, float[] b0) {
            w = param("weight", Tensor.fromArray(w0, w0.length), true);
            b = param("bias", Tensor.fromArray(b0, b0.length), false);
        }
    }

    private static void setGrad(Parameter p, float... g) {
        p.data().setGrad(Tensor.fromArray(g, g.length));
    }

    private static void assertValues(double[] expected, Parameter p, double tol, String what) {
        float[] got = p.data().toFloatArray();
        assertEquals(expected.length, got.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], tol, what + "[" + i + "]: expected " + expected[i] + " got " + got[i]);
        }
    }

    @Test
    void adamwFirstStepIsBiasCorrectedSignStep() {
        // t=1: m̂ = g, v̂ = g², so p ← p(1 − lr·wd) − lr·g/(|g| + eps): 1·0.999 − 0.1·0.5/(0.5+1e-8)
        WeightAndBias m = new WeightAndBias(new float[] {1f, -2f}, new float[] {0.5f});
        AdamW opt = new AdamW(m, 0.1, 0.01);
        setGrad(m.w, 0.5f, -1.0f);
        setGrad(m.b, 2.0f);
        opt.step();
        assertValues(new double[] {0.899000002, -1.898000001}, m.w, 1e-6, "weight after step 1");
        assertValues(new double[] {0.4000000005}, m.b, 1e-6, "bias after step 1 (no decay)");
    }

    @Test
    void adamwMatchesHandComputedStepsWithDecayAndNoDecayGroups() {
        WeightAndBias m = new WeightAndBias(new float[] {1f, -2f}, new float[] {0.5f});
        AdamW opt = new AdamW(m, 0.1, 0.01);
        assertEquals(2, opt.groups().size(), "decay and no-decay groups");
        assertEquals(0.01, opt.groups().get(0).weightDecay(), "weight group decays");
        assertEquals(0.0, opt.groups().get(1).weightDecay(), "bias group does not decay");
        float[][] gw = {{0.5f, -1.0f}, {0.1f, 0.3f}, {-0.2f, 0.4f}};
        float[][] gb = {{2.0f}, {-1.0f}, {0.5f}};
        double[][] ew = {{0.899000002, -1.898000001}, {0.8177969063826517, -1.8533171424282264},
                {0.7825437349271063, -1.843457921333156}};
        double[][] eb = {{0.4000000005}, {0.37336629670243154}, {0.33932338213894264}};
        for (int t = 0; t < 3; t++) {
            opt.zeroGrad();
            setGrad(m.w, gw[t]);
            setGrad(m.b, gb[t]);
            opt.step();
            assertValues(ew[t], m.w, 2e-6, "weight after step " + (t + 1));
            assertValues(eb[t], m.b, 2e-6, "bias after step " + (t + 1));
        }
        assertEquals(3, opt.stepCount(), "step count");
        assertEquals(3, opt.paramStep("weight"), "per-parameter step");
    }

    @Test
    void adamwSkipsParametersWithoutGradAndCountsTheirOwnSteps() {
        WeightAndBias m = new WeightAndBias(new float[] {1f, -2f}, new float[] {0.5f});
        AdamW opt = new AdamW(m, 0.1, 0.01);
        setGrad(m.w, 0.5f, -1.0f);
        opt.step(); // bias has no grad: untouched, no state
        assertValues(new double[] {0.5}, m.b, 0, "bias without grad must not move");
        assertNull(opt.state("bias", AdamW.EXP_AVG), "no state for a parameter never updated");
        opt.zeroGrad();
        setGrad(m.b, 2.0f);
        opt.step(); // the bias's first update uses t=1 bias correction, as in PyTorch
        assertValues(new double[] {0.4000000005}, m.b, 1e-6, "bias first update at its own t=1");
        assertValues(new double[] {0.899000002, -1.898000001}, m.w, 1e-6, "weight without grad in step 2 is unchanged");
        assertEquals(1, opt.paramStep("bias"));
        assertEquals(1, opt.paramStep("weight"));
    }

    @Test
    void sgdMomentumNesterovAndDampeningMatchHandComputation() {
        float[][] g = {{0.5f, -1.0f}, {0.1f, 0.3f}, {-0.2f, 0.4f}};
        // d = g + 0.1 p; b1 = d; b = 0.9 b + d; step 1: p = [1 − 0.1·0.6, −2 + 0.1·1.2] = [0.94, −1.88]
        double[][] momentum = {{0.94, -1.88}, {0.8666, -1.7832}, {0.811874, -1.718248}};
        double[][] nesterov = {{0.886, -1.772}, {0.801566, -1.698132}, {0.765319646, -1.664334292}};
        double[][] damped = {{0.95, -1.9}, {0.9, -1.825}, {0.865, -1.7775}};
        runSgd(0.9, 0.0, 0.1, false, g, momentum, "momentum 0.9, wd 0.1");
        runSgd(0.9, 0.0, 0.1, true, g, nesterov, "nesterov 0.9, wd 0.1");
        runSgd(0.9, 0.5, 0.0, false, g, damped, "momentum 0.9, dampening 0.5");
    }

    private static void runSgd(double mom, double damp, double wd, boolean nest, float[][] g, double[][] expected, String what) {
        Parameter p = new Parameter(Tensor.fromArray(new float[] {1f, -2f}, 2), true);
        SGD opt = new SGD(List.of(ParamGroup.of("p", List.of(p), 0.1, wd)), mom, damp, nest);
        for (int t = 0; t < g.length; t++) {
            opt.zeroGrad();
            setGrad(p, g[t]);
            opt.step();
            assertValues(expected[t], p, 1e-6, what + ", step " + (t + 1));
        }
    }

    @Test
    void badHyperparametersAreRejectedWithTheValue() {
        WeightAndBias m = new WeightAndBias(new float[] {1f}, new float[] {0f});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AdamW(m, -0.5, 0.01));
        assertTrue(e.getMessage().contains("-0.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new AdamW(m, 1e-3, 1.0, 0.999, 1e-8, 0.0));
        assertTrue(e.getMessage().contains("betas"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(m, 0.1, 0.0, 0.0, 0.0, true));
        assertTrue(e.getMessage().contains("Nesterov"), e.getMessage());
        AdamW opt = new AdamW(m);
        e = assertThrows(IllegalArgumentException.class, () -> opt.setLr(Double.NaN));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void stateDictRoundTripContinuesIdentically() {
        Generator gen = new Generator(7);
        float[] w0 = Tensor.randn(gen, 6).toFloatArray();
        WeightAndBias a = new WeightAndBias(w0, new float[] {0.1f, -0.3f});
        AdamW optA = new AdamW(a, 0.05, 0.1);
        Tensor x = Tensor.randn(gen, 6);
        for (int t = 0; t < 3; t++) {
            lossStep(a, optA, x);
        }
        // snapshot (state tensors are shared, so copy them as a checkpoint writer would serialise them)
        Map<String, Tensor> saved = new LinkedHashMap<>();
        optA.stateDict().forEach((k, v) -> saved.put(k, v.copyDetached()));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        a.stateDict().forEach((k, v) -> weights.put(k, v.copyDetached()));
        assertTrue(saved.containsKey("state.weight.exp_avg") && saved.containsKey("state.bias.step"), "keys: " + saved.keySet());

        WeightAndBias b = new WeightAndBias(new float[6], new float[2]);
        b.loadStateDict(weights);
        AdamW optB = new AdamW(b, 0.05, 0.1);
        optB.loadStateDict(saved);
        assertEquals(3, optB.stepCount(), "restored step count");
        for (int t = 0; t < 2; t++) {
            float la = lossStep(a, optA, x);
            float lb = lossStep(b, optB, x);
            assertEquals(la, lb, 0f, "loss after resume, step " + (4 + t));
            assertArrayEquals(a.w.data().toFloatArray(), b.w.data().toFloatArray(), 0f, "weights after resume");
        }
        // a state of another shape is refused, naming the key
        Map<String, Tensor> bad = new LinkedHashMap<>(saved);
        bad.put("state.weight.exp_avg", Tensor.zeros(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> optB.loadStateDict(bad));
        assertTrue(e.getMessage().contains("state.weight.exp_avg"), e.getMessage());
    }

    /** loss = Σ (w ⊙ x)² + Σ b²; one AdamW step; returns the loss. */
    private static float lossStep(WeightAndBias m, Optimizer opt, Tensor x) {
        try (Scope s = Scope.open()) {
            opt.zeroGrad();
            Tensor loss = m.w.data().mul(x).square().sum().add(m.b.data().square().sum());
            loss.backward();
            opt.step();
            return loss.item();
        }
    }

    @Test
    void stepsKeepLiveBytesFlat() {
        // counts only what this test allocates, not other tests' garbage the GC frees meanwhile
        try (MemoryStats.Tracker mem = MemoryStats.track()) {
            WeightAndBias m = new WeightAndBias(new float[] {1f, 2f, 3f}, new float[] {0f});
            Tensor x = Tensor.fromArray(new float[] {1f, -1f, 2f}, 3);
            for (Optimizer opt : new Optimizer[] {new AdamW(m), new SGD(m, 0.01, 0.9, 0, 0.01, true)}) {
                lossStep(m, opt, x); // first step allocates state
                opt.zeroGrad();
                long before = mem.settledLiveBytes(Device.cpu());
                for (int i = 0; i < 5; i++) {
                    lossStep(m, opt, x);
                    opt.zeroGrad();
                }
                assertEquals(before, mem.settledLiveBytes(Device.cpu()), opt.getClass().getSimpleName() + ": live bytes must not grow per step");
            }
        }
    }

    @Test
    void clipGradNormMatchesHandValues() {
        Parameter a = new Parameter(Tensor.zeros(2), true);
        Parameter b = new Parameter(Tensor.zeros(1), true);
        Parameter none = new Parameter(Tensor.zeros(3), true);
        setGrad(a, 3f, 4f);
        setGrad(b, 12f);
        // total = √(9 + 16 + 144) = 13; coef = 6.5 / (13 + 1e-6)
        double norm = GradClip.clipGradNorm(List.of(a, b, none), 6.5);
        assertEquals(13.0, norm, 1e-5, "norm before clipping");
        double coef = 6.5 / (13 + 1e-6);
        assertArrayEquals(new float[] {(float) (3 * coef), (float) (4 * coef)}, a.grad().toFloatArray(), 1e-6f, "clipped grad a");
        assertArrayEquals(new float[] {(float) (12 * coef)}, b.grad().toFloatArray(), 1e-6f, "clipped grad b");
        assertEquals(6.5, GradClip.gradNorm(List.of(a, b)), 1e-5, "norm after clipping");
        // below the limit: untouched
        double n2 = GradClip.clipGradNorm(List.of(a, b), 100);
        assertEquals(6.5, n2, 1e-5);
        assertArrayEquals(new float[] {(float) (12 * coef)}, b.grad().toFloatArray(), 0f, "unclipped grad stays");
        // non-finite
        setGrad(b, Float.NaN);
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> GradClip.clipGradNorm(List.of(a, b), 1.0, true));
        assertTrue(e.getMessage().contains("#1"), "names the parameter: " + e.getMessage());
        assertTrue(Double.isNaN(GradClip.clipGradNorm(List.of(a, b), 1.0)), "NaN norm returned when not erroring");
    }

    @Test
    void gradAccumulationScalesToTheMeanGradient() {
        // loss_i = c_i · w; mean over 2 micro-batches → grad = (c1 + c2) / 2
        Parameter w = new Parameter(Tensor.fromArray(new float[] {1f}, 1), true);
        GradAccumulation acc = new GradAccumulation(2);
        for (float c : new float[] {3f, 5f}) {
            try (Scope s = Scope.open()) {
                acc.scale(w.data().mul(c).sum()).backward();
            }
        }
        assertArrayEquals(new float[] {4f}, w.grad().toFloatArray(), 1e-6f, "accumulated gradient is the mean");
        assertFalse(acc.isLastMicroStep(0));
        assertTrue(acc.isLastMicroStep(1));
        assertThrows(IllegalArgumentException.class, () -> new GradAccumulation(0));
    }
}
