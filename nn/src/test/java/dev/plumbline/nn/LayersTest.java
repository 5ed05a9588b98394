package dev.plumbline.nn;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.GradCheck;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.random.Generator;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Layers against float64 references and finite differences, on fresh random inputs. */
class LayersTest {
    private final Generator gen = new Generator(TestSeeds.seed("LayersTest"));

    private Tensor randn(int... shape) {
        return Tensor.randn(gen, shape);
    }

    /** Re-initialises every parameter from N(0, std) so LN gains/biases are not trivially 1/0. */
    private void scramble(Module m, float std) {
        for (Parameter p : m.parameters()) {
            p.copyFrom(Tensor.randn(gen, p.shape()).mul(std).add(p.data().detach()));
        }
    }

    @Test
    void linearMatchesFloat64ReferenceAndGradients() {
        Linear fc = new Linear(5, 3, true, gen);
        Tensor x = randn(2, 4, 5);
        float[] w = fc.weight().data().toFloatArray(), b = fc.bias().data().toFloatArray(), xv = x.toFloatArray();
        float[] y = fc.forward(x).toFloatArray();
        for (int r = 0; r < 8; r++) {
            for (int o = 0; o < 3; o++) {
                double s = b[o];
                for (int i = 0; i < 5; i++) {
                    s += (double) xv[r * 5 + i] * w[o * 5 + i];
                }
                assertEquals(s, y[r * 3 + o], 1e-5);
            }
        }
        // PyTorch init: U(±1/√in)
        for (float v : w) {
            assertTrue(Math.abs(v) <= 1 / Math.sqrt(5));
        }
        Tensor xg = x.requiresGrad(true);
        GradCheck.check(in -> fc.forward(in[0]), xg);
        ModuleGradCheck.checkParameters(fc, () -> fc.forward(x.detach()));
        Linear noBias = new Linear(5, 3, false, gen);
        assertNull(noBias.bias());
        assertEquals(java.util.List.of("weight"), java.util.List.copyOf(noBias.namedParameters().keySet()));
    }

    @Test
    void linearNormalInitHasRequestedStd() {
        Linear fc = Linear.normal(256, 256, true, 0.02f, gen);
        float[] w = fc.weight().data().toFloatArray();
        double s2 = 0;
        for (float v : w) {
            s2 += (double) v * v;
        }
        assertEquals(0.02, Math.sqrt(s2 / w.length), 0.002);
        assertArrayEquals(new float[256], fc.bias().data().toFloatArray());
    }

    @Test
    void layerNormMatchesReferenceAndGradients() {
        LayerNorm ln = new LayerNorm(6, 1e-5f, true);
        scramble(ln, 0.5f);
        Tensor x = randn(3, 6);
        float[] xv = x.toFloatArray(), g = ln.weight().data().toFloatArray(), bb = ln.bias().data().toFloatArray();
        float[] y = ln.forward(x).toFloatArray();
        for (int r = 0; r < 3; r++) {
            double mu = 0, var = 0;
            for (int j = 0; j < 6; j++) {
                mu += xv[r * 6 + j] / 6.0;
            }
            for (int j = 0; j < 6; j++) {
                var += Math.pow(xv[r * 6 + j] - mu, 2) / 6.0;
            }
            for (int j = 0; j < 6; j++) {
                assertEquals((xv[r * 6 + j] - mu) / Math.sqrt(var + 1e-5) * g[j] + bb[j], y[r * 6 + j], 1e-5);
            }
        }
        GradCheck.check(in -> ln.forward(in[0]), x.requiresGrad(true));
        ModuleGradCheck.checkParameters(ln, () -> ln.forward(x.detach()));
    }

