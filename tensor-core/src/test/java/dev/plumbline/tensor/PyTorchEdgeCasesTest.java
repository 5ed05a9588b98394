package dev.plumbline.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Edge cases an independent check against PyTorch 1.13 found to differ (issue 13, item 7). Each
 * expected value is PyTorch's, which here is also the exact math: d/dx x⁰ = 0, softmax of one
 * element is 1, and so on.
 */
class PyTorchEdgeCasesTest {

    @Test
    void powWithExponentZeroHasGradientZeroAlsoAtZero() {
        // torch.tensor([0., 2., -3.], requires_grad=True).pow(0).sum().backward() → grad [0, 0, 0]
        Tensor x = Tensor.fromArray(new float[] {0f, 2f, -3f}, 3).requiresGrad(true);
        x.pow(0f).sum().backward();
        assertArrayEquals(new float[] {0f, 0f, 0f}, x.grad().toFloatArray());
        // the tensor exponent: torch.pow(x, torch.tensor([0., 0., 2.])) → d/dx [0, 0, -6]
        Tensor y = Tensor.fromArray(new float[] {0f, 2f, -3f}, 3).requiresGrad(true);
        y.pow(Tensor.fromArray(new float[] {0f, 0f, 2f}, 3)).sum().backward();
        assertArrayEquals(new float[] {0f, 0f, -6f}, y.grad().toFloatArray());
        // other exponents keep their gradient: d/dx x³ = 3x² at x = 2
        Tensor z = Tensor.fromArray(new float[] {2f}, 1).requiresGrad(true);
        z.pow(3f).sum().backward();
        assertEquals(12f, z.grad().toFloatArray()[0], 1e-5f);
    }

    @Test
    void aZeroDimensionalTensorViewsAsOneElement() {
        // torch.tensor(2.).view(1) → tensor([2.]); .view(1, 1) and .view(-1) too
        Tensor s = Tensor.scalar(2f);
        assertArrayEquals(new int[] {1}, s.view(1).shape());
        assertArrayEquals(new int[] {1, 1}, s.view(1, 1).shape());
        assertArrayEquals(new int[] {1}, s.view(-1).shape());
        assertEquals(2f, s.view(1).toFloatArray()[0]);
        assertSame(s.storage(), s.view(1).storage(), "a view, not a copy");
        assertThrows(IllegalArgumentException.class, () -> s.view(2));
    }

    @Test
    void softmaxOfAZeroDimensionalTensorIsZeroDimensional() {
        // torch.tensor(3.).softmax(0) → tensor(1.), shape []; log_softmax → tensor(0.)
        Tensor s = Tensor.scalar(3f);
        Tensor p = s.softmax(0), lp = s.logSoftmax(-1);
        assertArrayEquals(new int[0], p.shape());
        assertArrayEquals(new int[0], lp.shape());
        assertEquals(1f, p.item());
        assertEquals(0f, lp.item());
        assertThrows(IllegalArgumentException.class, () -> s.softmax(1), "dims of a 0-d tensor are 0 and -1");
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        x.logSoftmax().backward();
        assertEquals(0f, x.grad().item(), "log_softmax of one element is constant");
    }

    @Test
    void gatherWithAnEmptyIndexGivesAnEmptyResult() {
        // torch.gather(torch.ones(2, 3), 1, torch.empty(2, 0, dtype=torch.long)) → shape (2, 0)
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor idx = Tensor.zeros(Device.cpu(), DType.I32, 2, 0);
        Tensor out = x.gather(idx);
        assertArrayEquals(new int[] {2, 0}, out.shape());
        out.sum().backward();
        assertArrayEquals(new float[6], x.grad().toFloatArray(), "nothing gathered, no gradient");
        // and an empty batch: index (0, 2) on input (0, 3)
        Tensor none = Tensor.zeros(0, 3).gather(Tensor.zeros(Device.cpu(), DType.I32, 0, 2));
        assertArrayEquals(new int[] {0, 2}, none.shape());
    }

    @Test
    void logSoftmaxOverTheFirstDimIsContiguousAndViewable() {
        // torch.randn(5, 3).log_softmax(0).is_contiguous() → True, and .view(15) works
        float[] v = new float[15];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(1.7 * i);
        }
        Tensor x = Tensor.fromArray(v, 5, 3);
        Tensor lp = x.logSoftmax(0);
        assertTrue(lp.isContiguous());
        float[] flat = lp.view(15).toFloatArray();
        for (int c = 0; c < 3; c++) {           // float64 reference along each column
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int r = 0; r < 5; r++) {
                m = Math.max(m, v[r * 3 + c]);
            }
            for (int r = 0; r < 5; r++) {
                s += Math.exp(v[r * 3 + c] - m);
            }
            for (int r = 0; r < 5; r++) {
                assertEquals(v[r * 3 + c] - m - Math.log(s), flat[r * 3 + c], 1e-6, "row " + r + " col " + c);
            }
        }
        assertTrue(x.softmax(0).isContiguous());
    }
}
