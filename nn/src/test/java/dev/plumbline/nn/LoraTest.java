// Lora: the adapted Linear against float64 math (forward and the gradients of A and B), the frozen base,
// adapters off = the base model, merge = the adapted model, PEFT-layout save/load, and bad configs.
package dev.plumbline.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plumbline.nn.optim.AdamW;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.io.Safetensors;
import dev.plumbline.tensor.random.Generator;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoraTest {
    /** One Linear under the name "proj", so a target can name it. */
    static final class OneLayer extends Module {
        final Linear proj;

        OneLayer(int in, int out, Generator gen) {
            proj = module("proj", new Linear(in, out, true, gen));
        }
    }

    static float[] randomArray(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void adaptedLinearMatchesFloat64ForwardAndGradients() {
        long seed = TestSeeds.seed("LoraTest.adaptedLinearMatchesFloat64ForwardAndGradients");
        Random r = new Random(seed);
        int n = 6, in = 5, out = 7, rank = 3;
        double alpha = 4.5, s = alpha / rank;
        OneLayer m = new OneLayer(in, out, new Generator(seed));
        Lora lora = Lora.apply(m, Lora.Config.of(rank, alpha, "proj"), new Generator(seed + 1));
        Linear a = (Linear) m.namedModules().get("proj.lora_A"), b = (Linear) m.namedModules().get("proj.lora_B");
        assertArrayEquals(new int[] {rank, in}, a.weight().shape());
        assertArrayEquals(new int[] {out, rank}, b.weight().shape());
        float[] x = randomArray(r, n * in), gy = randomArray(r, n * out);
        float[] w = m.proj.weight().data().toFloatArray(), bias = m.proj.bias().data().toFloatArray();
        try (NoGrad ng = NoGrad.enter()) {
            Tensor y0 = m.proj.forward(Tensor.fromArray(x, n, in));
            Tensor base = Tensor.fromArray(x, n, in).linear(m.proj.weight().data(), m.proj.bias().data());
            assertArrayEquals(base.toFloatArray(), y0.toFloatArray(), "B = 0 at init: exactly the base layer");
        }
        b.weight().copyFrom(Tensor.fromArray(randomArray(r, out * rank), out, rank));
        float[] av = a.weight().data().toFloatArray(), bv = b.weight().data().toFloatArray();

        Tensor xt = Tensor.fromArray(x, n, in);
        Tensor y = m.proj.forward(xt);
        y.backward(Tensor.fromArray(gy, n, out));
        // float64: h = x Aᵀ (n, r); y = x Wᵀ + bias + s · h Bᵀ; dB = s · gyᵀ h; dA = s · (gy B)ᵀ x
        double[] h = new double[n * rank];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < rank; k++) {
                for (int j = 0; j < in; j++) {
                    h[i * rank + k] += (double) x[i * in + j] * av[k * in + j];
                }
            }
        }
        float[] yv = y.toFloatArray();
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                double ref = bias[o];
                for (int j = 0; j < in; j++) {
                    ref += (double) x[i * in + j] * w[o * in + j];
                }
                for (int k = 0; k < rank; k++) {
                    ref += s * h[i * rank + k] * bv[o * rank + k];
                }
                assertEquals(ref, yv[i * out + o], 1e-5 * (1 + Math.abs(ref)), "y[" + i + "," + o + "]");
            }
        }
        float[] gb = b.weight().grad().toFloatArray(), ga = a.weight().grad().toFloatArray();
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < rank; k++) {
                double ref = 0;
                for (int i = 0; i < n; i++) {
                    ref += s * gy[i * out + o] * h[i * rank + k];
                }
                assertEquals(ref, gb[o * rank + k], 1e-5 * (1 + Math.abs(ref)), "dB[" + o + "," + k + "]");
            }
        }
        for (int k = 0; k < rank; k++) {
            for (int j = 0; j < in; j++) {
                double ref = 0;
                for (int i = 0; i < n; i++) {
                    double gh = 0;
                    for (int o = 0; o < out; o++) {
                        gh += (double) gy[i * out + o] * bv[o * rank + k];
                    }
                    ref += s * gh * x[i * in + j];
                }
                assertEquals(ref, ga[k * in + j], 1e-5 * (1 + Math.abs(ref)), "dA[" + k + "," + j + "]");
            }
        }
        assertNull(m.proj.weight().grad(), "the base weight is frozen: no gradient");
        assertNull(m.proj.bias().grad(), "the base bias is frozen: no gradient");
        assertEquals((long) rank * (in + out), lora.trainableParameterCount());
    }

    static GPT gpt(long seed) {
        GPT g = new GPT(GPTConfig.tiny().withVocab(300).withContextLength(12), new Generator(seed));
        HuggingFaceGPT2ReferenceTest.randomize(g, new Random(seed));
        return g;
    }

    static float[] logits(GPT g, int[] ids) {
        try (NoGrad ng = NoGrad.enter()) {
            return g.logits(Tensor.fromArray(ids, 2, ids.length / 2)).toFloatArray();
        }
    }

    static int[] ids(long seed) {
        Random r = new Random(seed);
        int[] ids = new int[2 * 12];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(300);
        }
        return ids;
    }

    /** A few AdamW steps of next-token loss on one batch: only the adapters move. */
    static void train(GPT g, int[] ids, int steps) {
        g.train();
        AdamW opt = new AdamW(g, 1e-2, 0.0);
        for (int s = 0; s < steps; s++) {
            opt.zeroGrad();
            Tensor logits = g.logits(Tensor.fromArray(ids, 2, 12));
            Tensor loss = logits.reshape(24, 300).crossEntropy(Tensor.fromArray(ids, 24));
            loss.backward();
            opt.step();
        }
        g.eval();
    }

    @Test
    void trainingMovesOnlyAdaptersAndAdaptersOffIsTheBase() {
        long seed = TestSeeds.seed("LoraTest.trainingMovesOnlyAdaptersAndAdaptersOffIsTheBase");
        GPT g = gpt(seed);
        int[] ids = ids(seed);
        Map<String, float[]> before = new java.util.LinkedHashMap<>();
        g.stateDict().forEach((k, t) -> before.put(k, t.toFloatArray()));
        float[] baseLogits = logits(g, ids);
        Lora lora = Lora.apply(g, Lora.Config.gpt2(4, 8), new Generator(seed));
        assertEquals(4 * 2 * (32 + 96) + 4 * 2 * (32 + 32) + 4 * 2 * (32 + 128) + 4 * 2 * (128 + 32),
                lora.trainableParameterCount(), "2 layers × (c_attn, attn.c_proj, c_fc, mlp.c_proj) × r·(in + out)");
        train(g, ids, 5);
        g.stateDict().forEach((k, t) -> {
            if (before.containsKey(k)) {
                assertArrayEquals(before.get(k), t.toFloatArray(), k + " is frozen");
            }
        });
        assertFalse(java.util.Arrays.equals(baseLogits, logits(g, ids)), "the adapters changed the model");
        try (Lora.Off off = Lora.adaptersOff(g)) {
            assertArrayEquals(baseLogits, logits(g, ids), "adapters off: bit-identical to the base (π_ref)");
        }
        assertFalse(java.util.Arrays.equals(baseLogits, logits(g, ids)), "and back on after close");
    }

    @Test
    void mergedWeightsGiveTheAdaptedModelAndExportAsPlainGpt2(@TempDir Path dir) throws Exception {
        long seed = TestSeeds.seed("LoraTest.mergedWeightsGiveTheAdaptedModelAndExportAsPlainGpt2");
        GPT g = gpt(seed);
        int[] ids = ids(seed);
        Lora lora = Lora.apply(g, Lora.Config.gpt2(4, 8), new Generator(seed));
        train(g, ids, 3);
        float[] adapted = logits(g, ids);
        Map<String, Tensor> merged = lora.mergedStateDict();
        assertTrue(merged.keySet().stream().noneMatch(k -> k.contains("lora")), merged.keySet().toString());
        GPT plain = new GPT(g.config(), new Generator(0));
        plain.loadStateDict(merged);
        assertClose(adapted, logits(plain, ids), 2e-5, "merged copy");
        lora.merge();
        assertClose(adapted, logits(g, ids), 2e-5, "merged in place");
        assertTrue(g.namedParameters().keySet().stream().noneMatch(k -> k.contains("lora")));
        assertTrue(g.parameters().stream().allMatch(Parameter::trainable), "merge_and_unload: all trainable again");
        HuggingFaceCheckpoint.save(dir.resolve("export"), g.stateDict(), g.config(),
                dev.plumbline.nn.tokenizer.ByteLevelBpe.train(List.of("ab ab"), 300, List.of("<|endoftext|>")), 256);
        assertClose(adapted, logits(HuggingFaceCheckpoint.load(dir.resolve("export"), Device.cpu()).model(), ids), 2e-5,
                "exported and reloaded");
    }

    static void assertClose(float[] a, float[] b, double tol, String what) {
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], tol * (1 + Math.abs(a[i])), what + " [" + i + "]");
        }
    }

    @Test
    void adaptersSaveAloneInPeftLayoutAndLoadOntoAFreshBase(@TempDir Path dir) throws Exception {
        long seed = TestSeeds.seed("LoraTest.adaptersSaveAloneInPeftLayoutAndLoadOntoAFreshBase");
        GPT g = gpt(seed);
        int[] ids = ids(seed);
        Lora lora = Lora.apply(g, Lora.Config.of(2, 4, "c_attn"), new Generator(seed));
        train(g, ids, 3);
        lora.save(dir);
        JsonNode cfg = new ObjectMapper().readTree(dir.resolve("adapter_config.json").toFile());
        assertEquals("LORA", cfg.path("peft_type").asText());
        assertEquals(2, cfg.path("r").asInt());
        assertEquals(4.0, cfg.path("lora_alpha").asDouble());
        assertEquals("c_attn", cfg.path("target_modules").get(0).asText());
        assertTrue(cfg.path("fan_in_fan_out").asBoolean(), "GPT-2's Conv1D");
        Map<String, Tensor> file = Safetensors.load(dir.resolve("adapter_model.safetensors"));
        assertEquals(List.of("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight",
                        "base_model.model.transformer.h.0.attn.c_attn.lora_B.weight",
                        "base_model.model.transformer.h.1.attn.c_attn.lora_A.weight",
                        "base_model.model.transformer.h.1.attn.c_attn.lora_B.weight"),
                List.copyOf(file.keySet()), "PEFT's names, nothing of the base");
        assertEquals("pt", Safetensors.metadata(dir.resolve("adapter_model.safetensors")).get("format"));

        GPT fresh = gpt(seed);   // the same base weights
        Lora.load(fresh, dir);
        assertArrayEquals(logits(g, ids), logits(fresh, ids), "same base + same adapters = same logits");

        GPT other = new GPT(GPTConfig.tiny().withVocab(300).withContextLength(12).withSize(2, 2, 16), new Generator(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lora.load(other, dir));
        assertTrue(e.getMessage().contains("adapter_model.safetensors") && e.getMessage().contains("shapes"), e.getMessage());
        assertTrue(other.namedParameters().keySet().stream().noneMatch(k -> k.contains("lora"))
                && other.parameters().stream().allMatch(Parameter::trainable), "a failed load leaves the model as it was");
    }

    @Test
    void modulesToSaveTrainInFullAndBadConfigsAreNamed() {
        GPT trunk = gpt(3);
        ScalarModel rm = new ScalarModel(trunk, ScalarHead.reward(32, new Generator(4)));
        Lora lora = Lora.apply(rm, Lora.Config.of(2, 2, "c_attn").withModulesToSave("head"), new Generator(5));
        Map<String, Parameter> trainable = rm.namedTrainableParameters();
        assertTrue(trainable.keySet().stream().allMatch(k -> k.contains("lora_") || k.startsWith("head.")), trainable.keySet().toString());
        assertTrue(trainable.keySet().stream().anyMatch(k -> k.startsWith("head.")));
        assertNotNull(lora.adapterStateDict().get("transformer.h.0.attn.c_attn.lora_A.weight"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Lora.apply(gpt(1), Lora.Config.of(2, 2, "q_proj"), new Generator(1)));
        assertTrue(e.getMessage().contains("'q_proj'") && e.getMessage().contains("c_attn"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Lora.Config.of(0, 2, "c_attn"));
        assertThrows(IllegalArgumentException.class, () -> Lora.Config.of(2, -1, "c_attn"));
        e = assertThrows(IllegalArgumentException.class, () -> Lora.apply(rm, Lora.Config.of(2, 2, "c_attn"), new Generator(1)));
        assertTrue(e.getMessage().contains("already has an adapter"), e.getMessage());
    }
}
