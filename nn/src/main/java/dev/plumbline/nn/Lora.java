// Lora: low-rank adapters (Hu et al. 2021, "LoRA") on a model's Linear layers, as Hugging Face PEFT
// applies them: the base frozen, y = W x + b + (alpha / r) · B(A x), adapters switched off for π_ref,
// saved on their own in PEFT's adapter layout and merged into W for export.
package dev.plumbline.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.io.AtomicFiles;
import dev.plumbline.tensor.io.Safetensors;
import dev.plumbline.tensor.random.Generator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * LoRA adapters attached to a model. {@link #apply} freezes every base parameter and adds, to each
 * target {@link Linear} (matched by the last component of its path, like PEFT's
 * {@code target_modules}), a rank-r pair A (r, in) and B (out, r) with B = 0, so training starts
 * exactly at the base model. Only the adapters (and {@link Config#modulesToSave}, e.g. a reward
 * head) are trained: optimizers built with {@code new AdamW(model, ...)} see only trainable
 * parameters.
 *
 * <p>The reference policy of PPO is the same model with its adapters off ({@link #adaptersOff}),
 * as TRL does with PEFT: no second copy of the weights.
 *
 * <pre>{@code
 * GPT policy = HuggingFaceCheckpoint.load(dir, Device.cpu()).model();
 * Lora lora = Lora.apply(policy, Lora.Config.of(8, 16, "c_attn", "c_proj", "c_fc"), new Generator(1));
 * AdamW opt = new AdamW(policy, 1e-4, 0.0);            // adapters only
 * try (Lora.Off off = Lora.adaptersOff(policy)) {
 *     Tensor refLogits = policy.logits(ids);           // π_ref: the frozen base
 * }
 * lora.save(Path.of("out/adapter"));                   // adapter_config.json + adapter_model.safetensors
 * Map<String, Tensor> merged = lora.mergedStateDict(); // W + (alpha/r)·B·A, for HuggingFaceCheckpoint.save
 * }</pre>
 */
public final class Lora {
    static final String CONFIG_FILE = "adapter_config.json";
    static final String WEIGHTS_FILE = "adapter_model.safetensors";
    private static final String PEFT_PREFIX = "base_model.model.";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What to adapt.
     *
     * @param rank          r, the adapters' inner dimension (&gt; 0)
     * @param alpha         the scale numerator: Δ = (alpha / r)·B·A (&gt; 0; PEFT's lora_alpha)
     * @param targetModules names of the Linear layers to adapt (last path component: for GPT-2
     *                      {@code c_attn}, {@code c_proj} (attention and MLP), {@code c_fc})
     * @param modulesToSave modules trained in full next to the adapters (path or last component,
     *                      e.g. {@code head} of a reward model), saved with them
     */
    public record Config(int rank, double alpha, List<String> targetModules, List<String> modulesToSave) {
        /** Validates; lists are copied. */
        public Config {
            if (rank <= 0) {
                throw new IllegalArgumentException("Lora.Config: rank must be > 0, got " + rank);
            }
            if (!(alpha > 0) || !Double.isFinite(alpha)) {
                throw new IllegalArgumentException("Lora.Config: alpha must be a positive number, got " + alpha);
            }
            if (targetModules == null || targetModules.isEmpty()) {
                throw new IllegalArgumentException("Lora.Config: targetModules must name at least one Linear layer");
            }
            targetModules = List.copyOf(targetModules);
            modulesToSave = modulesToSave == null ? List.of() : List.copyOf(modulesToSave);
        }

        /** Rank, alpha and target layers; nothing else trained. */
        public static Config of(int rank, double alpha, String... targetModules) {
            return new Config(rank, alpha, List.of(targetModules), List.of());
        }

        /** GPT-2's attention and MLP projections: c_attn, c_proj, c_fc. */
        public static Config gpt2(int rank, double alpha) {
            return of(rank, alpha, "c_attn", "c_proj", "c_fc");
        }

        /** The same config, also training these modules in full. */
        public Config withModulesToSave(String... modules) {
            return new Config(rank, alpha, targetModules, List.of(modules));
        }
    }

    /** Restores adapters switched off by {@link #adaptersOff}; close it (try-with-resources). */
    public static final class Off implements AutoCloseable {
        private final List<Linear> layers;
        private final boolean[] was;

        private Off(List<Linear> layers) {
            this.layers = layers;
            this.was = new boolean[layers.size()];
            for (int i = 0; i < layers.size(); i++) {
                was[i] = layers.get(i).setLoraEnabled(false);
            }
        }

        @Override
        public void close() {
            for (int i = 0; i < layers.size(); i++) {
                layers.get(i).setLoraEnabled(was[i]);
            }
        }
    }

    private final Module model;
    private final Config config;
    private final Map<String, Linear> targets;          // path → adapted layer
    private final Map<String, Module> saved;            // path → module trained in full

    private Lora(Module model, Config config, Map<String, Linear> targets, Map<String, Module> saved) {
        this.model = model;
        this.config = config;
        this.targets = targets;
        this.saved = saved;
    }

    /**
     * Freezes {@code model}, adds adapters to the target layers and unfreezes modulesToSave.
     *
     * @throws IllegalArgumentException if a target or module-to-save matches nothing (the message
     *                                  lists the model's Linear layers), or the model already has adapters
     */
    public static Lora apply(Module model, Config config, Generator gen) {
        Map<String, Module> all = model.namedModules();
        Map<String, Linear> targets = new LinkedHashMap<>();
        TreeSet<String> linearNames = new TreeSet<>();
        for (Map.Entry<String, Module> e : all.entrySet()) {
            if (e.getValue() instanceof Linear l) {
                if (l.hasLora()) {
                    throw new IllegalArgumentException("Lora.apply: " + e.getKey() + " already has an adapter");
                }
                String last = lastComponent(e.getKey());
                linearNames.add(last);
                if (config.targetModules().contains(last)) {
                    targets.put(e.getKey(), l);
                }
            }
        }
        for (String t : config.targetModules()) {
            if (targets.keySet().stream().noneMatch(p -> lastComponent(p).equals(t))) {
                throw new IllegalArgumentException("Lora.apply: target module '" + t + "' matches no Linear layer; the "
                        + "model's Linear layers are named " + linearNames);
            }
        }
        Map<String, Module> saved = new LinkedHashMap<>();
        for (String m : config.modulesToSave()) {
            boolean found = false;
            for (Map.Entry<String, Module> e : all.entrySet()) {
                if (!e.getKey().isEmpty() && (e.getKey().equals(m) || lastComponent(e.getKey()).equals(m))) {
                    saved.put(e.getKey(), e.getValue());
                    found = true;
                }
            }
            if (!found) {
                throw new IllegalArgumentException("Lora.apply: module to save '" + m + "' is not in the model");
            }
        }
        for (Parameter p : model.parameters()) {
            p.setTrainable(false);
        }
        for (Linear l : targets.values()) {
            l.attachLora(config.rank(), config.alpha(), gen);
            l.namedParameters().forEach((k, p) -> p.setTrainable(k.startsWith("lora_")));
        }
        for (Module m : saved.values()) {
            for (Parameter p : m.parameters()) {
                p.setTrainable(true);
            }
        }
        return new Lora(model, config, Collections.unmodifiableMap(targets), Collections.unmodifiableMap(saved));
    }

    private static String lastComponent(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    /** Switches off every adapter in {@code model} until closed (a no-op for a model without any). */
    public static Off adaptersOff(Module model) {
        List<Linear> layers = new ArrayList<>();
        for (Module m : model.namedModules().values()) {
            if (m instanceof Linear l && l.hasLora()) {
                layers.add(l);
            }
        }
        return new Off(layers);
    }

    /** The config applied. */
    public Config config() {
        return config;
    }

    /** The adapted layers by path. */
    public Map<String, Linear> targets() {
        return targets;
    }

    /** Trained elements: adapters plus modules to save. */
    public long trainableParameterCount() {
        long n = 0;
        for (Parameter p : model.namedTrainableParameters().values()) {
            n += p.numel();
        }
        return n;
    }

    /** What {@link #save} writes: adapter weights and modules to save, by their paths in the model. */
    public Map<String, Tensor> adapterStateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        model.namedTrainableParameters().forEach((k, p) -> out.put(k, p.data()));
        return out;
    }

    /**
     * The model's state with every adapter folded into its layer's weight, W + (alpha/r)·B·A, and no
     * adapter keys: what {@link HuggingFaceCheckpoint#save(Path, Map, GPTConfig,
     * dev.plumbline.nn.tokenizer.ByteLevelBpe, int)} exports. The model is not changed.
     */
    public Map<String, Tensor> mergedStateDict() {
        return mergedStateDict(model);
    }

    /**
     * {@code model}'s state with every adapter it holds folded in (its own state when it has none):
     * what a saver writes for a model that may carry adapters.
     */
    public static Map<String, Tensor> mergedStateDict(Module model) {
        Map<String, Linear> adapted = new LinkedHashMap<>();
        model.namedModules().forEach((path, m) -> {
            if (m instanceof Linear l && l.hasLora()) {
                adapted.put(path, l);
            }
        });
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            String k = e.getKey();
            if (k.contains(".lora_A.") || k.contains(".lora_B.")) {
                continue;
            }
            Linear l = k.endsWith(".weight") ? adapted.get(k.substring(0, k.length() - ".weight".length())) : null;
            out.put(k, l == null ? e.getValue() : l.mergedWeight());
        }
        return out;
    }

    /**
     * Folds the adapters into the weights in place and removes them; every parameter is trainable
     * again (as after PEFT's {@code merge_and_unload()}). This handle is spent afterwards.
     */
    public void merge() {
        for (Linear l : targets.values()) {
            l.mergeLora();
        }
        for (Parameter p : model.parameters()) {
            p.setTrainable(true);
        }
    }

    /** Removes the adapters unmerged and unfreezes the model (the state before {@link #apply}). */
    public void remove() {
        for (Linear l : targets.values()) {
            if (l.hasLora()) {
                l.removeLora();
            }
        }
        for (Parameter p : model.parameters()) {
            p.setTrainable(true);
        }
    }

    /**
     * Writes PEFT's adapter layout: {@code adapter_config.json} (peft_type LORA, r, lora_alpha,
     * target_modules, fan_in_fan_out true for GPT-2's Conv1D) and {@code adapter_model.safetensors}
     * with names {@code base_model.model.<HF path>.lora_A.weight} (r, in) and {@code lora_B.weight}
     * (out, r); each file atomically, weights first.
     */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> named = new LinkedHashMap<>();
        adapterStateDict().forEach((k, t) -> named.put(peftPrefix() + k, t));
        Safetensors.save(dir.resolve(WEIGHTS_FILE), named, Map.of("format", "pt"));
        ObjectNode c = JSON.createObjectNode();
        c.put("peft_type", "LORA");
        c.put("task_type", model instanceof GPT ? "CAUSAL_LM" : "SEQ_CLS");
        c.put("r", config.rank());
        c.put("lora_alpha", config.alpha());
        c.put("lora_dropout", 0.0);
        c.put("bias", "none");
        c.put("fan_in_fan_out", true);
        c.put("inference_mode", true);
        config.targetModules().forEach(c.putArray("target_modules")::add);
        if (config.modulesToSave().isEmpty()) {
            c.putNull("modules_to_save");
        } else {
            config.modulesToSave().forEach(c.putArray("modules_to_save")::add);
        }
        AtomicFiles.write(dir.resolve(CONFIG_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(c));
    }

    /** GPT-2's HF path of our GPT's modules has a "transformer." that our GPT (the root) does not. */
    private String peftPrefix() {
        return model instanceof GPT ? PEFT_PREFIX + "transformer." : PEFT_PREFIX;
    }

    /**
     * Applies the adapters saved in {@code dir} (by {@link #save} or PEFT for the same base) to
     * {@code model} and loads their weights.
     *
     * @throws IOException              if a file is missing or malformed (named in the message)
     * @throws IllegalArgumentException if the adapters do not fit the model (names and shapes listed)
     */
    public static Lora load(Module model, Path dir) throws IOException {
        Path cfgFile = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(cfgFile)) {
            throw new IOException(cfgFile + ": missing (a LoRA adapter folder holds " + CONFIG_FILE + " and "
                    + WEIGHTS_FILE + ")");
        }
        JsonNode c = JSON.readTree(cfgFile.toFile());
        if (!"LORA".equals(c.path("peft_type").asText())) {
            throw new IOException(cfgFile + ": peft_type is '" + c.path("peft_type").asText() + "', only LORA is supported");
        }
        if (c.path("use_dora").asBoolean(false) || c.path("use_rslora").asBoolean(false)) {
            throw new IOException(cfgFile + ": use_dora / use_rslora are not supported");
        }
        List<String> targets = new ArrayList<>();
        c.path("target_modules").forEach(n -> targets.add(n.asText()));
        List<String> toSave = new ArrayList<>();
        c.path("modules_to_save").forEach(n -> toSave.add(n.asText()));
        Config config;
        try {
            config = new Config(c.path("r").asInt(0), c.path("lora_alpha").asDouble(0), targets, toSave);
        } catch (IllegalArgumentException e) {
            throw new IOException(cfgFile + ": " + e.getMessage());
        }
        Lora lora = apply(model, config, new Generator(0));
        Map<String, Tensor> file = Safetensors.load(dir.resolve(WEIGHTS_FILE));
        Map<String, Tensor> state = new LinkedHashMap<>();
        String prefix = lora.peftPrefix();
        for (Map.Entry<String, Tensor> e : file.entrySet()) {
            String k = e.getKey();
            k = k.startsWith(prefix) ? k.substring(prefix.length()) : k;
            state.put(k.replace(".default.", "."), e.getValue());   // PEFT in-memory names carry ".default."
        }
        Map<String, Parameter> mine = model.namedTrainableParameters();
        TreeSet<String> missing = new TreeSet<>(mine.keySet());
        missing.removeAll(state.keySet());
        TreeSet<String> extra = new TreeSet<>(state.keySet());
        extra.removeAll(mine.keySet());
        List<String> shapes = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Parameter p = mine.get(e.getKey());
            if (p != null && !java.util.Arrays.equals(p.shape(), e.getValue().shape())) {
                shapes.add(e.getKey() + " " + dev.plumbline.tensor.Shape.str(e.getValue().shape()) + " vs "
                        + dev.plumbline.tensor.Shape.str(p.shape()));
            }
        }
        if (!missing.isEmpty() || !extra.isEmpty() || !shapes.isEmpty()) {
            lora.remove();   // the model as it was
            throw new IllegalArgumentException(dir.resolve(WEIGHTS_FILE) + ": adapters do not fit the model"
                    + (missing.isEmpty() ? "" : "; missing " + missing) + (extra.isEmpty() ? "" : "; unexpected " + extra)
                    + (shapes.isEmpty() ? "" : "; shapes " + shapes));
        }
        state.forEach((k, t) -> mine.get(k).copyFrom(t));
        return lora;
    }
}
