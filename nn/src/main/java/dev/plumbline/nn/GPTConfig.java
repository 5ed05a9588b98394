package dev.plumbline.nn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shape and regularisation of a {@link GPT}. Presets: {@link #tiny()} for tests and
 * {@link #gpt2()} (124M: 12 layers, 12 heads, d = 768, V = 50257, T = 1024).
 *
 * <pre>{@code
 * GPTConfig cfg = GPTConfig.tiny().withVocab(65).withDropout(0.1f);
 * long n = GPTConfig.gpt2().parameterCount();   // 124,439,808 without allocating a weight
 * }</pre>
 *
 * @param vocab         vocabulary size V
 * @param contextLength maximum sequence length (rows of wpe)
 * @param layers        number of transformer blocks
 * @param heads         attention heads (must divide dModel)
 * @param dModel        residual width C
 * @param dropout       dropout probability for embeddings, residual branches (0 disables)
 * @param layerNormEps  LayerNorm epsilon (GPT-2: 1e-5)
 * @param bias          whether Linear and LayerNorm layers have biases (GPT-2: true)
 */
public record GPTConfig(int vocab, int contextLength, int layers, int heads, int dModel, float dropout,
                        float layerNormEps, boolean bias) {

    /** GPT-2's weight init std. */
    public static final float INIT_STD = 0.02f;

    /** Validates every field; messages name the field and value. */
    public GPTConfig {
        if (vocab <= 0 || contextLength <= 0 || layers <= 0 || heads <= 0 || dModel <= 0) {
            throw new IllegalArgumentException("GPTConfig: vocab, contextLength, layers, heads, dModel must be positive, got "
                    + vocab + ", " + contextLength + ", " + layers + ", " + heads + ", " + dModel);
        }
        if (dModel % heads != 0) {
            throw new IllegalArgumentException("GPTConfig: dModel " + dModel + " is not divisible by heads " + heads);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("GPTConfig: dropout must be in [0, 1), got " + dropout);
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("GPTConfig: layerNormEps must be > 0, got " + layerNormEps);
        }
    }

    /** A small model for tests: V = 64, T = 32, 2 layers, 2 heads, C = 32, no dropout. */
    public static GPTConfig tiny() {
        return new GPTConfig(64, 32, 2, 2, 32, 0f, 1e-5f, true);
    }

    /** GPT-2 small (124M parameters), dropout 0 (set it with {@link #withDropout}). */
    public static GPTConfig gpt2() {
        return new GPTConfig(50257, 1024, 12, 12, 768, 0f, 1e-5f, true);
    }

    /** Same config with another vocabulary size. */
    public GPTConfig withVocab(int v) {
        return new GPTConfig(v, contextLength, layers, heads, dModel, dropout, layerNormEps, bias);
    }

    /** Same config with another context length. */
    public GPTConfig withContextLength(int t) {
        return new GPTConfig(vocab, t, layers, heads, dModel, dropout, layerNormEps, bias);
    }

    /** Same config with another dropout probability. */
    public GPTConfig withDropout(float p) {
        return new GPTConfig(vocab, contextLength, layers, heads, dModel, p, layerNormEps, bias);
    }

    /** Same config with another depth/width. */
    public GPTConfig withSize(int nLayers, int nHeads, int width) {
        return new GPTConfig(vocab, contextLength, nLayers, nHeads, width, dropout, layerNormEps, bias);
    }

    /** Per-head width D = C / H. */
    public int headDim() {
        return dModel / heads;
    }

    /** Init std of residual projections (c_proj): 0.02/√(2·layers), GPT-2's scaling. */
    public float residualInitStd() {
        return (float) (INIT_STD / Math.sqrt(2.0 * layers));
    }

    /**
     * Every parameter's name and shape, in {@link GPT}'s registration order, computed from the config
     * alone (no tensors): the GPT-2 layout with lm_head tied to wte.
     */
    public Map<String, int[]> parameterShapes() {
        int c = dModel;
        Map<String, int[]> s = new LinkedHashMap<>();
        s.put("wte.weight", new int[] {vocab, c});
        s.put("wpe.weight", new int[] {contextLength, c});
        for (int i = 0; i < layers; i++) {
            String p = "h." + i + ".";
            norm(s, p + "ln_1", c);
            linear(s, p + "attn.c_attn", c, 3 * c);
            linear(s, p + "attn.c_proj", c, c);
            norm(s, p + "ln_2", c);
            linear(s, p + "mlp.c_fc", c, 4 * c);
            linear(s, p + "mlp.c_proj", 4 * c, c);
        }
        norm(s, "ln_f", c);
        return s;
    }

    private void norm(Map<String, int[]> s, String name, int c) {
        s.put(name + ".weight", new int[] {c});
        if (bias) {
            s.put(name + ".bias", new int[] {c});
        }
    }

    private void linear(Map<String, int[]> s, String name, int in, int out) {
        s.put(name + ".weight", new int[] {out, in});
        if (bias) {
            s.put(name + ".bias", new int[] {out});
        }
    }

    /** Total parameters (lm_head tied, so not counted twice), from {@link #parameterShapes()}. */
    public long parameterCount() {
        long n = 0;
        for (int[] shape : parameterShapes().values()) {
            long k = 1;
            for (int d : shape) {
                k *= d;
            }
            n += k;
        }
        return n;
    }
}
