package dev.plumbline.nn.generate;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.GPTConfig;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.GradCheck;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.random.Generator;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Sampling transform against hand-computed values; generation's cache, padding, EOS, seeds and log-probs. */
class SamplerTest {
    private final Generator gen = new Generator(TestSeeds.seed("SamplerTest"));
    private static final int PAD = 0;

    private static double[] logSoftmax(double... x) {
        double max = Double.NEGATIVE_INFINITY, z = 0;
        for (double v : x) {
            max = Math.max(max, v);
        }
        for (double v : x) {
            z += Math.exp(v - max);
        }
        double[] out = x.clone();
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - max - Math.log(z);
        }
        return out;
    }

    private static float[] allLogProbs(SamplingTransform tf, float[] logits) {
        int v = logits.length;
        int[] ids = new int[v];
        for (int i = 0; i < v; i++) {
            ids[i] = i;
        }
        Tensor l = Tensor.fromArray(logits, 1, v).expand(v, v);  // row i scores token i
        return tf.logProbs(l, Tensor.fromArray(ids, v)).toFloatArray();
    }

    @Test
    void transformMatchesHandComputedValues() {
        float[] logits = {2f, 1f, 0f, -1f, 0.5f};
        // plain softmax
        double[] ref = logSoftmax(2, 1, 0, -1, 0.5);
        float[] lp = allLogProbs(SamplingTransform.identity(), logits);
        for (int i = 0; i < 5; i++) {
            assertEquals(ref[i], lp[i], 1e-6);
        }
        // temperature 2 then top-k 2: softmax over {2/2, 1/2}
        lp = allLogProbs(new SamplingTransform(2f, 2, 1f), logits);
        double[] k2 = logSoftmax(1.0, 0.5);
        assertEquals(k2[0], lp[0], 1e-6);
        assertEquals(k2[1], lp[1], 1e-6);
        for (int i : new int[] {2, 3, 4}) {
            assertEquals(Float.NEGATIVE_INFINITY, lp[i]);
        }
        // top-p: probs ≈ [0.574, 0.211, 0.078, 0.029, 0.128]; p = 0.7 keeps {0, 1}; p = 0.5 keeps {0}; p = 0.8 keeps {0, 1, 4}
        lp = allLogProbs(new SamplingTransform(1f, 0, 0.7f), logits);
        double[] p2 = logSoftmax(2, 1);
        assertEquals(p2[0], lp[0], 1e-6);
        assertEquals(p2[1], lp[1], 1e-6);
        assertEquals(Float.NEGATIVE_INFINITY, lp[4]);
        lp = allLogProbs(new SamplingTransform(1f, 0, 0.5f), logits);
        assertEquals(0.0, lp[0], 1e-6);
        assertEquals(Float.NEGATIVE_INFINITY, lp[1]);
        lp = allLogProbs(new SamplingTransform(1f, 0, 0.8f), logits);
        double[] p3 = logSoftmax(2, 1, 0.5);
        assertEquals(p3[2], lp[4], 1e-6);
        assertEquals(Float.NEGATIVE_INFINITY, lp[2]);
        // top-k 3 then top-p 0.9 over the renormalised top 3 {2, 1, 0.5}: ≈ [0.629, 0.231, 0.140] → keeps all 3
        lp = allLogProbs(new SamplingTransform(1f, 3, 0.9f), logits);
        assertEquals(p3[0], lp[0], 1e-6);
        assertEquals(Float.NEGATIVE_INFINITY, lp[2]);
    }

    @Test
    void transformGradientFlowsIntoKeptLogits() {
        Tensor logits = Tensor.fromArray(new float[] {3f, 1f, -2f, 0.2f, 2f, -1f, 0.7f, 1.5f}, 2, 4).requiresGrad(true);
        Tensor ids = Tensor.fromArray(new int[] {3, 0}, 2);
        SamplingTransform tf = new SamplingTransform(0.7f, 3, 1f);
        GradCheck.check(in -> tf.logProbs(in[0], ids), 1e-3, 2e-3, 2e-2, logits);
    }

    @Test
    void invalidTransformsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SamplingTransform(0f, 0, 1f));
        assertEquals("SamplingTransform: temperature must be > 0 and finite, got 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SamplingTransform(1f, 0, 1.5f));
        assertEquals("SamplingTransform: topP must be in (0, 1] (1 = off), got 1.5", e.getMessage());
    }

    @Test
    void inverseCdfSamplingFollowsTheDistribution() {
        int n = 20000;
        float[] row = {1f, 0f, 2f, Float.NEGATIVE_INFINITY};
        float[] rows = new float[4 * n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(row, 0, rows, 4 * r, 4);
        }
        int[] picks = Sampler.sample(Tensor.fromArray(rows, n, 4), gen);
        int[] counts = new int[4];
        for (int p : picks) {
            counts[p]++;
        }
        double[] ref = logSoftmax(1, 0, 2);
        for (int i = 0; i < 3; i++) {
            double p = Math.exp(ref[i]);
            assertEquals(p, counts[i] / (double) n, 4 * Math.sqrt(p * (1 - p) / n), "token " + i);
        }
        assertEquals(0, counts[3]);
    }

    private List<int[]> prompts(int vocab, int... lengths) {
        List<int[]> out = new ArrayList<>();
        for (int len : lengths) {
            float[] u = Tensor.rand(gen, len).toFloatArray();
            int[] p = new int[len];
            for (int i = 0; i < len; i++) {
                p[i] = 1 + Math.min((int) (u[i] * (vocab - 1)), vocab - 2);
            }
            out.add(p);
        }
        return out;
    }

    @Test
    void cachedGenerationEqualsUncachedTokenForToken() {
        GPTConfig cfg = GPTConfig.tiny();
        GPT gpt = new GPT(cfg, gen);
        List<int[]> ps = prompts(cfg.vocab(), 3, 7, 1);
        for (SamplingConfig sc : List.of(SamplingConfig.greedy(12, -1, PAD),
                SamplingConfig.sample(new SamplingTransform(1.3f, 0, 1f), 12, -1, PAD),
                SamplingConfig.sample(new SamplingTransform(0.8f, 10, 0.9f), 12, -1, PAD))) {
            long seed = gen.seed() ^ 0x1234;
            GenerationResult cached = Sampler.generate(gpt, ps, sc, new Generator(seed));
            GenerationResult plain = Sampler.generate(gpt, ps, sc.withCache(false), new Generator(seed));
            assertArrayEquals(plain.sequences().toIntArray(), cached.sequences().toIntArray(), sc.toString());
            assertArrayEquals(plain.responseMask().toFloatArray(), cached.responseMask().toFloatArray());
            assertArrayEquals(plain.logProbs().toFloatArray(), cached.logProbs().toFloatArray(), 1e-5f);
            assertEquals(12, cached.steps());
            assertEquals(7, cached.promptLength());
        }
    }

    @Test
    void sameSeedSameSamplesAndPromptLayout() {
        GPTConfig cfg = GPTConfig.tiny();
        GPT gpt = new GPT(cfg, gen);
        List<int[]> ps = prompts(cfg.vocab(), 4, 2);
        SamplingConfig sc = SamplingConfig.sample(new SamplingTransform(1.5f, 0, 1f), 10, -1, PAD);
        GenerationResult a = Sampler.generate(gpt, ps, sc, new Generator(77));
        GenerationResult b = Sampler.generate(gpt, ps, sc, new Generator(77));
        GenerationResult c = Sampler.generate(gpt, ps, sc, new Generator(78));
        assertArrayEquals(a.responses().toIntArray(), b.responses().toIntArray());
        assertFalse(java.util.Arrays.equals(a.responses().toIntArray(), c.responses().toIntArray()),
                "another seed should give other samples at temperature 1.5");
        // row 1 is left-padded by two: [PAD, PAD, p0, p1 | response]
        int[] seq = a.sequences().toIntArray();
        float[] mask = a.attentionMask().toFloatArray();
        int[] pos = a.positionIds().toIntArray();
        int w = 14;
        assertArrayEquals(new int[] {PAD, PAD, ps.get(1)[0], ps.get(1)[1]}, java.util.Arrays.copyOfRange(seq, w, w + 4));
        assertArrayEquals(new float[] {0, 0, 1, 1, 1}, java.util.Arrays.copyOfRange(mask, w, w + 5));
        assertArrayEquals(new int[] {0, 0, 0, 1, 2, 3}, java.util.Arrays.copyOfRange(pos, w, w + 6));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, java.util.Arrays.copyOfRange(pos, 0, 5));
    }

    @Test
    void rescoringWithFullForwardReproducesLogProbs() {
        GPTConfig cfg = GPTConfig.tiny();
        GPT gpt = new GPT(cfg, gen);
        List<int[]> ps = prompts(cfg.vocab(), 5, 2, 8);
        SamplingTransform tf = new SamplingTransform(0.9f, 20, 0.95f);
        // an EOS that will occur: the first token row 0 samples with this seed
        long seed = gen.seed() + 5;
        int eos = Sampler.generate(gpt, ps, SamplingConfig.sample(tf, 1, -1, PAD), new Generator(seed)).responses().toIntArray()[0];
        GenerationResult res = Sampler.generate(gpt, ps, SamplingConfig.sample(tf, 15, eos, PAD), new Generator(seed));
        assertEquals(1, res.responseLengths()[0], "row 0 stops at its EOS");
        Tensor rescored = Sampler.responseLogProbs(gpt, res, tf);
        float[] want = res.logProbs().toFloatArray(), got = rescored.toFloatArray();
        float[] mask = res.responseMask().toFloatArray();
        int[] resp = res.responses().toIntArray();
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5f, "response position " + i);
            if (mask[i] == 0) {
                assertEquals(0f, want[i]);
                assertEquals(PAD, resp[i]);
            } else {
                assertTrue(want[i] <= 0 && want[i] > Float.NEGATIVE_INFINITY);
            }
        }
        // the re-score is differentiable (PPO's ratio)
        rescored.sum().backward();
        assertNotNull(gpt.tokenEmbedding().grad());
    }

    @Test
    void eosStopsRowsAndDecodingEndsWhenAllStopped() {
        GPTConfig cfg = GPTConfig.tiny();
        GPT gpt = new GPT(cfg, gen);
        List<int[]> ps = prompts(cfg.vocab(), 3, 3);
        GenerationResult free = Sampler.generate(gpt, ps, SamplingConfig.greedy(8, -1, PAD), null);
        int[] r0 = free.response(0), r1 = free.response(1);
        int eos = r0[2];
        GenerationResult stopped = Sampler.generate(gpt, ps, SamplingConfig.greedy(8, eos, PAD), null);
        int len0 = indexOf(r0, eos) + 1, len1 = indexOf(r1, eos) + 1;
        assertEquals(len0, stopped.responseLengths()[0]);
        assertArrayEquals(java.util.Arrays.copyOf(r0, len0), stopped.response(0));
        int expected1 = len1 == 0 ? 8 : len1;
        assertEquals(expected1, stopped.responseLengths()[1]);
        assertEquals(Math.max(len0, expected1), stopped.steps());
        float[] mask = stopped.responseMask().toFloatArray();
        int[] resp = stopped.responses().toIntArray();
        int n = stopped.steps();
        for (int j = len0; j < n; j++) {
            assertEquals(0f, mask[j]);
            assertEquals(PAD, resp[j]);
        }
    }

    private static int indexOf(int[] a, int x) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == x) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void promptPlusMaxNewTokensBeyondContextIsRejected() {
        GPT gpt = new GPT(GPTConfig.tiny(), gen);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sampler.generate(gpt, List.of(new int[30]), SamplingConfig.greedy(5, -1, PAD), null));
        assertEquals("Sampler: prompt length 30 + maxNewTokens 5 = 35 exceeds the model's contextLength 32", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Sampler.generate(gpt, List.of(new int[2], new int[0]), SamplingConfig.greedy(5, -1, PAD), null));
        assertEquals("PaddedBatch: prompt 1 is empty", e.getMessage());
    }

    @Test
    void generationRestoresTrainingModeAndRecordsNoGraph() {
        GPT gpt = new GPT(GPTConfig.tiny().withDropout(0.2f), gen);
        GenerationResult r = Sampler.generate(gpt, prompts(64, 3), SamplingConfig.greedy(3, -1, PAD), null);
        assertTrue(gpt.isTraining());
        assertNull(r.logProbs().gradFn());
        try (NoGrad ng = NoGrad.enter()) {
            assertEquals(3, r.steps());
        }
    }
}
