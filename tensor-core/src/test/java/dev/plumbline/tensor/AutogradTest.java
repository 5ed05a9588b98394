package dev.plumbline.tensor;

import dev.plumbline.tensor.autograd.Anomaly;
import dev.plumbline.tensor.autograd.AnomalyException;
import dev.plumbline.tensor.autograd.NoGrad;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The reverse-mode engine: accumulation, reuse, detach, NoGrad, graph freeing, in-place guards, anomaly mode. */
class AutogradTest {

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3}, 3).requiresGrad(true);
        x.mul(x).sum().backward();          // 2x
        x.mul(3f).sum().backward();         // + 3
        assertArrayEquals(new float[] {5, 7, 9}, x.grad().toFloatArray());
    }

    @Test
    void tensorUsedTwiceGetsBothContributions() {
        Tensor x = Tensor.fromArray(new float[] {2, -1}, 2).requiresGrad(true);
        Tensor y = x.exp();
        // L = Σ y·x + y  → dL/dx = y·x + y + y
        y.mul(x).add(y).sum().backward();
        float[] g = x.grad().toFloatArray();
        assertEquals(Math.exp(2) * 4, g[0], 1e-4);
        assertEquals(Math.exp(-1) * 1, g[1], 1e-6);
    }

    @Test
    void detachStopsGradients() {
        Tensor x = Tensor.fromArray(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor d = x.mul(2f).detach();
        assertFalse(d.requiresGrad());
        assertNull(d.gradFn());
        x.mul(d).sum().backward(); // d is a constant: grad = d
        assertArrayEquals(new float[] {2, 4}, x.grad().toFloatArray());
        assertSame(x.storage(), x.detach().storage());
    }

    @Test
    void noGradRecordsNothing() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Tensor y;
        try (NoGrad ng = NoGrad.enter()) {
            y = x.mul(3f).exp().sum();
        }
        assertFalse(y.requiresGrad());
        assertNull(y.gradFn());
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertEquals("backward: tensor of shape [] does not require grad and has no grad_fn (call requiresGrad(true) on "
                + "a leaf it depends on)", e.getMessage());
        assertNotNull(x.mul(3f).gradFn(), "recording resumes after the NoGrad scope");
        assertEquals("mul", x.mul(x).gradFn().op());
    }

    @Test
    void backwardOnNonScalarNeedsAGradient() {
        Tensor x = Tensor.ones(2, 3).requiresGrad(true);
        Tensor y = x.mul(2f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
        assertEquals("backward: output of shape [2, 3] is not a scalar; pass its gradient explicitly: backward(gradient)",
                e.getMessage());
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(3)));
        assertEquals("backward: gradient shape [3] differs from output shape [2, 3]", w.getMessage());
        y.backward(Tensor.full(0.5f, 2, 3));
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, x.grad().toFloatArray());
    }

    @Test
    void secondBackwardThroughFreedGraphFailsUnlessRetained() {
        Tensor x = Tensor.fromArray(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor loss = x.exp().sum();
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().startsWith("backward: trying to backward through the graph a second time (op 'sum')"),
                e.getMessage());
        assertTrue(e.getMessage().contains("retainGraph=true"), e.getMessage());

        Tensor z = Tensor.fromArray(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor l2 = z.mul(z).sum();
        l2.backward(Tensor.scalar(1f), true);
        l2.backward(Tensor.scalar(1f), false);
        assertArrayEquals(new float[] {4, 8}, z.grad().toFloatArray(), "two retained backward calls accumulate 2·2z");
    }

    @Test
    void inPlaceOnRequiresGradTensorIsRejectedOutsideNoGrad() {
        Tensor w = Tensor.ones(2, 2).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.add_(Tensor.ones(2, 2)));
        assertEquals("add_: in-place update of a tensor that requires grad (shape [2, 2]); wrap it in "
                + "try (NoGrad ng = NoGrad.enter()) { ... }", e.getMessage());
        IllegalStateException m = assertThrows(IllegalStateException.class, () -> w.mul_(2f));
        assertTrue(m.getMessage().startsWith("mul_: in-place update"), m.getMessage());
        try (NoGrad ng = NoGrad.enter()) {
            w.add_(Tensor.ones(2), -0.5f);
        }
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, w.toFloatArray());
    }

    @Test
    void requiresGradRules() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.fromArray(new int[] {1}, 1).requiresGrad(true));
        assertEquals("requiresGrad: only floating-point tensors can require grad, got I32", e.getMessage());
        Tensor y = Tensor.ones(1).requiresGrad(true).exp();
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
        assertEquals("requiresGrad(false) on a non-leaf (output of 'exp'): use detach()", s.getMessage());
    }

    @Test
    void anomalyModeNamesTheForwardOp() {
        Tensor x = Tensor.fromArray(new float[] {1, -2, 3}, 3).requiresGrad(true);
        try (Anomaly a = Anomaly.enable()) {
            Tensor y = x.mul(2f);
            AnomalyException e = assertThrows(AnomalyException.class, () -> y.log());
            assertEquals("anomaly: op 'log' produced NaN at flat index 1 of an output of shape [3] (inputs: [3])",
                    e.getMessage());
        }
        assertTrue(Float.isNaN(x.log().toFloatArray()[1]), "no check once anomaly mode is closed");
    }

    @Test
    void anomalyModeNamesTheBackwardOp() {
        // sqrt(0) is fine forward, but its derivative 1/(2√0) is infinite
        Tensor x = Tensor.fromArray(new float[] {4, 0}, 2).requiresGrad(true);
        try (Anomaly a = Anomaly.enable()) {
            Tensor loss = x.sqrt().sum();
            AnomalyException e = assertThrows(AnomalyException.class, loss::backward);
            assertTrue(e.getMessage().startsWith("anomaly: backward of op 'sqrt' produced, in the gradient of input 0, Inf"),
                    e.getMessage());
        }
    }

    @Test
    void gradientReachesOnlyInputsThatRequireIt() {
        Tensor a = Tensor.ones(2).requiresGrad(true);
        Tensor b = Tensor.ones(2);
        a.mul(b).sum().backward();
        assertNotNull(a.grad());
        assertNull(b.grad());
        assertTrue(a.isLeaf());
    }
}
