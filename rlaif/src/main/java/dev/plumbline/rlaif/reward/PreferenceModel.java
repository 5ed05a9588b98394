// The preference (reward) model pθ: a GPT trunk with a scalar head that scores prompt + response + EOS,
// in the project's char-level token format, with save/load as safetensors + JSON config.
package dev.plumbline.rlaif.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plumbline.nn.GPT;
import dev.plumbline.nn.GPTConfig;
import dev.plumbline.nn.ScalarHead;
import dev.plumbline.nn.ScalarModel;
import dev.plumbline.nn.generate.PaddedBatch;
import dev.plumbline.nn.tokenizer.ByteLevelBpe;
import dev.plumbline.nn.tokenizer.CharTokenizer;
import dev.plumbline.rlaif.policy.TextCodec;
import dev.plumbline.rlaif.task.TaskSuite;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.io.AtomicFiles;
import dev.plumbline.tensor.io.Safetensors;
import dev.plumbline.tensor.random.Generator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Bradley–Terry preference model pθ: f(x, y) is a {@link ScalarModel} (GPT trunk + reward head)
 * read at the last real token of {@code prompt tokens + response tokens + EOS}, and
 * P(a ≻ b | x) = σ(f(x, a) − f(x, b)).
 *
 * <p>Token format: {@link CharTokenizer} over {@link TaskSuite#ALPHABET} with specials
 * {@code ["<eos>", "<pad>"]}; batches are left-padded with {@code <pad>}. A response that already
 * ends in the text {@code "<eos>"} (as a decoded sample does) gets no second EOS.
 *
 * <pre>{@code
 * GPTConfig cfg = new GPTConfig(PreferenceModel.tokenizer().vocabSize(), 48, 2, 2, 32, 0f, 1e-5f, true);
 * PreferenceModel pm = new PreferenceModel(cfg, 7);               // or PreferenceModel.fromPolicy(sft, 7)
 * Tensor f = pm.scores(List.of("12+34="), List.of("46"));          // (1), differentiable
 * float[] r = pm.score(prompts, responses);                         // no graph, mini-batched
 * double p = pm.probability("12+34=", "46", "47");                  // σ(f_a − f_b)
 * pm.save(Path.of("run/pm"));  PreferenceModel back = PreferenceModel.load(Path.of("run/pm"));
 * }</pre>
 */
public final class PreferenceModel implements RewardScorer {

    /** Special tokens of the project's token format, in id order after the alphabet. */
    public static final List<String> SPECIALS = List.of("<eos>", "<pad>");
    /** Weights file inside a saved model directory. */
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** Config file inside a saved model directory. */
    public static final String CONFIG_FILE = "config.json";
    /** Rows per forward pass in {@link #score(List, List)}. */
    public static final int DEFAULT_SCORE_BATCH = 64;

    private static final String FORMAT = "plumbline-preference-model";
    private static final int FORMAT_VERSION = 1;
    private static final String EOS_TEXT = "<eos>";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GPTConfig config;
    private final ScalarModel model;
    private final TextCodec codec;
    private final int eosId;
    private final int padId;

    private PreferenceModel(GPTConfig config, ScalarModel model) {
        this(config, model, TextCodec.builtIn());
    }

    private PreferenceModel(GPTConfig config, ScalarModel model, TextCodec codec) {
        this.config = config;
        this.model = model;
        this.codec = codec;
        this.eosId = codec.eosId();
        this.padId = codec.padId();
    }

    /**
     * pθ over a user's model and tokenizer (e.g. a Hugging Face GPT-2 checkpoint): the trunk a copy
     * of {@code policy}, a fresh reward head from {@code headSeed}. {@link #save} then also writes the
     * tokenizer, and {@link #load} reads it back.
     *
     * @throws IllegalArgumentException if the tokenizer has ids past the policy's embedding
     */
    public static PreferenceModel fromPolicy(GPT policy, TextCodec codec, long headSeed) {
        if (codec.isBuiltIn()) {
            return fromPolicy(policy, headSeed);
        }
        GPTConfig cfg = policy.config();
        if (codec.vocabSize() > cfg.vocab()) {
            throw new IllegalArgumentException("PreferenceModel: tokenizer has " + codec.vocabSize()
                    + " tokens, the policy's embedding " + cfg.vocab() + " rows");
        }
        Generator gen = new Generator(headSeed);
        GPT trunk = new GPT(cfg, gen);
        trunk.loadStateDict(policy.stateDict());
        ScalarModel m = new ScalarModel(trunk, ScalarHead.reward(cfg.dModel(), gen));
        m.to(policy.device());
        return new PreferenceModel(cfg, m, codec);
    }

    /** The token format of the scored sequences. */
    public TextCodec codec() {
        return codec;
    }

    /**
     * A fresh model: GPT-2 init for the trunk, reward head N(0, 1/(C+1)), all from {@code seed}.
     *
     * @throws IllegalArgumentException when {@code config.vocab()} is not the token format's vocabulary size
     */
    public PreferenceModel(GPTConfig config, long seed) {
        this(checkVocab(config), build(config, seed));
    }

    /**
     * A model whose trunk starts as a copy of {@code policy}'s weights (pθ initialised from the SFT
     * policy) and whose head is fresh from {@code headSeed}. The copy is independent: training it never
     * changes {@code policy}. It lives on {@code policy}'s device.
     */
    public static PreferenceModel fromPolicy(GPT policy, long headSeed) {
        if (policy == null) throw new IllegalArgumentException("fromPolicy: policy is null");
        GPTConfig cfg = checkVocab(policy.config());
        Generator gen = new Generator(headSeed);
        GPT trunk = new GPT(cfg, gen);                         // overwritten below; gen also drives dropout
        trunk.loadStateDict(policy.stateDict());               // copies values into trunk's own tensors
        ScalarModel m = new ScalarModel(trunk, ScalarHead.reward(cfg.dModel(), gen));
        m.to(policy.device());
        return new PreferenceModel(cfg, m);
    }

    private static ScalarModel build(GPTConfig cfg, long seed) {
        Generator gen = new Generator(seed);
        GPT trunk = new GPT(cfg, gen);
        return new ScalarModel(trunk, ScalarHead.reward(cfg.dModel(), gen));
    }

    private static GPTConfig checkVocab(GPTConfig cfg) {
        if (cfg == null) throw new IllegalArgumentException("PreferenceModel: config is null");
        int v = tokenizer().vocabSize();
        if (cfg.vocab() != v) {
            throw new IllegalArgumentException("PreferenceModel: config vocab " + cfg.vocab()
                    + " is not the token format's vocabulary size " + v + " (TaskSuite.ALPHABET + " + SPECIALS + ")");
        }
        return cfg;
    }

    /** The project's token format: chars of {@link TaskSuite#ALPHABET}, then {@link #SPECIALS}. */
    public static CharTokenizer tokenizer() {
        return CharTokenizer.ofAlphabet(TaskSuite.ALPHABET, SPECIALS);
    }

    /** A small config in the token format, for tests and the demo: given depth, width and context. */
    public static GPTConfig config(int layers, int heads, int dModel, int contextLength) {
        return new GPTConfig(tokenizer().vocabSize(), contextLength, layers, heads, dModel, 0f, 1e-5f, true);
    }

    /** The trunk's configuration. */
    public GPTConfig config() {
        return config;
    }

    /** The underlying network (parameters {@code transformer.*}, {@code head.*}), e.g. for an optimizer. */
    public ScalarModel network() {
        return model;
    }

    /** The device the weights live on. */
    public Device device() {
        return model.device();
    }

    /**
     * Token ids of a scored sequence: prompt + response + EOS (a response ending in {@code "<eos>"} text
     * gets that one EOS, not two).
     *
     * @throws IllegalArgumentException naming the character, or the length, when the sequence cannot be scored
     */
    public int[] encode(String prompt, String response) {
        if (prompt == null || response == null) {
            throw new IllegalArgumentException("PreferenceModel: prompt and response must not be null");
        }
        String eosText = codec.isBuiltIn() ? EOS_TEXT : codec.eosText();
        String body = response.endsWith(eosText) ? response.substring(0, response.length() - eosText.length()) : response;
        int[] p, r;
        try {
            p = codec.encode(prompt);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PreferenceModel: prompt \"" + prompt + "\": " + e.getMessage(), e);
        }
        try {
            r = codec.encode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PreferenceModel: response \"" + response + "\": " + e.getMessage(), e);
        }
        int[] ids = Arrays.copyOf(p, p.length + r.length + 1);
        System.arraycopy(r, 0, ids, p.length, r.length);
        ids[ids.length - 1] = eosId;
        if (ids.length > config.contextLength()) {
            throw new IllegalArgumentException("PreferenceModel: prompt + response + EOS is " + ids.length
                    + " tokens, longer than the context length " + config.contextLength()
                    + " (prompt \"" + prompt + "\", response \"" + response + "\")");
        }
        return ids;
    }

    /** Number of characters of a response, not counting a trailing {@code "<eos>"} text. */
    public static int responseLength(String response) {
        return response.endsWith(EOS_TEXT) ? response.length() - EOS_TEXT.length() : response.length();
    }

    /**
     * f(x_i, y_i) for each i, recording a graph when grad mode is on: (B). The caller owns the scope.
     *
     * @throws IllegalArgumentException for empty or mismatched lists, or a sequence that cannot be encoded
     */
    public Tensor scores(List<String> prompts, List<String> responses) {
        checkPairs(prompts, responses);
        List<int[]> seqs = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) seqs.add(encode(prompts.get(i), responses.get(i)));
        PaddedBatch batch = PaddedBatch.leftPad(seqs, padId, device());
        return model.scores(batch.ids(), batch.attentionMask());   // (B)
    }

    /** {@link #score(List, List, int)} with {@link #DEFAULT_SCORE_BATCH} rows per pass. */
    @Override
    public float[] score(List<String> prompts, List<String> responses) {
        return score(prompts, responses, DEFAULT_SCORE_BATCH);
    }

    /** f(x_i, y_i) for each i, in eval mode under {@link NoGrad}, {@code batchSize} rows per forward pass. */
    public float[] score(List<String> prompts, List<String> responses, int batchSize) {
        checkPairs(prompts, responses);
        if (batchSize <= 0) throw new IllegalArgumentException("score: batchSize must be > 0, got " + batchSize);
        float[] out = new float[prompts.size()];
        boolean wasTraining = model.isTraining();
        model.eval();                                   // no dropout while scoring
        try (NoGrad ng = NoGrad.enter()) {
            for (int from = 0; from < out.length; from += batchSize) {
                int to = Math.min(out.length, from + batchSize);
                try (Scope s = Scope.open()) {
                    float[] f = scores(prompts.subList(from, to), responses.subList(from, to)).toFloatArray();
                    System.arraycopy(f, 0, out, from, f.length);
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return out;
    }

    /** P(a ≻ b | prompt) = σ(f(prompt, a) − f(prompt, b)), without a graph. */
    public double probability(String prompt, String a, String b) {
        float[] f = score(List.of(prompt, prompt), List.of(a, b));
        return sigmoid((double) f[0] - f[1]);
    }

    /** P(a_i ≻ b_i | x_i) for each i, without a graph, in mini-batches. */
    public double[] probabilities(List<String> prompts, List<String> a, List<String> b) {
        checkPairs(prompts, a);
        checkPairs(prompts, b);
        List<String> ps = new ArrayList<>(prompts), rs = new ArrayList<>(a);
        ps.addAll(prompts);
        rs.addAll(b);
        float[] f = score(ps, rs);
        double[] out = new double[prompts.size()];
        for (int i = 0; i < out.length; i++) out[i] = sigmoid((double) f[i] - f[i + out.length]);
        return out;
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    static void checkPairs(List<String> prompts, List<String> responses) {
        if (prompts == null || responses == null) throw new IllegalArgumentException("prompts and responses must not be null");
        if (prompts.size() != responses.size()) {
            throw new IllegalArgumentException("prompts (" + prompts.size() + ") and responses (" + responses.size()
                    + ") differ in length");
        }
        if (prompts.isEmpty()) throw new IllegalArgumentException("no (prompt, response) pairs to score");
    }

    /**
     * Writes {@code dir/model.safetensors} (names {@code transformer.*}, {@code head.*}) and
     * {@code dir/config.json} (GPT config + token format), each atomically; creates {@code dir}.
     */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        // LoRA adapters, if any, are folded in: the saved pθ is a plain trunk + head
        Safetensors.save(dir.resolve(WEIGHTS_FILE), dev.plumbline.nn.Lora.mergedStateDict(model), Map.of("format", FORMAT));
        ObjectNode c = JSON.createObjectNode();
        c.put("format", FORMAT);
        c.put("format_version", FORMAT_VERSION);
        c.put("vocab", config.vocab());
        c.put("context_length", config.contextLength());
        c.put("layers", config.layers());
        c.put("heads", config.heads());
        c.put("d_model", config.dModel());
        c.put("dropout", config.dropout());
        c.put("layer_norm_eps", config.layerNormEps());
        c.put("bias", config.bias());
        if (codec.isBuiltIn()) {
            c.put("alphabet", TaskSuite.ALPHABET);
            c.putPOJO("specials", SPECIALS);
        } else if (codec.tokenizer() instanceof ByteLevelBpe bpe) {
            bpe.save(dir);   // vocab.json, merges.txt, special_tokens.json
            c.put("tokenizer", "byte-level-bpe");
        } else {
            throw new IOException("PreferenceModel.save: cannot save a " + codec.tokenizer().name() + " tokenizer");
        }
        AtomicFiles.writeString(dir.resolve(CONFIG_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(c));
    }

    /**
     * Writes pθ as a Hugging Face {@code GPT2ForSequenceClassification} folder with one label
     * (adapters merged): {@code transformers} loads it, and scoring one unpadded sequence
     * {@code prompt + response + <|endoftext|>} gives this model's f(x, y).
     *
     * @throws IllegalStateException if the token format is the built-in one (no GPT-2 tokenizer),
     *                               or the head's bias is not 0 (transformers' score layer has none;
     *                               Bradley–Terry training never moves it from its initial 0)
     */
    public void saveHuggingFace(Path dir) throws IOException {
        if (!(codec.tokenizer() instanceof ByteLevelBpe bpe)) {
            throw new IllegalStateException("saveHuggingFace: pθ uses the built-in character format, not a GPT-2 tokenizer");
        }
        Map<String, Tensor> all = dev.plumbline.nn.Lora.mergedStateDict(model);
        float bias = all.get("head.bias").toFloatArray()[0];
        if (bias != 0f) {
            throw new IllegalStateException("saveHuggingFace: reward head bias is " + bias
                    + "; GPT2ForSequenceClassification's score layer has no bias");
        }
        Map<String, Tensor> trunk = new java.util.LinkedHashMap<>();
        all.forEach((k, t) -> {
            if (k.startsWith("transformer.")) {
                trunk.put(k.substring("transformer.".length()), t);
            }
        });
        dev.plumbline.nn.HuggingFaceCheckpoint.saveSequenceScorer(dir, trunk, all.get("head.weight"), config, bpe, eosId);
    }

    /** Reads a one-label {@code GPT2ForSequenceClassification} folder (e.g. from {@link #saveHuggingFace}). */
    public static PreferenceModel loadHuggingFace(Path dir, Device device) throws IOException {
        dev.plumbline.nn.HuggingFaceCheckpoint.SequenceScorer s = dev.plumbline.nn.HuggingFaceCheckpoint.loadSequenceScorer(dir, device);
        GPT trunk = s.trunk().model();
        Generator gen = new Generator(0);
        ScalarHead head = ScalarHead.reward(trunk.config().dModel(), gen);
        head.weight().copyFrom(s.scoreWeight());
        ScalarModel m = new ScalarModel(trunk, head);
        m.to(device);
        return new PreferenceModel(trunk.config(), m, TextCodec.of(s.trunk().tokenizer()));
    }

    /** Reads a model written by {@link #save} onto the CPU. */
    public static PreferenceModel load(Path dir) throws IOException {
        return load(dir, Device.cpu());
    }

    /** Reads a model written by {@link #save} onto {@code device}; errors name the file and the problem. */
    public static PreferenceModel load(Path dir, Device device) throws IOException {
        Path cfgFile = dir.resolve(CONFIG_FILE);
        if (!Files.exists(cfgFile)) throw new NoSuchFileException(cfgFile.toString(), null, "preference model config missing");
        JsonNode c = JSON.readTree(cfgFile.toFile());
        if (!FORMAT.equals(c.path("format").asText())) {
            throw new IOException(cfgFile + ": not a preference model config (format \"" + c.path("format").asText() + "\")");
        }
        if (c.path("format_version").asInt() != FORMAT_VERSION) {
            throw new IOException(cfgFile + ": unsupported format_version " + c.path("format_version"));
        }
        TextCodec codec;
        if ("byte-level-bpe".equals(c.path("tokenizer").asText())) {
            codec = TextCodec.of(ByteLevelBpe.load(dir));
        } else {
            List<String> specials = new ArrayList<>();
            c.path("specials").forEach(n -> specials.add(n.asText()));
            if (!TaskSuite.ALPHABET.equals(c.path("alphabet").asText()) || !SPECIALS.equals(specials)) {
                throw new IOException(cfgFile + ": token format differs from this build's (alphabet/specials)");
            }
            codec = TextCodec.builtIn();
        }
        GPTConfig cfg;
        try {
            cfg = new GPTConfig(need(c, "vocab", cfgFile).asInt(), need(c, "context_length", cfgFile).asInt(),
                    need(c, "layers", cfgFile).asInt(), need(c, "heads", cfgFile).asInt(), need(c, "d_model", cfgFile).asInt(),
                    (float) need(c, "dropout", cfgFile).asDouble(), (float) need(c, "layer_norm_eps", cfgFile).asDouble(),
                    need(c, "bias", cfgFile).asBoolean());
        } catch (IllegalArgumentException e) {
            throw new IOException(cfgFile + ": " + e.getMessage(), e);
        }
        if (codec.vocabSize() > cfg.vocab() || (codec.isBuiltIn() && codec.vocabSize() != cfg.vocab())) {
            throw new IOException(cfgFile + ": vocab " + cfg.vocab() + " does not fit the " + codec.vocabSize()
                    + "-token tokenizer");
        }
        Generator gen = new Generator(0L);
        PreferenceModel pm = new PreferenceModel(cfg, new ScalarModel(new GPT(cfg, gen), ScalarHead.reward(cfg.dModel(), gen)),
                codec);
        Map<String, Tensor> state = Safetensors.load(dir.resolve(WEIGHTS_FILE));
        try {
            pm.model.loadStateDict(state);
        } catch (IllegalArgumentException e) {
            throw new IOException(dir.resolve(WEIGHTS_FILE) + ": " + e.getMessage(), e);
        }
        pm.model.to(device);
        return pm;
    }

    private static JsonNode need(JsonNode c, String field, Path file) throws IOException {
        JsonNode n = c.get(field);
        if (n == null || n.isNull()) throw new IOException(file + ": missing field \"" + field + "\"");
        return n;
    }
}
