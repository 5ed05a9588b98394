package dev.plumbline.tensor;

import dev.plumbline.tensor.ops.Fused;
import dev.plumbline.tensor.random.Generator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Fused ops against their definitions in float64: softmax, log-softmax, cross-entropy with an
 * ignore index, gathered log-probs, layer norm with and without affine, attention (causal, key
 * mask, fewer queries than keys) and dropout; gradients by finite differences.
 */
class FusedTest {

    @Test
    void softmaxAndLogSoftmaxOverAnyDim() {
        Ref r = Ref.fresh();
        double[] a = Ref.map(r.normal(3 * 17), x -> 4 * x);
        r.assertClose(Ref.tensor(a, 3, 17).softmax().toFloatArray(), Ref.softmaxRows(a, 17, false), 1e-6, 1e-5, "softmax");
        r.assertClose(Ref.tensor(a, 3, 17).logSoftmax().toFloatArray(), Ref.softmaxRows(a, 17, true), 1e-5, 1e-5,
                "logSoftmax");
        // over dim 0 of (3, 17): softmax of the transposed rows, transposed back
        double[] t = Ref.permute(a, new int[] {3, 17}, 1, 0);
        double[] ref = Ref.permute(Ref.softmaxRows(t, 3, false), new int[] {17, 3}, 1, 0);
        r.assertClose(Ref.tensor(a, 3, 17).softmax(0).toFloatArray(), ref, 1e-6, 1e-5, "softmax dim 0");
        // large logits: no overflow
        r.assertClose(Ref.tensor(new double[] {1000, 1001}, 2).softmax().toFloatArray(),
                Ref.softmaxRows(new double[] {1000, 1001}, 2, false), 1e-6, 1e-5, "softmax large");
        r.gradCheck("softmax", in -> in[0].softmax(), Ref.leaves(r.randn(3, 5)));
        r.gradCheck("softmax dim 1 of 3-D", in -> in[0].softmax(1), Ref.leaves(r.randn(2, 4, 3)));
        r.gradCheck("logSoftmax", in -> in[0].logSoftmax(), Ref.leaves(r.randn(3, 5)));
        r.gradCheck("logSoftmax transposed", in -> in[0].mT().logSoftmax(), Ref.leaves(r.randn(4, 3)));
    }

    @Test
    void crossEntropyWithIgnoreIndex() {
        Ref r = Ref.fresh();
        int n = 7, v = 5;
        double[] logits = r.normal(n * v);
        int[] targets = r.ints(n, v);
        targets[2] = -100;
        targets[5] = -100;
        Tensor tt = Tensor.fromArray(targets, n);
        double ref = Ref.crossEntropy(logits, v, targets, -100);
        r.assertClose(new float[] {Ref.tensor(logits, n, v).crossEntropy(tt).item()}, new double[] {ref}, 1e-6, 1e-5,
                "crossEntropy");
        // custom ignore index and a 3-D (B, T, V) input
        int[] t2 = targets.clone();
        t2[2] = 3;
        t2[5] = 3;
        double ref2 = Ref.crossEntropy(logits, v, t2, 3);
        r.assertClose(new float[] {Ref.tensor(logits, 1, n, v).crossEntropy(Tensor.fromArray(t2, 1, n), 3).item()},
                new double[] {ref2}, 1e-6, 1e-5, "crossEntropy ignoreIndex=3");
        // every target ignored: loss 0, gradient 0 (not NaN)
        Tensor all = Tensor.fromArray(new int[] {-100, -100}, 2);
        Tensor lg = r.randn(2, 3).requiresGrad(true);
        Tensor loss = lg.crossEntropy(all);
        assertEquals(0f, loss.item());
        loss.backward();
        assertArrayEquals(new float[6], lg.grad().toFloatArray());
        r.gradCheck("crossEntropy", in -> in[0].crossEntropy(tt), Ref.leaves(Ref.tensor(logits, n, v)));
        r.gradCheck("crossEntropy transposed logits", in -> in[0].mT().crossEntropy(tt),
                Ref.leaves(Ref.tensor(r.normal(n * v), v, n)));
    }

    @Test
    void gatherLogProbsEqualsLogSoftmaxAtIds() {
        Ref r = Ref.fresh();
        int b = 2, t = 3, v = 11;
        double[] logits = r.normal(b * t * v);
        int[] ids = r.ints(b * t, v);
        double[] ls = Ref.softmaxRows(logits, v, true);
        double[] ref = new double[b * t];
        for (int i = 0; i < b * t; i++) {
            ref[i] = ls[i * v + ids[i]];
        }
        Tensor out = Ref.tensor(logits, b, t, v).gatherLogProbs(Tensor.fromArray(ids, b, t));
        assertArrayEquals(new int[] {b, t}, out.shape());
        r.assertClose(out.toFloatArray(), ref, 1e-5, 1e-5, "gatherLogProbs");
        Tensor idt = Tensor.fromArray(ids, b, t);
        r.gradCheck("gatherLogProbs", in -> in[0].gatherLogProbs(idt), Ref.leaves(Ref.tensor(logits, b, t, v)));
    }

