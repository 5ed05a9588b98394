package dev.plumbline.tensor;

import dev.plumbline.tensor.random.Generator;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Factories, random tensors, dtype conversion, data access and printing. */
class CreationTest {

    @Test
    void constantFactories() {
        assertArrayEquals(new float[6], Tensor.zeros(2, 3).toFloatArray());
        assertArrayEquals(new float[] {1, 1}, Tensor.ones(2).toFloatArray());
        assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f}, Tensor.full(2.5f, 3).toFloatArray());
        assertEquals(0, Tensor.scalar(3f).dim());
        assertEquals(3f, Tensor.scalar(3f).item());
        assertArrayEquals(new float[] {0, 1, 2, 3}, Tensor.arange(4).toFloatArray());
        assertArrayEquals(new float[] {1, 1.5f, 2, 2.5f}, Tensor.arange(1, 3, 0.5).toFloatArray());
        assertArrayEquals(new float[] {5, 3}, Tensor.arange(5, 1, -2).toFloatArray());
        assertEquals(0, Tensor.arange(3, 1, 1).numel());
        Tensor i = Tensor.ones(Device.cpu(), DType.I32, 2);
        assertArrayEquals(new int[] {1, 1}, i.toIntArray());
        Tensor like = Tensor.fullLike(Tensor.zeros(2, 2), 4);
        assertArrayEquals(new int[] {2, 2}, like.shape());
        assertArrayEquals(new float[] {4, 4, 4, 4}, like.toFloatArray());
        assertEquals(0, Tensor.zeros(0, 3).numel());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 1, 0));
        assertTrue(e.getMessage().startsWith("arange: step must be non-zero"), e.getMessage());
    }

    @Test
    void randomFactoriesHaveTheRightDistribution() {
        long seed = TestSeeds.seed("CreationTest.randomFactoriesHaveTheRightDistribution");
        int n = 20000;
        float[] u = Tensor.rand(new Generator(seed), n).toFloatArray();
        float[] z = Tensor.randn(new Generator(seed + 1), n).toFloatArray();
        double um = 0, zm = 0, zv = 0;
        for (int i = 0; i < n; i++) {
            assertTrue(u[i] >= 0 && u[i] < 1, "uniform out of [0,1): " + u[i] + " (seed " + seed + ")");
            um += u[i];
            zm += z[i];
        }
        um /= n;
        zm /= n;
        for (float v : z) {
            zv += (v - zm) * (v - zm);
        }
        zv /= n;
        // bounds are > 6 standard errors wide: a correct generator essentially never fails them
        assertEquals(0.5, um, 0.013, "uniform mean (seed " + seed + ")");
        assertEquals(0, zm, 0.045, "normal mean (seed " + seed + ")");
        assertEquals(1, zv, 0.07, "normal variance (seed " + seed + ")");
        // same generator state, same numbers; a used generator moves on
        Generator g = new Generator(seed);
        assertArrayEquals(Tensor.rand(new Generator(seed), 10).toFloatArray(), Tensor.rand(g, 10).toFloatArray());
        assertFalse(java.util.Arrays.equals(Tensor.rand(new Generator(seed), 10).toFloatArray(),
                Tensor.rand(g, 10).toFloatArray()));
    }

    @Test
    void dtypeConversionAndPrinting() {
        Tensor f = Tensor.fromArray(new float[] {1.7f, -2.7f, 3f}, 3);
        Tensor i = f.to(DType.I32);
        assertEquals(DType.I32, i.dtype());
        assertArrayEquals(new int[] {1, -2, 3}, i.toIntArray(), "F32 → I32 truncates toward zero");
        assertArrayEquals(new float[] {1, -2, 3}, i.to(DType.F32).toFloatArray());
        assertSame(f, f.to(DType.F32));
        assertSame(f, f.to(Device.cpu()));
        assertEquals("tensor([1.7000, -2.7000, 3.0000], shape=[3])", f.toString());
        assertEquals("tensor([[1, -2, 3]], shape=[1, 3], dtype=I32)", i.reshape(1, 3).toString());
        Tensor g = Tensor.ones(2).requiresGrad(true);
        assertEquals("tensor([1.0000, 1.0000], shape=[2], requires_grad=true)", g.toString());
        assertEquals("tensor([2.0000, 2.0000], shape=[2], grad_fn=affine)", g.mul(2f).toString());
    }
}
