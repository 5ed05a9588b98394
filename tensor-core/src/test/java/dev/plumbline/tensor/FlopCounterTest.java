package dev.plumbline.tensor;

import dev.plumbline.tensor.ops.Fused;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * FlopCounter against counts computed by hand from the shapes (2·M·N·K per product; 4·D forward
 * and 10·D backward per visible query–key pair), on fresh random shapes. The counter is global,
 * so each check takes a delta around exactly the ops it means.
 */
class FlopCounterTest {

    /** A random size in [1, 9]. */
    private static int size(Ref r) {
        return 1 + r.ints(1, 9)[0];
    }

    private static Tensor randn(Ref r, int... shape) {
        return Ref.tensor(r.normal(Ref.numel(shape)), shape);
    }

    @Test
    void matmul2d() {
        Ref r = Ref.fresh();
        for (int trial = 0; trial < 5; trial++) {
            int m = size(r), k = size(r), n = size(r);
            Tensor a = randn(r, m, k), b = randn(r, k, n);
            long before = FlopCounter.total();
            a.matmul(b);
            assertEquals(2L * m * n * k, FlopCounter.since(before), "seed " + r.seed + ": " + m + "x" + k + " @ " + k + "x" + n);
        }
    }

    @Test
    void matmulOneDimensionalOperands() {
        Ref r = Ref.fresh();
        int k = size(r), n = size(r);
        Tensor v = randn(r, k), w = randn(r, k), mat = randn(r, k, n);
        long before = FlopCounter.total();
        v.matmul(w);                                        // dot product: K multiply-adds
        assertEquals(2L * k, FlopCounter.since(before), "seed " + r.seed + ": vec·vec");
        before = FlopCounter.total();
        v.matmul(mat);                                      // (K) @ (K, N): one row times N columns
        assertEquals(2L * k * n, FlopCounter.since(before), "seed " + r.seed + ": vec@mat");
    }

    @Test
    void matmulBatchedAndBroadcast() {
        Ref r = Ref.fresh();
        int b1 = size(r), b2 = size(r), m = size(r), k = size(r), n = size(r);
        // same batch on both sides: b1·b2 products
        long before = FlopCounter.total();
        randn(r, b1, b2, m, k).matmul(randn(r, b1, b2, k, n));
        assertEquals(2L * m * n * k * b1 * b2, FlopCounter.since(before), "seed " + r.seed + ": batched");
        // (b1, 1, M, K) @ (b2, K, N) broadcasts to b1·b2 products
        before = FlopCounter.total();
        randn(r, b1, 1, m, k).matmul(randn(r, b2, k, n));
        assertEquals(2L * m * n * k * b1 * b2, FlopCounter.since(before), "seed " + r.seed + ": broadcast batch");
        // a 2-D weight against a batch: one product per batch entry
        before = FlopCounter.total();
        randn(r, b1, m, k).matmul(randn(r, k, n));
        assertEquals(2L * m * n * k * b1, FlopCounter.since(before), "seed " + r.seed + ": batch @ matrix");
    }

    @Test
    void linearCountsItsProductOnly() {
        Ref r = Ref.fresh();
        int bsz = size(r), t = size(r), in = size(r), out = size(r);
        Tensor x = randn(r, bsz, t, in), w = randn(r, out, in), bias = randn(r, out);
        long before = FlopCounter.total();
        x.linear(w, bias);                                  // the bias add is elementwise: not counted
        assertEquals(2L * bsz * t * in * out, FlopCounter.since(before), "seed " + r.seed);
    }

    @Test
    void forwardAndBackwardOfAProduct() {
        Ref r = Ref.fresh();
        int m = size(r), k = size(r), n = size(r);
        Tensor x = randn(r, m, k).requiresGrad(true), w = randn(r, k, n).requiresGrad(true);
        long forward = 2L * m * n * k;
        long before = FlopCounter.total();
        Tensor y = x.matmul(w);
        assertEquals(forward, FlopCounter.since(before), "seed " + r.seed + ": forward");
        y.sum().backward();                                 // dx = dy·wᵀ and dw = xᵀ·dy, each as large as the forward
        assertEquals(3 * forward, FlopCounter.since(before), "seed " + r.seed + ": forward + backward");
    }

    @Test
    void backwardSkipsGradientsNobodyNeeds() {
        Ref r = Ref.fresh();
        int m = size(r), k = size(r), h = size(r), n = size(r);
        // x needs no gradient: backward computes dW2 = hᵀ·dy, dh = dy·W2ᵀ and dW1 = xᵀ·dh, but no dx
        Tensor x = randn(r, m, k), w1 = randn(r, k, h).requiresGrad(true), w2 = randn(r, h, n).requiresGrad(true);
        long before = FlopCounter.total();
        x.matmul(w1).matmul(w2).sum().backward();
        long first = 2L * m * h * k, second = 2L * m * n * h;
        assertEquals(first + second + 2 * second + first, FlopCounter.since(before), "seed " + r.seed);
    }

    /** Query–key pairs a query sees, counted one by one: key position ≤ the query's position. */
    private static long visiblePairsByHand(boolean causal, int tq, int tk) {
        long pairs = 0;
        for (int i = 0; i < tq; i++) {
            for (int j = 0; j < tk; j++) {
                if (!causal || j <= tk - tq + i) {
                    pairs++;
                }
            }
        }
        return pairs;
    }

    @Test
    void attentionForwardAndBackward() {
        Ref r = Ref.fresh();
        for (boolean causal : new boolean[] {false, true}) {
            int bsz = size(r), h = size(r), tq = size(r), d = size(r);
            int tk = causal ? tq + r.ints(1, 4)[0] : size(r); // causal needs Tq ≤ Tk
            Tensor q = randn(r, bsz, h, tq, d).requiresGrad(true), k = randn(r, bsz, h, tk, d).requiresGrad(true),
                    v = randn(r, bsz, h, tk, d).requiresGrad(true);
            long pairs = bsz * h * visiblePairsByHand(causal, tq, tk);
            String what = "seed " + r.seed + ": attention B" + bsz + " H" + h + " Tq" + tq + " Tk" + tk + " D" + d
                    + " causal=" + causal;
            long before = FlopCounter.total();
            Tensor out = Fused.attention(q, k, v, null, causal, (float) (1 / Math.sqrt(d)));
            assertEquals(4 * pairs * d, FlopCounter.since(before), what + " forward");  // q·k and p·v
            out.sum().backward();                           // q·k again, dO·v, p·dO, dS·k, dS·q
            assertEquals(14 * pairs * d, FlopCounter.since(before), what + " forward + backward");
        }
    }

    @Test
    void causalSquareAttentionIsTheLowerTriangle() {
        // T = 4: 4 + 3 + 2 + 1 = 10 visible pairs, not 16
        Tensor q = Tensor.zeros(1, 1, 4, 2);
        long before = FlopCounter.total();
        Fused.attention(q, q, q, null, true, 1f);
        assertEquals(4L * 10 * 2, FlopCounter.since(before));
    }

    @Test
    void keyPaddingIsNotSubtracted() {
        Ref r = Ref.fresh();
        int tq = 3, tk = 5, d = 2;
        double[] mask = {1, 1, 0, 0, 1};
        long before = FlopCounter.total();
        Fused.attention(randn(r, 1, 1, tq, d), randn(r, 1, 1, tk, d), randn(r, 1, 1, tk, d), Ref.tensor(mask, 1, tk),
                false, 1f);
        assertEquals(4L * tq * tk * d, FlopCounter.since(before), "seed " + r.seed);
    }

    @Test
    void negativeCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> FlopCounter.add(-1));
    }
}
