// PreferenceModel: token format, batching, probability, save/load, independent copy-from-policy init, bad input.
package dev.plumbline.rlaif.reward;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.GPTConfig;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class PreferenceModelTest {

    static final GPTConfig TINY = PreferenceModel.config(1, 2, 32, 48);
    static final List<String> PROMPTS = List.of("12+34=", "up abc", "rev abcd I think dcab.", "count a: abca");
    static final List<String> RESPONSES = List.of("46", "ABC", "dcba", "2 ok");

    @Test
    void encodesPromptResponseAndOneEos() {
        PreferenceModel pm = new PreferenceModel(TINY, 1);
        var tok = PreferenceModel.tokenizer();
        int eos = tok.eosId().orElseThrow();
        int[] ids = pm.encode("1+2=", "3");
        assertArrayEquals(new int[] {tok.encode("1")[0], tok.encode("+")[0], tok.encode("2")[0], tok.encode("=")[0], tok.encode("3")[0], eos},
                ids, "prompt + response + EOS");
        assertArrayEquals(ids, pm.encode("1+2=", "3<eos>"), "a response ending in EOS gets no second one");
        assertEquals(70, tok.vocabSize(), "68 alphabet characters + <eos>, <pad>");
    }

    @Test
    void batchedScoresEqualOneByOneAndProbabilityIsSigmoidOfGap() {
        PreferenceModel pm = new PreferenceModel(TINY, 3);
        float[] batched = pm.score(PROMPTS, RESPONSES);
        float[] single = pm.score(PROMPTS, RESPONSES, 1);
        assertEquals(4, batched.length, "one score per pair");
        for (int i = 0; i < 4; i++) assertEquals(single[i], batched[i], 1e-5, "left padding does not change score " + i);
        Tensor t = pm.scores(PROMPTS, RESPONSES);
        assertArrayEquals(new int[] {4}, t.shape(), "scores: (B)");
        assertTrue(t.requiresGrad(), "scores() is differentiable");
        float[] f = pm.score(List.of("up abc", "up abc"), List.of("ABC", "abc"));
        double want = 1 / (1 + Math.exp(-((double) f[0] - f[1])));
        assertEquals(want, pm.probability("up abc", "ABC", "abc"), 1e-9, "σ(f_a − f_b)");
        assertEquals(1 - want, pm.probability("up abc", "abc", "ABC"), 1e-6, "antisymmetric");
    }

    @Test
    void saveLoadGivesIdenticalScores(@TempDir Path dir) throws Exception {
        PreferenceModel pm = new PreferenceModel(TINY, 5);
        pm.save(dir.resolve("pm"));
        assertTrue(Files.exists(dir.resolve("pm/model.safetensors")) && Files.exists(dir.resolve("pm/config.json")), "files written");
        PreferenceModel back = PreferenceModel.load(dir.resolve("pm"));
        assertEquals(pm.config(), back.config(), "config round trip");
        assertArrayEquals(pm.score(PROMPTS, RESPONSES), back.score(PROMPTS, RESPONSES), "identical scores after load");
        Files.writeString(dir.resolve("pm/config.json"), "{\"format\":\"other\"}");
        var e = assertThrows(java.io.IOException.class, () -> PreferenceModel.load(dir.resolve("pm")));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("not a preference model"), e.getMessage());
    }

    @Test
    void copyFromPolicyIsIndependent() {
        GPT policy = new GPT(TINY, new Generator(77));
        Map<String, float[]> before = snapshot(policy.stateDict());
        PreferenceModel pm = PreferenceModel.fromPolicy(policy, 9);
        Map<String, Tensor> trunk = new LinkedHashMap<>();
        pm.network().stateDict().forEach((k, v) -> { if (k.startsWith("transformer.")) trunk.put(k.substring(12), v); });
        assertEquals(before.keySet(), trunk.keySet(), "trunk has the policy's parameter names");
        before.forEach((k, v) -> assertArrayEquals(v, trunk.get(k).toFloatArray(), "trunk starts as the policy's " + k));

        var cfg = PreferenceModelTrainer.Config.defaults().withEpochs(2).withHeldOutFraction(0).withLr(1e-2);
        new PreferenceModelTrainer(cfg).train(pm, SyntheticPairs.casePaddingPairs(1, 0, 16));

        before.forEach((k, v) -> assertArrayEquals(v, policy.stateDict().get(k).toFloatArray(), "training pθ left policy " + k + " unchanged"));
        assertFalse(java.util.Arrays.equals(before.get("wte.weight"), pm.network().stateDict().get("transformer.wte.weight").toFloatArray()),
                "pθ's own trunk did train");
    }

    static Map<String, float[]> snapshot(Map<String, Tensor> s) {
        Map<String, float[]> out = new LinkedHashMap<>();
        s.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    @Test
    void badInputIsNamed() {
        PreferenceModel pm = new PreferenceModel(TINY, 1);
        var e1 = assertThrows(IllegalArgumentException.class, () -> pm.score(List.of("a"), List.of("b", "c")));
        assertTrue(e1.getMessage().contains("prompts (1) and responses (2) differ"), e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> pm.score(List.of(), List.of()));
        assertTrue(e2.getMessage().contains("no (prompt, response) pairs"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> pm.score(List.of("up abc"), List.of("ab?")));
        assertTrue(e3.getMessage().contains("response \"ab?\""), e3.getMessage());
        var e4 = assertThrows(IllegalArgumentException.class, () -> pm.score(List.of("up abc"), List.of("a".repeat(60))));
        assertTrue(e4.getMessage().contains("longer than the context length 48"), e4.getMessage());
        var e5 = assertThrows(IllegalArgumentException.class, () -> new PreferenceModel(GPTConfig.tiny(), 1));
        assertTrue(e5.getMessage().contains("vocab 64"), e5.getMessage());
    }
}