    @Test
    void layerNormWithAndWithoutAffine() {
        Ref r = Ref.fresh();
        int c = 7;
        double[] x = Ref.map(r.normal(3 * c), v -> 2 * v + 1);
        double[] w = r.normal(c), b = r.normal(c);
        float eps = 1e-5f;
        r.assertClose(Ref.tensor(x, 3, c).layerNorm(Ref.tensor(w, c), Ref.tensor(b, c), eps).toFloatArray(),
                Ref.layerNorm(x, c, w, b, eps), 1e-5, 1e-4, "layerNorm affine");
        r.assertClose(Ref.tensor(x, 3, c).layerNorm(null, null, eps).toFloatArray(), Ref.layerNorm(x, c, null, null, eps),
                1e-5, 1e-4, "layerNorm plain");
        r.assertClose(Ref.tensor(x, 1, 3, c).layerNorm(Ref.tensor(w, c), null, eps).toFloatArray(),
                Ref.layerNorm(x, c, w, null, eps), 1e-5, 1e-4, "layerNorm weight only, 3-D");
        r.gradCheck("layerNorm affine", in -> in[0].layerNorm(in[1], in[2], eps),
                Ref.leaves(r.randn(3, c), r.randn(c), r.randn(c)));
        r.gradCheck("layerNorm plain", in -> in[0].layerNorm(null, null, eps), Ref.leaves(r.randn(2, 2, 5)));
        r.gradCheck("layerNorm transposed input", in -> in[0].mT().layerNorm(in[1], null, eps),
                Ref.leaves(r.randn(5, 3), r.randn(5)));
    }

    /** q (B,H,Tq,D), k/v (B,H,Tk,D) with the given options against the float64 definition. */
    void checkAttention(Ref r, int bsz, int h, int tq, int tk, int d, boolean causal, double[] mask) {
        float scale = (float) (1 / Math.sqrt(d));
        double[] q = r.normal(bsz * h * tq * d), k = r.normal(bsz * h * tk * d), v = r.normal(bsz * h * tk * d);
        Tensor m = mask == null ? null : Ref.tensor(mask, bsz, tk);
        String what = "attention B" + bsz + " H" + h + " Tq" + tq + " Tk" + tk + " D" + d + " causal=" + causal
                + " mask=" + (mask != null);
        Tensor out = Fused.attention(Ref.tensor(q, bsz, h, tq, d), Ref.tensor(k, bsz, h, tk, d),
                Ref.tensor(v, bsz, h, tk, d), m, causal, scale);
        r.assertClose(out.toFloatArray(), Ref.attention(q, k, v, mask, causal, scale, bsz, h, tq, tk, d), 1e-5, 1e-4,
                what);
        r.gradCheck(what, in -> Fused.attention(in[0], in[1], in[2], m, causal, scale),
                Ref.leaves(Ref.tensor(q, bsz, h, tq, d), Ref.tensor(k, bsz, h, tk, d), Ref.tensor(v, bsz, h, tk, d)));
    }

    @Test
    void attentionPlainCausalMaskedAndOffset() {
        Ref r = Ref.fresh();
        checkAttention(r, 1, 2, 4, 4, 3, false, null);
        checkAttention(r, 2, 1, 5, 5, 4, true, null);
        checkAttention(r, 2, 2, 3, 6, 2, true, null);                         // Tq < Tk: query i at position 3 + i
        checkAttention(r, 2, 1, 4, 4, 3, false, new double[] {1, 1, 0, 1, 0, 1, 1, 1});
        // causal + mask where batch 1's first query sees only masked keys: its row is zeros
        checkAttention(r, 2, 1, 3, 5, 2, true, new double[] {1, 1, 1, 1, 0, 0, 0, 0, 1, 1});
    }

    @Test
    void attentionThroughPermutedViews() {
        Ref r = Ref.fresh();
        // q/k/v produced the way a transformer makes them: (B, T, H, D) permuted to (B, H, T, D)
        r.gradCheck("attention of permuted views", in -> Fused.attention(in[0].permute(0, 2, 1, 3),
                in[1].permute(0, 2, 1, 3), in[1].permute(0, 2, 1, 3).mul(0.5f), null, true, 0.5f),
                Ref.leaves(r.randn(1, 4, 2, 3), r.randn(1, 4, 2, 3)));
    }

    @Test
    void dropoutMaskAndGradient() {
        Ref r = Ref.fresh();
        float p = 0.3f;
        long seed = r.seed;
        double[] x = r.normal(4000);
        Tensor xt = Ref.tensor(x, 40, 100).requiresGrad(true);
        Tensor y = xt.dropout(p, true, new Generator(seed));
        // the same generator state yields the same Bernoulli(1 − p) keep mask
        float[] keep = Tensor.bernoulli(1 - p, new Generator(seed), 40, 100).toFloatArray();
        double[] expected = new double[x.length];
        double[] maskScaled = new double[x.length];
        int kept = 0;
        for (int i = 0; i < x.length; i++) {
            maskScaled[i] = keep[i] / (1.0 - p);
            expected[i] = x[i] * maskScaled[i];
            kept += (int) keep[i];
        }
        r.assertClose(y.toFloatArray(), expected, 1e-6, 1e-6, "dropout forward");
        // binomial(4000, 0.7): sd ≈ 29, so ±200 is a > 6σ band
        assertTrue(Math.abs(kept - 2800) < 200, "kept " + kept + " of 4000 at p=0.3 (seed " + seed + ")");
        y.sum().backward();
        r.assertClose(xt.grad().toFloatArray(), maskScaled, 1e-6, 1e-6, "dropout gradient = mask/(1−p)");
        Tensor e = Ref.tensor(x, 40, 100);
        assertSame(e, e.dropout(p, false, new Generator(seed)), "eval mode is the identity");
        assertArrayEquals(new float[4000], e.dropout(1f, true, new Generator(seed)).toFloatArray());
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> e.dropout(1.5f, true, new Generator(1)));
        assertEquals("dropout: probability must be in [0, 1], got 1.5", ex.getMessage());
    }
}
