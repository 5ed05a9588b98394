// The RLAIF loop on a user's Hugging Face GPT-2 folder and own data: real GPT-2 tokenizer, LoRA pθ
// trained on TRL- and HH-format preferences, LoRA PPO against the adapters-off base, HF export re-read.
package dev.plumbline.rlaif.pipeline;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.GPTConfig;
import dev.plumbline.nn.HuggingFaceCheckpoint;
import dev.plumbline.nn.Lora;
import dev.plumbline.nn.Parameter;
import dev.plumbline.nn.ScalarHead;
import dev.plumbline.nn.ScalarModel;
import dev.plumbline.nn.tokenizer.ByteLevelBpe;
import dev.plumbline.rlaif.data.Datasets;
import dev.plumbline.rlaif.data.JsonlFormatException;
import dev.plumbline.rlaif.policy.TextCodec;
import dev.plumbline.rlaif.ppo.PpoConfig;
import dev.plumbline.rlaif.ppo.PpoTrainer;
import dev.plumbline.rlaif.ppo.RewardSource;
import dev.plumbline.rlaif.reward.PreferenceExample;
import dev.plumbline.rlaif.reward.PreferenceModel;
import dev.plumbline.rlaif.reward.PreferenceModelTrainer;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.random.Generator;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class HuggingFaceRlaifTest {
    /** GPT-2's published vocab.json/merges.txt, kept in the nn module's test resources. */
    public static Path gpt2Vocabulary() {
        for (Path p : List.of(Path.of("../nn/src/test/resources/gpt2"), Path.of("nn/src/test/resources/gpt2"))) {
            if (Files.isRegularFile(p.resolve("vocab.json"))) {
                return p;
            }
        }
        throw new AssertionError("GPT-2 vocabulary not found from " + Path.of("").toAbsolutePath());
    }

    /** A random GPT-2-shaped model with GPT-2's tokenizer, saved as a Hugging Face folder. */
    static Path userModel(Path dir, long seed) throws Exception {
        GPTConfig cfg = new GPTConfig(50257, 48, 2, 2, 16, 0f, 1e-5f, true);
        GPT gpt = new GPT(cfg, new Generator(seed));
        Path d = dir.resolve("user-gpt2");
        HuggingFaceCheckpoint.save(d, gpt, ByteLevelBpe.load(gpt2Vocabulary()));
        return d;
    }

    static float[] logits(GPT g, int[] ids) {
        try (NoGrad ng = NoGrad.enter()) {
            return g.logits(Tensor.fromArray(ids, 1, ids.length)).toFloatArray();
        }
    }

    @Test
    void loraPpoOnAHuggingFaceFolderWithUserDataExportsWhatItTrained(@TempDir Path dir) throws Exception {
        long seed = TestSeeds.seed("HuggingFaceRlaifTest.loraPpoOnAHuggingFaceFolderWithUserDataExportsWhatItTrained");
        Path modelDir = userModel(dir, seed);
        Files.writeString(dir.resolve("prompts.jsonl"), String.join("\n",
                "{\"prompt\": \"Q: What colour is the sky? A:\"}", "{\"prompt\": \"Write a haiku about rain:\"}",
                "{\"prompt\": \"Translate 'bonjour' to English:\"}", "{\"prompt\": \"Name a prime number:\"}") + "\n");
        Files.writeString(dir.resolve("trl.jsonl"), String.join("\n",
                "{\"prompt\": \"Q: 2+2? A:\", \"chosen\": \" 4\", \"rejected\": \" 5\"}",
                "{\"prompt\": \"Say hi:\", \"chosen\": \" Hello there!\", \"rejected\": \" no\"}",
                "{\"prompt\": \"Capital of France?\", \"chosen\": \" Paris\", \"rejected\": \" Rome, I think\"}",
                "{\"prompt\": \"Be kind:\", \"chosen\": \" You did well.\", \"rejected\": \" Whatever.\"}") + "\n");
        Files.writeString(dir.resolve("hh.jsonl"), String.join("\n",
                "{\"chosen\": \"\\n\\nHuman: Hi\\n\\nAssistant: Hello! How can I help?\", "
                        + "\"rejected\": \"\\n\\nHuman: Hi\\n\\nAssistant: Go away.\"}",
                "{\"chosen\": \"\\n\\nHuman: Thanks\\n\\nAssistant: You are welcome.\", "
                        + "\"rejected\": \"\\n\\nHuman: Thanks\\n\\nAssistant: Fine.\"}") + "\n");

        HuggingFaceCheckpoint ckpt = HuggingFaceCheckpoint.load(modelDir, Device.cpu());
        TextCodec codec = TextCodec.of(ckpt.tokenizer());
        assertEquals(50256, codec.eosId());
        assertEquals(50256, codec.padId(), "GPT-2 has no pad token: EOS pads, as in transformers");
        GPT policy = ckpt.model();
        Map<String, float[]> base = new LinkedHashMap<>();
        policy.stateDict().forEach((k, t) -> base.put(k, t.toFloatArray()));
        int[] probe = codec.encode("Q: What colour is the sky? A: blue");
        float[] baseLogits = logits(policy, probe);

        // pθ: a LoRA copy of the policy with a trained reward head, on both preference formats
        List<PreferenceExample> prefs = new ArrayList<>(Datasets.preferences(dir.resolve("trl.jsonl")));
        List<PreferenceExample> hh = Datasets.preferences(dir.resolve("hh.jsonl"));
        assertEquals("\n\nHuman: Hi\n\nAssistant:", hh.get(0).prompt());
        assertEquals(" Hello! How can I help?", hh.get(0).chosen());
        assertEquals(" Go away.", hh.get(0).rejected());
        prefs.addAll(hh);
        PreferenceModel pm = PreferenceModel.fromPolicy(policy, codec, seed + 1);
        Lora pmLora = Lora.apply(pm.network(), Lora.Config.gpt2(4, 8).withModulesToSave("head"), new Generator(seed + 2));
        Map<String, float[]> pmBase = new LinkedHashMap<>();
        pm.network().transformer().stateDict().forEach((k, t) -> {
            if (!k.contains("lora_")) {
                pmBase.put(k, t.toFloatArray());
            }
        });
        new PreferenceModelTrainer(PreferenceModelTrainer.Config.defaults().withEpochs(2).withBatchSize(3)
                .withHeldOutFraction(0).withSeed(seed)).train(pm, prefs);
        pm.network().transformer().stateDict().forEach((k, t) -> {
            if (pmBase.containsKey(k)) {
                assertArrayEquals(pmBase.get(k), t.toFloatArray(), "pθ base weight " + k + " stays frozen");
            }
        });
        assertTrue(pmLora.trainableParameterCount() < pm.network().parameterCount() / 10, "LoRA trains a small part");
        pm.save(dir.resolve("pm"));
        PreferenceModel pmBack = PreferenceModel.load(dir.resolve("pm"));
        List<String> ps = List.of("Say hi:", "Q: 2+2? A:");
        List<String> rs = List.of(" Hello there!", " 4");
        assertArrayEquals(pm.score(ps, rs), pmBack.score(ps, rs), 1e-6f, "pθ (with its BPE tokenizer) saves and loads");
        assertEquals(0f, pm.network().head().bias().data().toFloatArray()[0],
                "Bradley-Terry never moves the head bias (it cancels in f_a - f_b), so HF's bias-free score layer holds pθ");
        pm.saveHuggingFace(dir.resolve("pm-hf"));
        PreferenceModel pmHf = PreferenceModel.loadHuggingFace(dir.resolve("pm-hf"), Device.cpu());
        assertArrayEquals(pm.score(ps, rs), pmHf.score(ps, rs), 1e-5f, "pθ in GPT2ForSequenceClassification layout");
        assertReferenceScores(dir, pm, "Say hi:", " Hello there!");

        // PPO of the LoRA policy against π_ref = the same weights with the adapters off
        Lora lora = Lora.apply(policy, Lora.Config.gpt2(4, 8), new Generator(seed + 3));
        GPT criticTrunk = new GPT(policy.config(), new Generator(seed + 4));
        criticTrunk.loadStateDict(lora.mergedStateDict());
        ScalarModel critic = new ScalarModel(criticTrunk, ScalarHead.value(policy.config().dModel()));
        List<String> prompts = Datasets.prompts(dir.resolve("prompts.jsonl"));
        RewardSource reward = RewardSource.of(pm);
        PpoConfig cfg = new PpoConfig();
        cfg.steps = 2;
        cfg.batchSize = 4;
        cfg.minibatchSize = 2;
        cfg.epochs = 1;
        cfg.maxNewTokens = 6;
        cfg.lr = 1e-2;
        PpoTrainer ppo = new PpoTrainer(policy, policy, critic, reward, (step, n) -> {
            List<String> b = new ArrayList<>();
            SplittableRandom r = new SplittableRandom(seed + step);
            for (int i = 0; i < n; i++) {
                b.add(prompts.get(r.nextInt(prompts.size())));
            }
            return b;
        }, codec, cfg, new Generator(seed + 5));
        for (int i = 0; i < cfg.steps; i++) {
            Map<String, Double> m = ppo.step();
            assertTrue(Double.isFinite(m.get("objective/kl")), m.toString());
        }
        policy.stateDict().forEach((k, t) -> {
            if (base.containsKey(k)) {
                assertArrayEquals(base.get(k), t.toFloatArray(), "policy base weight " + k + " stays frozen");
            }
        });
        float[] trained = logits(policy, probe);
        assertFalse(Arrays.equals(baseLogits, trained), "PPO moved the adapters");
        try (Lora.Off off = Lora.adaptersOff(policy)) {
            assertArrayEquals(baseLogits, logits(policy, probe), "π_ref is the untouched base");
        }

        // export in Hugging Face layout (adapters merged) and read it back from the files alone
        Path out = dir.resolve("ppo-policy");
        HuggingFaceCheckpoint.save(out, lora.mergedStateDict(), policy.config(), ckpt.tokenizer(), ckpt.eosId());
        lora.save(dir.resolve("ppo-adapter"));
        GPT reread = HuggingFaceCheckpoint.load(out, Device.cpu()).model();
        float[] back = logits(reread, probe);
        for (int i = 0; i < back.length; i++) {
            assertEquals(trained[i], back[i], 2e-5 * (1 + Math.abs(trained[i])), "exported logit " + i);
        }
        GPT fresh = HuggingFaceCheckpoint.load(modelDir, Device.cpu()).model();
        Lora.load(fresh, dir.resolve("ppo-adapter"));
        assertArrayEquals(trained, logits(fresh, probe), "base folder + saved adapter = the trained policy");
        assertTrue(fresh.parameters().stream().filter(Parameter::trainable).count() > 0);
    }

    /** With PyTorch present: the reference's GPT2ForSequenceClassification reading of pm-hf gives pθ's score. */
    static void assertReferenceScores(Path dir, PreferenceModel pm, String prompt, String response) throws Exception {
        String python = null;
        for (String c : List.of(System.getenv().getOrDefault("PLUMBLINE_PYTHON", "/usr/bin/python3"), "python3")) {
            try {
                Process p = new ProcessBuilder(c, "-c", "import torch").redirectErrorStream(true).start();
                if (p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0) {
                    python = c;
                    break;
                }
            } catch (java.io.IOException e) {
                // not installed
            }
        }
        if (python == null) {
            System.out.println("HuggingFaceRlaifTest: no python with torch; the Java re-read above is the check");
            return;
        }
        Path script = null;
        for (Path p : List.of(Path.of("../nn/src/test/reference/gpt2_hf_reference.py"), Path.of("nn/src/test/reference/gpt2_hf_reference.py"))) {
            if (Files.isRegularFile(p)) {
                script = p;
            }
        }
        int[] ids = pm.encode(prompt, response);
        Files.writeString(dir.resolve("score-ids.json"), "[" + Arrays.toString(ids) + "]");
        Process p = new ProcessBuilder(python, script.toString(), "score", dir.resolve("pm-hf").toString(),
                dir.resolve("score-ids.json").toString(), dir.resolve("score.safetensors").toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0, output);
        float ref = dev.plumbline.tensor.io.Safetensors.load(dir.resolve("score.safetensors")).get("scores").toFloatArray()[0];
        float ours = pm.score(List.of(prompt), List.of(response))[0];
        assertEquals(ref, ours, 2e-5 * (1 + Math.abs(ref)), "GPT2ForSequenceClassification reference vs pθ");
    }

    @Test
    void badUserRecordsNameFileAndLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("prefs.jsonl");
        Files.writeString(f, "{\"prompt\": \"a\", \"chosen\": \"b\", \"rejected\": \"c\"}\n\n{\"prompt\": \"a\", \"chosen\": \"b\"}\n");
        JsonlFormatException e = assertThrows(JsonlFormatException.class, () -> Datasets.preferences(f));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("prefs.jsonl:3") && e.getMessage().contains("\"rejected\""), e.getMessage());

        Files.writeString(f, "{\"prompt\": [{\"role\": \"user\"}], \"chosen\": \"b\", \"rejected\": \"c\"}\n");
        e = assertThrows(JsonlFormatException.class, () -> Datasets.preferences(f));
        assertTrue(e.getMessage().contains(":1:") && e.getMessage().contains("conversational"), e.getMessage());

        Files.writeString(f, "{\"chosen\": \"x\", \"rejected\": \"y\"}\n");
        e = assertThrows(JsonlFormatException.class, () -> Datasets.preferences(f));
        assertTrue(e.getMessage().contains("share no beginning"), e.getMessage());

        Files.writeString(f, "{\"prompt\": \"p\", \"chosen\": \"same\", \"rejected\": \"same\"}\n");
        e = assertThrows(JsonlFormatException.class, () -> Datasets.preferences(f));
        assertTrue(e.getMessage().contains("same response"), e.getMessage());

        Files.writeString(f, "{\"prompt\": \"p\", \"text\": \"t\"}\n");
        e = assertThrows(JsonlFormatException.class, () -> Datasets.demonstrations(f));
        assertTrue(e.getMessage().contains("completion") && e.getMessage().contains("[prompt, text]"), e.getMessage());

        Files.writeString(f, "{\"prompt\": \"p\", \"completion\": \"c\"}\n{\"prompt\": \"q\", \"response\": \"r\"}\n");
        assertEquals(List.of(new Datasets.Demonstration("p", "c"), new Datasets.Demonstration("q", "r")),
                Datasets.demonstrations(f));

        Files.writeString(f, "{\"pair_id\": \"1\", \"pair_index\": 0, \"prompt\": \"p\", \"response_a\": \"a\", \"response_b\": \"b\", \"label\": \"B\"}\n"
                + "{\"pair_id\": \"2\", \"pair_index\": 1, \"prompt\": \"p\", \"response_a\": \"a\", \"response_b\": \"b\", \"label\": \"TIE\"}\n");
        List<PreferenceExample> ours = Datasets.preferences(f);
        assertEquals(1, ours.size(), "ties skipped");
        assertEquals("b", ours.get(0).chosen());
        assertEquals("a", ours.get(0).rejected());
    }
}
