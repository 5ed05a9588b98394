package dev.plumbline.nn;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.random.Generator;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** GPT: layout, counts, init, causality, cache, padding, dropout, HF mapping, scalar heads. */
class GPTTest {
    private final long seed = TestSeeds.seed("GPTTest");
    private final Generator gen = new Generator(seed);

    private int[] randomIds(int n, int vocab) {
        float[] u = Tensor.rand(gen, n).toFloatArray();
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = Math.min((int) (u[i] * vocab), vocab - 1);
        }
        return ids;
    }

    private static float[] noGrad(java.util.function.Supplier<Tensor> f) {
        try (NoGrad ng = NoGrad.enter()) {
            return f.get().toFloatArray();
        }
    }

    @Test
    void gpt2ParameterCountAndNamesFromConfig() {
        Map<String, int[]> shapes = GPTConfig.gpt2().parameterShapes();
        assertEquals(124_439_808L, GPTConfig.gpt2().parameterCount());
        assertEquals(2 + 12 * 12 + 2, shapes.size());
        List<String> names = new ArrayList<>(shapes.keySet());
        assertEquals(List.of("wte.weight", "wpe.weight", "h.0.ln_1.weight", "h.0.ln_1.bias", "h.0.attn.c_attn.weight"),
                names.subList(0, 5));
        assertEquals(List.of("h.11.mlp.c_proj.weight", "h.11.mlp.c_proj.bias", "ln_f.weight", "ln_f.bias"),
                names.subList(names.size() - 4, names.size()));
        assertArrayEquals(new int[] {2304, 768}, shapes.get("h.3.attn.c_attn.weight"));
        assertArrayEquals(new int[] {768, 3072}, shapes.get("h.3.mlp.c_proj.weight"));
        assertFalse(shapes.containsKey("lm_head.weight"));
    }

    @Test
    void tinyModelCountByHandAndShapesMatchConfig() {
        GPTConfig cfg = GPTConfig.tiny(); // V 64, T 32, L 2, H 2, C 32
        GPT gpt = new GPT(cfg, gen);
        long perLayer = (32 + 32) * 2           // ln_1, ln_2
                + (32 * 96 + 96)                // c_attn
                + (32 * 32 + 32)                // attn.c_proj
                + (32 * 128 + 128)              // c_fc
                + (128 * 32 + 32);              // mlp.c_proj
        long expected = 64 * 32 + 32 * 32 + 2 * perLayer + 64;
        assertEquals(28_544L, expected);
        assertEquals(expected, gpt.parameterCount());
        assertEquals(expected, cfg.parameterCount());
        Map<String, int[]> fromConfig = cfg.parameterShapes();
        Map<String, Parameter> actual = gpt.namedParameters();
        assertEquals(new ArrayList<>(fromConfig.keySet()), new ArrayList<>(actual.keySet()));
        fromConfig.forEach((k, s) -> assertArrayEquals(s, actual.get(k).shape(), k));
    }

    @Test
    void gpt2InitStatistics() {
        GPTConfig cfg = GPTConfig.tiny().withSize(4, 2, 64);
        GPT gpt = new GPT(cfg, gen);
        Map<String, Tensor> sd = gpt.stateDict();
        assertEquals(0.02, std(sd.get("wte.weight")), 0.002);
        assertEquals(0.02, std(sd.get("h.0.attn.c_attn.weight")), 0.002);
        assertEquals(0.02 / Math.sqrt(8), std(sd.get("h.1.attn.c_proj.weight")), 0.0008);
        assertEquals(0.02 / Math.sqrt(8), std(sd.get("h.2.mlp.c_proj.weight")), 0.0005);
        for (float v : sd.get("h.0.ln_1.weight").toFloatArray()) {
            assertEquals(1f, v);
        }
        for (String b : List.of("h.0.ln_1.bias", "h.0.attn.c_attn.bias", "h.3.mlp.c_fc.bias", "ln_f.bias")) {
            assertArrayEquals(new float[sd.get(b).size(0)], sd.get(b).toFloatArray(), b);
        }
        assertTrue(gpt.namedParameters().get("h.0.ln_1.bias").decay() == false);
        assertTrue(gpt.namedParameters().get("h.0.attn.c_attn.weight").decay());
    }

    private static double std(Tensor t) {
        double s = 0;
        float[] v = t.toFloatArray();
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s / v.length);
    }

    @Test
    void tiedHeadGradientMatchesFiniteDifferences() {
        // d_model 8, not 4: a LayerNorm over four O(1) values is often near-degenerate (variance ≈ 0),
        // and its curvature then defeats any float32 finite difference (1 seed in 10 failed at d 4).
        GPT gpt = new GPT(new GPTConfig(5, 4, 1, 1, 8, 0f, 1e-5f, true), gen);
        for (Parameter p : gpt.parameters()) { // O(1) weights: the N(0, 0.02) init makes LayerNorm too curved for eps
            p.copyFrom(Tensor.randn(gen, p.shape()).mul(0.5f).add(p.data().detach()));
        }
        Tensor ids = Tensor.fromArray(randomIds(6, 5), 2, 3);
        try {
            ModuleGradCheck.checkParameters(gpt, () -> gpt.logits(ids));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (GPTTest seed " + seed + ")", e);
        }
        assertFalse(gpt.namedParameters().keySet().stream().anyMatch(k -> k.startsWith("lm_head")));
    }

    @Test
    void causal_changingAFutureTokenLeavesEarlierLogits() {
        GPTConfig cfg = GPTConfig.tiny();
        GPT gpt = new GPT(cfg, gen);
        int t = 10, j = 6;
        int[] a = randomIds(t, cfg.vocab());
        int[] b = a.clone();
        b[j] = (a[j] + 1 + randomIds(1, cfg.vocab() - 1)[0]) % cfg.vocab();
        float[] la = noGrad(() -> gpt.logits(Tensor.fromArray(a, 1, t)));
        float[] lb = noGrad(() -> gpt.logits(Tensor.fromArray(b, 1, t)));
        int v = cfg.vocab();
        for (int i = 0; i < j * v; i++) {
            assertEquals(la[i], lb[i], 0f, "position " + i / v + " changed");
        }
        boolean differs = false;
        for (int i = j * v; i < t * v; i++) {
            differs |= la[i] != lb[i];
        }
        assertTrue(differs, "the changed token must affect its own and later logits");
    }

    @Test
    void forwardWithCacheEqualsFullForward_withPadding() {
        GPTConfig cfg = GPTConfig.tiny();
        GPT gpt = new GPT(cfg, gen);
        int b = 2, t = 9;
        Tensor ids = Tensor.fromArray(randomIds(b * t, cfg.vocab()), b, t);
        float[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1};
        Tensor maskT = Tensor.fromArray(mask, b, t);
        float[] full = noGrad(() -> gpt.forward(ids, null, maskT, null));
        float[] pieced = new float[full.length];
        int v = cfg.vocab();
        try (GPTCache cache = GPTCache.create(gpt, b)) {
            int[][] chunks = {{0, 5}, {5, 6}, {6, 7}, {7, 9}};
            for (int[] ch : chunks) {
                int n = ch[1] - ch[0];
                float[] y = gpt.forward(ids.narrow(1, ch[0], n), null, maskT.narrow(1, ch[0], n), cache).toFloatArray();
                for (int r = 0; r < b; r++) {
                    System.arraycopy(y, r * n * v, pieced, (r * t + ch[0]) * v, n * v);
                }
            }
            assertEquals(9, cache.length());
            assertArrayEquals(new int[] {9, 6}, cache.realCounts());
        }
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                if (mask[r * t + i] == 0) {
                    continue; // outputs at pad positions are unused
                }
                for (int k = 0; k < v; k++) {
                    int at = (r * t + i) * v + k;
                    assertEquals(full[at], pieced[at], 2e-5f, "row " + r + " pos " + i);
                }
            }
        }
    }

    @Test
    void leftPaddedPromptGivesSameNextTokenLogits() {
        GPTConfig cfg = GPTConfig.tiny();
        GPT gpt = new GPT(cfg, gen);
        int[] prompt = randomIds(5, cfg.vocab());
        int v = cfg.vocab();
        float[] plain = noGrad(() -> gpt.logits(Tensor.fromArray(prompt, 1, 5)));
        int pad = 3;
        int[] padded = new int[8];
        float[] mask = new float[8];
        java.util.Arrays.fill(padded, 0, pad, 7);
        System.arraycopy(prompt, 0, padded, pad, 5);
        java.util.Arrays.fill(mask, pad, 8, 1f);
        // batch it with an unpadded row of full length, as generation does
        int[] both = new int[16];
        System.arraycopy(padded, 0, both, 0, 8);
        System.arraycopy(randomIds(8, v), 0, both, 8, 8);
        float[] bothMask = new float[16];
        System.arraycopy(mask, 0, bothMask, 0, 8);
        java.util.Arrays.fill(bothMask, 8, 16, 1f);
        float[] out = noGrad(() -> gpt.forward(Tensor.fromArray(both, 2, 8), null, Tensor.fromArray(bothMask, 2, 8), null));
        for (int i = 0; i < 5; i++) {
            for (int k = 0; k < v; k++) {
                assertEquals(plain[i * v + k], out[(pad + i) * v + k], 1e-5f, "position " + i);
            }
        }
    }

    @Test
    void sequenceLongerThanContextNamesBothNumbers() {
        GPT gpt = new GPT(GPTConfig.tiny(), gen);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gpt.logits(Tensor.fromArray(new int[33], 1, 33)));
        assertEquals("GPT: sequence length 33 exceeds contextLength 32", e.getMessage());
        try (GPTCache cache = GPTCache.create(gpt, 1)) {
            gpt.forward(Tensor.fromArray(new int[30], 1, 30), null, null, cache);
            e = assertThrows(IllegalArgumentException.class,
                    () -> gpt.forward(Tensor.fromArray(new int[3], 1, 3), null, null, cache));
            assertEquals("GPT: sequence length 33 (30 cached + 3 new) exceeds contextLength 32", e.getMessage());
        }
        e = assertThrows(IllegalArgumentException.class,
                () -> gpt.forward(Tensor.fromArray(new int[4], 2, 2), null, Tensor.ones(2, 3), null));
        assertTrue(e.getMessage().startsWith("GPT: attentionMask must be F32 1/0 with the shape of ids [2, 2], got [2, 3]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> gpt.logits(Tensor.zeros(2, 3)));
        assertEquals("GPT: ids must be (B, T) I32, got [2, 3] F32", e.getMessage());
    }

    @Test
    void evalDisablesDropout() {
        GPTConfig cfg = GPTConfig.tiny().withDropout(0.3f);
        GPT gpt = new GPT(cfg, gen);
        Tensor ids = Tensor.fromArray(randomIds(12, cfg.vocab()), 2, 6);
        float[] t1 = noGrad(() -> gpt.logits(ids)), t2 = noGrad(() -> gpt.logits(ids));
        assertFalse(java.util.Arrays.equals(t1, t2), "training-mode dropout must differ between calls");
        GPT noDrop = new GPT(cfg.withDropout(0f), gen);
        noDrop.loadStateDict(gpt.stateDict());
        gpt.eval();
        assertFalse(gpt.isTraining());
        assertArrayEquals(noGrad(() -> noDrop.logits(ids)), noGrad(() -> gpt.logits(ids)), 0f);
        gpt.train();
        assertFalse(java.util.Arrays.equals(t1, noGrad(() -> gpt.logits(ids))));
    }

    @Test
    void huggingFaceMappingRoundTrip() {
        GPTConfig cfg = GPTConfig.tiny();
        GPT gpt = new GPT(cfg, gen);
        Map<String, Tensor> hf = HuggingFaceGPT2.toHuggingFace(gpt.stateDict(), true);
        assertArrayEquals(new int[] {32, 96}, hf.get("transformer.h.0.attn.c_attn.weight").shape());  // Conv1D (in, out)
        assertArrayEquals(new int[] {128, 32}, hf.get("transformer.h.1.mlp.c_proj.weight").shape());
        assertArrayEquals(new int[] {64, 32}, hf.get("lm_head.weight").shape());
        float[] ours = gpt.stateDict().get("h.0.attn.c_attn.weight").toFloatArray();
        float[] theirs = hf.get("transformer.h.0.attn.c_attn.weight").toFloatArray();
        assertEquals(ours[5 * 32 + 7], theirs[7 * 96 + 5]);                                             // W[o,i] = C[i,o]
        // HF GPT2Model style: no prefix, plus the causal-mask buffers
        Map<String, Tensor> bare = new LinkedHashMap<>();
        hf.forEach((k, t) -> bare.put(k.startsWith("transformer.") ? k.substring(12) : k, t));
        bare.put("h.0.attn.bias", Tensor.ones(1, 1, 32, 32));
        bare.put("h.1.attn.masked_bias", Tensor.scalar(-1e4f));
        for (Map<String, Tensor> src : List.of(hf, bare)) {
            Map<String, Tensor> back = HuggingFaceGPT2.fromHuggingFace(src);
            assertEquals(new ArrayList<>(gpt.stateDict().keySet()), new ArrayList<>(back.keySet()));
            GPT other = new GPT(cfg, new Generator(gen.seed() + 1));
            other.loadStateDict(back);
            Tensor ids = Tensor.fromArray(randomIds(8, cfg.vocab()), 2, 4);
            assertArrayEquals(noGrad(() -> gpt.logits(ids)), noGrad(() -> other.logits(ids)), 0f);
        }
        Map<String, Tensor> untied = new LinkedHashMap<>(hf);
        untied.put("lm_head.weight", Tensor.zeros(64, 32));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HuggingFaceGPT2.fromHuggingFace(untied));
        assertTrue(e.getMessage().contains("lm_head.weight [64, 32] is not tied to wte.weight"), e.getMessage());
    }

    @Test
    void scalarHeadsReadTheLastRealToken() {
        GPTConfig cfg = GPTConfig.tiny();
        GPT trunk = new GPT(cfg, gen);
        ScalarModel rm = new ScalarModel(trunk, ScalarHead.reward(cfg.dModel(), gen));
        assertEquals(List.of("head.weight", "head.bias"),
                rm.namedParameters().keySet().stream().filter(k -> k.startsWith("head")).toList());
        assertTrue(rm.namedParameters().containsKey("transformer.h.1.mlp.c_fc.weight"));
        int[] seq = randomIds(4, cfg.vocab());
        float alone = noGrad(() -> rm.scores(Tensor.fromArray(seq, 1, 4), null))[0];
        // row 0 right-padded, row 1 left-padded, both holding seq
        int[] ids = new int[14];
        System.arraycopy(seq, 0, ids, 0, 4);
        System.arraycopy(seq, 0, ids, 10, 4);
        float[] mask = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1};
        float[] s = noGrad(() -> rm.scores(Tensor.fromArray(ids, 2, 7), Tensor.fromArray(mask, 2, 7)));
        assertEquals(alone, s[0], 1e-5f);
        assertEquals(alone, s[1], 1e-5f);
        // reward-head init std 1/√(C+1): check on a wide head
        assertEquals(1 / Math.sqrt(1025), std(ScalarHead.reward(1024, gen).weight().data()), 0.1 / Math.sqrt(1025));
        // value head starts at zero and gets gradients through the trunk
        ScalarModel vm = new ScalarModel(new GPT(cfg, gen), ScalarHead.value(cfg.dModel()));
        Tensor values = vm.values(Tensor.fromArray(ids, 2, 7), Tensor.fromArray(mask, 2, 7));
        assertArrayEquals(new int[] {2, 7}, values.shape());
        assertArrayEquals(new float[14], values.toFloatArray());
        values.sum().backward();
        assertNotNull(vm.head().weight().grad());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rm.scores(Tensor.fromArray(ids, 2, 7), Tensor.fromArray(new float[14], 2, 7)));
        assertEquals("ScalarHead: row 0 of the mask has no real token", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ScalarModel(trunk, ScalarHead.value(16)));
        assertEquals("ScalarModel: head width 16 does not match the trunk's dModel 32", e.getMessage());
    }
}
