// HuggingFaceCheckpoint: a GPT-2 folder written, read back and checked against the PyTorch
// reference's reading of the same folder; every malformed folder named by file and key.
package dev.plumbline.nn;

import dev.plumbline.nn.tokenizer.ByteLevelBpe;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.io.Safetensors;
import dev.plumbline.tensor.random.Generator;
import dev.plumbline.testing.TestSeeds;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Round trips through the Hugging Face folder layout, with GPT-2's real tokenizer (the published
 * vocab.json/merges.txt under src/test/resources/gpt2) and a random GPT-2-shaped model small enough
 * for CI: V = 50257, T = 16, 2 layers, 4 heads, C = 16.
 */
class HuggingFaceCheckpointTest {
    static final GPTConfig SMALL = new GPTConfig(50257, 16, 2, 4, 16, 0f, 1e-5f, true);
    static final ObjectMapper JSON = new ObjectMapper();

    static ByteLevelBpe gpt2Tokenizer() throws IOException {
        try {
            return ByteLevelBpe.load(Path.of(HuggingFaceCheckpointTest.class.getResource("/gpt2/vocab.json").toURI()).getParent());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }

    static GPT randomGpt(GPTConfig cfg, long seed) {
        GPT gpt = new GPT(cfg, new Generator(seed));
        HuggingFaceGPT2ReferenceTest.randomize(gpt, new Random(seed));
        return gpt;
    }

    static float[] logits(GPT gpt, int[] ids, int b, int t) {
        gpt.eval();
        try (NoGrad ng = NoGrad.enter()) {
            return gpt.logits(Tensor.fromArray(ids, b, t)).toFloatArray();
        }
    }

    /** A folder saved from a random GPT, for the malformed-folder tests to edit. */
    static Path savedFolder(Path dir, long seed) throws IOException {
        Path d = dir.resolve("model");
        HuggingFaceCheckpoint.save(d, randomGpt(SMALL, seed), gpt2Tokenizer());
        return d;
    }

    @Test
    void savedFolderLoadsBackWithTheSameLogitsConfigAndTokenizer(@TempDir Path dir) throws Exception {
        long seed = TestSeeds.seed("HuggingFaceCheckpointTest.savedFolderLoadsBackWithTheSameLogitsConfigAndTokenizer");
        GPT gpt = randomGpt(SMALL, seed);
        ByteLevelBpe tok = gpt2Tokenizer();
        Path d = dir.resolve("policy");
        HuggingFaceCheckpoint.save(d, gpt, tok);
        for (String f : List.of("config.json", "model.safetensors", "vocab.json", "merges.txt")) {
            assertTrue(Files.isRegularFile(d.resolve(f)), f + " written");
        }
        assertEquals("pt", Safetensors.metadata(d.resolve("model.safetensors")).get("format"),
                "transformers refuses safetensors without format=pt");
        Map<String, Tensor> raw = Safetensors.load(d.resolve("model.safetensors"));
        assertTrue(raw.containsKey("transformer.h.1.mlp.c_fc.weight") && !raw.containsKey("lm_head.weight"),
                "GPT2LMHeadModel names, tied lm_head omitted: " + raw.keySet());
        assertArrayEquals(new int[] {16, 64}, raw.get("transformer.h.1.mlp.c_fc.weight").shape(), "Conv1D (in, out)");

        HuggingFaceCheckpoint back = HuggingFaceCheckpoint.load(d, Device.cpu());
        assertEquals(SMALL, back.model().config());
        assertEquals(50256, back.eosId(), "<|endoftext|>");
        String text = "Hello world, the pipeline reads its own checkpoint.";
        int[] ids = tok.encode(text);
        assertArrayEquals(ids, back.tokenizer().encode(text));
        int[] batch = Arrays.copyOf(ids, 16);
        batch[15] = 50256;   // the last row of wte is used
        assertArrayEquals(logits(gpt, batch, 1, 16), logits(back.model(), batch, 1, 16), "bit-identical logits");
    }

    @Test
    void referenceReadsTheFolderAsFromPretrainedDoesAndGivesOurLogits(@TempDir Path dir) throws Exception {
        long seed = TestSeeds.seed("HuggingFaceCheckpointTest.referenceReadsTheFolderAsFromPretrainedDoesAndGivesOurLogits");
        HuggingFaceGPT2ReferenceTest.requireReference();
        GPTConfig cfg = HuggingFaceGPT2ReferenceTest.CFG.withVocab(300);
        ByteLevelBpe tok = ByteLevelBpe.train(List.of("a small corpus for a small tokenizer", "the end"), 300,
                List.of(ByteLevelBpe.ENDOFTEXT));
        GPT gpt = randomGpt(cfg, seed);
        Path d = dir.resolve("m");
        HuggingFaceCheckpoint.save(d, gpt, tok);
        int b = HuggingFaceGPT2ReferenceTest.BATCH, t = cfg.contextLength();
        Random r = new Random(seed);
        int[] ids = new int[b * t];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(cfg.vocab());
        }
        Path idsFile = HuggingFaceGPT2ReferenceTest.writeIds(dir, ids, b, t);
        Path out = dir.resolve("ref.safetensors");
        HuggingFaceGPT2ReferenceTest.run(dir, HuggingFaceGPT2ReferenceTest.script.toString(), "folder", d.toString(),
                idsFile.toString(), out.toString());
        float[] ref = Safetensors.load(out).get("logits").toFloatArray();
        float[] ours = logits(HuggingFaceCheckpoint.load(d, Device.cpu()).model(), ids, b, t);
        assertEquals(ref.length, ours.length);
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            worst = Math.max(worst, Math.abs((double) ref[i] - ours[i]));
        }
        assertTrue(worst <= HuggingFaceGPT2ReferenceTest.ATOL, "max |logit diff| " + worst);
    }

    @Test
    void shardedWeightsAndOpenAiTokenizerFileNamesLoad(@TempDir Path dir) throws Exception {
        long seed = TestSeeds.seed("HuggingFaceCheckpointTest.shardedWeightsAndOpenAiTokenizerFileNamesLoad");
        Path d = savedFolder(dir, seed);
        Map<String, Tensor> all = Safetensors.load(d.resolve("model.safetensors"));
        Map<String, Tensor> first = new LinkedHashMap<>(), second = new LinkedHashMap<>();
        ObjectNode index = JSON.createObjectNode();
        ObjectNode map = index.putObject("weight_map");
        int i = 0;
        for (Map.Entry<String, Tensor> e : all.entrySet()) {
            boolean a = i++ % 2 == 0;
            (a ? first : second).put(e.getKey(), e.getValue());
            map.put(e.getKey(), a ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        }
        Safetensors.save(d.resolve("model-00001-of-00002.safetensors"), first, Map.of("format", "pt"));
        Safetensors.save(d.resolve("model-00002-of-00002.safetensors"), second, Map.of("format", "pt"));
        Files.writeString(d.resolve("model.safetensors.index.json"), JSON.writeValueAsString(index));
        Files.delete(d.resolve("model.safetensors"));
        Files.move(d.resolve("vocab.json"), d.resolve("encoder.json"));
        Files.move(d.resolve("merges.txt"), d.resolve("vocab.bpe"));

        HuggingFaceCheckpoint ckpt = HuggingFaceCheckpoint.load(d, Device.cpu());
        Map<String, Tensor> expected = HuggingFaceGPT2.fromHuggingFace(all);
        for (Map.Entry<String, Tensor> e : ckpt.model().stateDict().entrySet()) {
            assertArrayEquals(expected.get(e.getKey()).toFloatArray(), e.getValue().toFloatArray(), e.getKey());
        }
        assertArrayEquals(gpt2Tokenizer().encode("sharded"), ckpt.tokenizer().encode("sharded"));

        map.put("h.9.attn.c_attn.weight", "model-00001-of-00002.safetensors");
        Files.writeString(d.resolve("model.safetensors.index.json"), JSON.writeValueAsString(index));
        HuggingFaceFormatException e = assertThrows(HuggingFaceFormatException.class,
                () -> HuggingFaceCheckpoint.load(d, Device.cpu()));
        assertTrue(e.getMessage().contains("model.safetensors.index.json") && e.getMessage().contains("h.9.attn.c_attn.weight"),
                e.getMessage());
    }

    /** Rewrites one config.json key (null removes it) and returns the load error. */
    static HuggingFaceFormatException withConfig(Path d, String key, Object value) throws IOException {
        ObjectNode cfg = (ObjectNode) JSON.readTree(d.resolve("config.json").toFile());
        ObjectNode edited = cfg.deepCopy();
        if (value == null) {
            edited.remove(key);
        } else {
            edited.set(key, JSON.valueToTree(value));
        }
        Files.writeString(d.resolve("config.json"), JSON.writeValueAsString(edited));
        try {
            return assertThrows(HuggingFaceFormatException.class, () -> HuggingFaceCheckpoint.load(d, Device.cpu()),
                    key + " = " + value);
        } finally {
            Files.writeString(d.resolve("config.json"), JSON.writeValueAsString(cfg));
        }
    }

    static void assertNames(HuggingFaceFormatException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
        }
    }

    @Test
    void everyUnsupportedConfigIsNamedWithItsFileAndKey(@TempDir Path dir) throws Exception {
        Path d = savedFolder(dir, TestSeeds.seed("HuggingFaceCheckpointTest.everyUnsupportedConfigIsNamedWithItsFileAndKey"));
        assertNames(withConfig(d, "model_type", "llama"), "config.json", "model_type", "'llama'");
        assertNames(withConfig(d, "model_type", null), "config.json", "model_type is missing");
        assertNames(withConfig(d, "rope_theta", 10000), "config.json", "unsupported config key", "rope_theta");
        assertNames(withConfig(d, "activation_function", "gelu"), "activation_function 'gelu'", "tanh GELU");
        assertNames(withConfig(d, "n_inner", 100), "n_inner 100", "4 * n_embd = 64");
        assertNames(withConfig(d, "scale_attn_by_inverse_layer_idx", true), "scale_attn_by_inverse_layer_idx");
        assertNames(withConfig(d, "tie_word_embeddings", false), "tie_word_embeddings");
        assertNames(withConfig(d, "n_head", 3), "n_embd 16 is not divisible by n_head 3");
        assertNames(withConfig(d, "n_layer", "two"), "n_layer must be a positive integer");
        assertNames(withConfig(d, "architectures", List.of("LlamaForCausalLM")), "LlamaForCausalLM");
        assertNames(withConfig(d, "vocab_size", 50000), "model.safetensors", "wte.weight has 50257 rows",
                "vocab_size 50000");
        assertNames(withConfig(d, "n_layer", 3), "model.safetensors", "missing keys", "h.2.");
        assertNames(withConfig(d, "eos_token_id", 60000), "eos_token_id 60000");
        Files.writeString(d.resolve("config.json"), "{\"model_type\": \"gpt2\",\n \"n_embd\": }");
        assertNames(assertThrows(HuggingFaceFormatException.class, () -> HuggingFaceCheckpoint.load(d, Device.cpu())),
                "config.json", "not valid JSON at line 2");
    }

    @Test
    void missingFilesAndMismatchedPiecesAreNamed(@TempDir Path dir) throws Exception {
        long seed = TestSeeds.seed("HuggingFaceCheckpointTest.missingFilesAndMismatchedPiecesAreNamed");
        assertNames(assertThrows(HuggingFaceFormatException.class,
                () -> HuggingFaceCheckpoint.load(dir.resolve("nowhere"), Device.cpu())), "nowhere", "not a folder");
        Path d = savedFolder(dir, seed);

        Files.move(d.resolve("merges.txt"), d.resolve("merges.moved"));
        assertNames(assertThrows(HuggingFaceFormatException.class, () -> HuggingFaceCheckpoint.load(d, Device.cpu())),
                "merges.txt", "missing");
        Files.move(d.resolve("merges.moved"), d.resolve("merges.txt"));

        Files.move(d.resolve("model.safetensors"), d.resolve("pytorch_model.bin"));
        assertNames(assertThrows(HuggingFaceFormatException.class, () -> HuggingFaceCheckpoint.load(d, Device.cpu())),
                "model.safetensors", "missing", "pytorch_model.bin", "safe_serialization=True");
        Files.move(d.resolve("pytorch_model.bin"), d.resolve("model.safetensors"));

        Map<String, Tensor> hf = Safetensors.load(d.resolve("model.safetensors"));
        Map<String, Tensor> untied = new LinkedHashMap<>(hf);
        untied.put("lm_head.weight", hf.get("transformer.wte.weight").mul(2f));
        Safetensors.save(d.resolve("model.safetensors"), untied, Map.of("format", "pt"));
        assertNames(assertThrows(HuggingFaceFormatException.class, () -> HuggingFaceCheckpoint.load(d, Device.cpu())),
                "model.safetensors", "lm_head.weight", "not tied");

        // a GPT whose embedding is smaller than GPT-2's tokenizer: ids past the table
        Path small = dir.resolve("small");
        GPTConfig tinyVocab = SMALL.withVocab(300);
        HuggingFaceCheckpoint.save(small, randomGpt(tinyVocab, seed).stateDict(), tinyVocab,
                ByteLevelBpe.train(List.of("abc"), 300, List.of(ByteLevelBpe.ENDOFTEXT)), 256);
        gpt2Tokenizer().save(small);
        assertNames(assertThrows(HuggingFaceFormatException.class, () -> HuggingFaceCheckpoint.load(small, Device.cpu())),
                "the tokenizer has 50257 tokens but the embedding only 300 rows");
    }

    @Test
    void saveRefusesWeightsThatAreNotAPlainGpt2(@TempDir Path dir) throws Exception {
        GPT gpt = randomGpt(SMALL, 1);
        Map<String, Tensor> w = new LinkedHashMap<>(gpt.stateDict());
        w.put("h.0.attn.c_attn.lora_A.weight", Tensor.zeros(4, 16));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HuggingFaceCheckpoint.save(dir.resolve("x"), w, SMALL, gpt2Tokenizer(), 50256));
        assertTrue(e.getMessage().contains("lora_A") && e.getMessage().contains("merge"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x")), "nothing written");
    }
}