    @Test
    void rmsNormMatchesReferenceAndGradients() {
        RMSNorm norm = new RMSNorm(5, 1e-5f);
        scramble(norm, 0.5f);
        Tensor x = randn(2, 3, 5);
        float[] xv = x.toFloatArray(), g = norm.weight().data().toFloatArray();
        float[] y = norm.forward(x).toFloatArray();
        for (int r = 0; r < 6; r++) {
            double ms = 0;
            for (int j = 0; j < 5; j++) {
                ms += (double) xv[r * 5 + j] * xv[r * 5 + j] / 5;
            }
            for (int j = 0; j < 5; j++) {
                assertEquals(xv[r * 5 + j] / Math.sqrt(ms + 1e-5) * g[j], y[r * 5 + j], 1e-5);
            }
        }
        GradCheck.check(in -> norm.forward(in[0]), x.requiresGrad(true));
        ModuleGradCheck.checkParameters(norm, () -> norm.forward(x.detach()));
    }

    private static GPTConfig small() {
        return new GPTConfig(11, 8, 2, 2, 8, 0f, 1e-5f, true);
    }

    @Test
    void mlpGradients() {
        MLP mlp = new MLP(small(), gen);
        scramble(mlp, 0.3f);
        Tensor x = randn(2, 3, 8);
        GradCheck.check(in -> mlp.forward(in[0]), x.requiresGrad(true));
        ModuleGradCheck.checkParameters(mlp, () -> mlp.forward(x.detach()));
    }

    @Test
    void attentionMatchesNaiveFloat64ReferenceWithMask() {
        GPTConfig cfg = small();
        CausalSelfAttention attn = new CausalSelfAttention(cfg, gen);
        scramble(attn, 0.3f);
        int b = 2, t = 4, c = 8, h = 2, d = 4;
        Tensor x = randn(b, t, c);
        float[] maskV = {1, 1, 1, 1, 0, 1, 1, 1};
        Tensor mask = Tensor.fromArray(maskV, b, t);
        float[] y = attn.forward(x, mask, null).toFloatArray();
        Map<String, Tensor> sd = attn.stateDict();
        float[] wa = sd.get("c_attn.weight").toFloatArray(), ba = sd.get("c_attn.bias").toFloatArray();
        float[] wp = sd.get("c_proj.weight").toFloatArray(), bp = sd.get("c_proj.bias").toFloatArray();
        float[] xv = x.toFloatArray();
        for (int bi = 0; bi < b; bi++) {
            double[][] qkv = new double[t][3 * c];
            for (int i = 0; i < t; i++) {
                for (int o = 0; o < 3 * c; o++) {
                    double s = ba[o];
                    for (int k = 0; k < c; k++) {
                        s += (double) xv[(bi * t + i) * c + k] * wa[o * c + k];
                    }
                    qkv[i][o] = s;
                }
            }
            for (int i = 0; i < t; i++) {
                if (maskV[bi * t + i] == 0) {
                    continue; // a pad query that sees no key: output is not compared
                }
                double[] merged = new double[c];
                for (int hh = 0; hh < h; hh++) {
                    double[] sc = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        sc[j] = Double.NEGATIVE_INFINITY;
                        if (maskV[bi * t + j] == 0) {
                            continue;
                        }
                        double dot = 0;
                        for (int e = 0; e < d; e++) {
                            dot += qkv[i][hh * d + e] * qkv[j][c + hh * d + e];
                        }
                        sc[j] = dot / Math.sqrt(d);
                        max = Math.max(max, sc[j]);
                    }
                    double z = 0;
                    for (int j = 0; j <= i; j++) {
                        z += Math.exp(sc[j] - max);
                    }
                    for (int j = 0; j <= i; j++) {
                        double p = Math.exp(sc[j] - max) / z;
                        for (int e = 0; e < d; e++) {
                            merged[hh * d + e] += p * qkv[j][2 * c + hh * d + e];
                        }
                    }
                }
                for (int o = 0; o < c; o++) {
                    double s = bp[o];
                    for (int k = 0; k < c; k++) {
                        s += merged[k] * wp[o * c + k];
                    }
                    assertEquals(s, y[(bi * t + i) * c + o], 1e-5, "b=" + bi + " t=" + i + " c=" + o);
                }
            }
        }
    }

    @Test
    void attentionGradients() {
        CausalSelfAttention attn = new CausalSelfAttention(small(), gen);
        scramble(attn, 0.3f);
        Tensor x = randn(2, 3, 8);
        Tensor mask = Tensor.fromArray(new float[] {1, 1, 1, 0, 1, 1}, 2, 3);
        GradCheck.check(in -> attn.forward(in[0], mask, null), x.requiresGrad(true));
        ModuleGradCheck.checkParameters(attn, () -> attn.forward(x.detach(), mask, null));
    }

    @Test
    void blockGradients() {
        Block block = new Block(small(), gen);
        scramble(block, 0.3f);
        Tensor x = randn(1, 3, 8);
        GradCheck.check(in -> block.forward(in[0], null, null), x.requiresGrad(true));
        ModuleGradCheck.checkParameters(block, () -> block.forward(x.detach(), null, null));
        assertEquals(java.util.List.of("ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias",
                "attn.c_proj.weight", "attn.c_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias",
                "mlp.c_proj.weight", "mlp.c_proj.bias"), java.util.List.copyOf(block.namedParameters().keySet()));
    }

    @Test
    void attentionWithKvCacheEqualsWithout() {
        GPTConfig cfg = small();
        CausalSelfAttention attn = new CausalSelfAttention(cfg, gen);
        scramble(attn, 0.3f);
        Tensor x = randn(2, 6, 8);
        float[] full;
        try (NoGrad ng = NoGrad.enter()) {
            full = attn.forward(x, null, null).toFloatArray();
        }
        KVCache cache = new KVCache(x.device(), 2, cfg.heads(), cfg.headDim(), 6);
        float[] pieced = new float[full.length];
        int[][] chunks = {{0, 3}, {3, 4}, {4, 6}};      // prefill 3, then 1, then 2
        try (NoGrad ng = NoGrad.enter()) {
            for (int[] ch : chunks) {
                float[] y = attn.forward(x.narrow(1, ch[0], ch[1] - ch[0]), null, cache).toFloatArray();
                int n = ch[1] - ch[0];
                for (int bi = 0; bi < 2; bi++) {
                    System.arraycopy(y, bi * n * 8, pieced, (bi * 6 + ch[0]) * 8, n * 8);
                }
            }
        }
        assertEquals(6, cache.length());
        assertArrayEquals(full, pieced, 1e-5f);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> attn.forward(x.narrow(1, 0, 1), null, cache));
        assertTrue(e.getMessage().contains("6 cached + 1 new positions exceed capacity 6"), e.getMessage());
        cache.close();
    }

    @Test
    void dropoutTrainEvalAndSeed() {
        Dropout a = new Dropout(0.5f, new Generator(3)), b = new Dropout(0.5f, new Generator(3));
        Tensor x = Tensor.ones(4000);
        float[] ya = a.forward(x).toFloatArray(), yb = b.forward(x).toFloatArray();
        assertArrayEquals(ya, yb);                      // same seed, same mask
        int zeros = 0;
        for (float v : ya) {
            assertTrue(v == 0f || v == 2f, "kept values are scaled by 1/(1-p): " + v);
            zeros += v == 0f ? 1 : 0;
        }
        assertEquals(2000, zeros, 150);
        a.eval();
        assertSame(x, a.forward(x));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5f, gen));
        assertEquals("Dropout: probability must be in [0, 1), got 1.5", e.getMessage());
    }

    @Test
    void errorMessagesNameTheProblem() {
        Linear fc = new Linear(4, 2, true, gen);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fc.forward(Tensor.zeros(3, 5)));
        assertEquals("Linear(4 → 2): input [3, 5] must end in 4 features", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LayerNorm(4, 1e-5f, true).forward(Tensor.zeros(2, 3)));
        assertEquals("LayerNorm(4): input [2, 3] must end in 4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GPTConfig(10, 8, 1, 3, 8, 0f, 1e-5f, true));
        assertEquals("GPTConfig: dModel 8 is not divisible by heads 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Embedding(4, 2, 1f, gen).forward(Tensor.zeros(3)));
        assertEquals("Embedding: ids must be I32, got F32", e.getMessage());
    }
}
