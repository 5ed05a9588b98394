package dev.plumbline.nn;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.random.Generator;

/**
 * GPT-2 with Hugging Face's parameter layout and names: {@code wte}, {@code wpe},
 * {@code h.N.{ln_1, attn.c_attn, attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj}}, {@code ln_f}; the
 * output projection lm_head is tied to wte (logits = h·wteᵀ), so it is no separate parameter.
 *
 * <pre>
 * ids (B,T) ─ wte ─┐
 * pos (B,T) ─ wpe ─┴+─ dropout ─ h.0 … h.{L−1} ─ ln_f ─ (B,T,C) hidden ─ ·wteᵀ ─ (B,T,V) logits
 * </pre>
 *
 * <p>Padding: pass {@code attentionMask} (B, T) with 1 for real tokens and 0 for pads; masked keys
 * are never attended to, and default position ids count only real tokens (position = number of
 * real tokens so far − 1), so a left-padded prompt gives the same logits as the unpadded one.
 *
 * <pre>{@code
 * GPT gpt = new GPT(GPTConfig.tiny(), new Generator(42));
 * Tensor logits = gpt.logits(ids);                          // ids: (B, T) I32 → (B, T, V)
 * Tensor h = gpt.hidden(ids, null, mask, null);             // (B, T, C) for a scalar head
 * try (GPTCache cache = GPTCache.create(gpt, B)) {          // incremental decoding
 *     gpt.forward(prompt, null, promptMask, cache);
 *     gpt.forward(next, null, null, cache);
 * }
 * }</pre>
 */
public final class GPT extends Module implements LanguageModel {
    private final GPTConfig config;
    private final Embedding wte, wpe;
    private final Dropout drop;
    private final ModuleList<Block> h;
    private final LayerNorm lnF;

    /** A GPT with GPT-2's init (N(0, 0.02); residual projections N(0, 0.02/√(2·layers)); biases 0; LN weight 1). */
    public GPT(GPTConfig config, Generator gen) {
        this.config = config;
        wte = module("wte", new Embedding(config.vocab(), config.dModel(), GPTConfig.INIT_STD, gen));
        wpe = module("wpe", new Embedding(config.contextLength(), config.dModel(), GPTConfig.INIT_STD, gen));
        drop = module("drop", new Dropout(config.dropout(), gen));
        h = module("h", new ModuleList<>());
        for (int i = 0; i < config.layers(); i++) {
            h.add(new Block(config, gen));
        }
        lnF = module("ln_f", new LayerNorm(config.dModel(), config.layerNormEps(), config.bias()));
    }

    /** The configuration. */
    public GPTConfig config() {
        return config;
    }

    @Override
    public int vocabSize() {
        return config.vocab();
    }

    @Override
    public int contextLength() {
        return config.contextLength();
    }

    /** Token embedding table (V, C), also the tied output projection. */
    public Parameter tokenEmbedding() {
        return wte.weight();
    }

    /** ids: (B, T) I32 → logits (B, T, V), no padding, no cache. */
    @Override
    public Tensor logits(Tensor ids) {
        return forward(ids, null, null, null);
    }

    /**
     * Next-token logits.
     *
     * @param ids           (B, T) I32 token ids (pads may hold any valid id)
     * @param positionIds   (B, T) I32 positions, or null for "real tokens so far − 1" (see class doc)
     * @param attentionMask (B, T) F32 1 = real token, 0 = padding, or null for all real
     * @param cache         decoding state, or null; with a cache the call is inference-only (no graph)
     * @return (B, T, V) logits
     */
    public Tensor forward(Tensor ids, Tensor positionIds, Tensor attentionMask, GPTCache cache) {
        Tensor x = hidden(ids, positionIds, attentionMask, cache); // (B, T, C)
        if (cache != null) {
            try (NoGrad ng = NoGrad.enter()) {
                return x.linear(wte.weight().data(), null);
            }
        }
        return x.linear(wte.weight().data(), null);             // tied lm_head: (B, T, V)
    }

    /** Same inputs as {@link #forward}; returns the final hidden states after ln_f, (B, T, C). */
    public Tensor hidden(Tensor ids, Tensor positionIds, Tensor attentionMask, GPTCache cache) {
        int[] bt = checkInputs(ids, positionIds, attentionMask, cache);
        if (cache != null) {
            try (NoGrad ng = NoGrad.enter()) {
                return hiddenImpl(ids, positionIds, attentionMask, cache, bt[0], bt[1]);
            }
        }
        return hiddenImpl(ids, positionIds, attentionMask, null, bt[0], bt[1]);
    }

    private Tensor hiddenImpl(Tensor ids, Tensor positionIds, Tensor attentionMask, GPTCache cache, int b, int t) {
        Device dev = ids.device();
        // the mask is read on the host only when positions must be derived from it or the cache records it
        boolean needHostMask = attentionMask != null && (positionIds == null || cache != null);
        float[] maskHost = needHostMask ? attentionMask.toFloatArray() : null;
        Tensor pos = positionIds;
        if (pos == null && (maskHost != null || (cache != null && cache.length() > 0))) {
            pos = Tensor.fromArray(dev, defaultPositions(maskHost, cache == null ? new int[b] : cache.realCounts(), b, t), b, t);
        }
        Tensor keyMask = attentionMask;
        if (cache != null) {
            keyMask = cache.pushMask(maskHost, t);     // (B, cached + T) or null
        }
        Tensor tok = wte.forward(ids);                 // (B, T, C)
        Tensor posEmb = pos == null
                ? wpe.weight().data().narrow(0, 0, t)  // (T, C), broadcast over B
                : wpe.forward(pos);                    // (B, T, C)
        Tensor x = drop.forward(tok.add(posEmb));
        for (int i = 0; i < h.size(); i++) {
            x = h.get(i).forward(x, keyMask, cache == null ? null : cache.layer(i));
        }
        if (cache != null) {
            cache.advance(t);
        }
        return lnF.forward(x);
    }

    /** position[b, j] = (real tokens before this call) + (real tokens in row b up to j) − 1, at least 0. */
    static int[] defaultPositions(float[] mask, int[] realBefore, int b, int t) {
        int[] pos = new int[b * t];
        for (int r = 0; r < b; r++) {
            int count = realBefore[r];
            for (int j = 0; j < t; j++) {
                if (mask == null || mask[r * t + j] != 0f) {
                    count++;
                }
                pos[r * t + j] = Math.max(count - 1, 0);
            }
        }
        return pos;
    }

    private int[] checkInputs(Tensor ids, Tensor positionIds, Tensor attentionMask, GPTCache cache) {
        if (ids.dim() != 2 || ids.dtype() != DType.I32) {
            throw new IllegalArgumentException("GPT: ids must be (B, T) I32, got " + Shape.str(ids.shape()) + " "
                    + ids.dtype());
        }
        int b = ids.size(0), t = ids.size(1);
        if (t == 0) {
            throw new IllegalArgumentException("GPT: ids " + Shape.str(ids.shape()) + " hold no tokens");
        }
        int cached = cache == null ? 0 : cache.length();
        if (cached + t > config.contextLength()) {
            throw new IllegalArgumentException("GPT: sequence length " + (cached + t)
                    + (cached > 0 ? " (" + cached + " cached + " + t + " new)" : "") + " exceeds contextLength "
                    + config.contextLength());
        }
        if (positionIds != null && (positionIds.dtype() != DType.I32 || !java.util.Arrays.equals(positionIds.shape(), ids.shape()))) {
            throw new IllegalArgumentException("GPT: positionIds must be I32 with the shape of ids " + Shape.str(ids.shape())
                    + ", got " + Shape.str(positionIds.shape()) + " " + positionIds.dtype());
        }
        if (attentionMask != null && (attentionMask.dtype() != DType.F32 || !java.util.Arrays.equals(attentionMask.shape(), ids.shape()))) {
            throw new IllegalArgumentException("GPT: attentionMask must be F32 1/0 with the shape of ids " + Shape.str(ids.shape())
                    + ", got " + Shape.str(attentionMask.shape()) + " " + attentionMask.dtype());
        }
        if (cache != null && cache.batch() != b) {
            throw new IllegalArgumentException("GPT: cache holds " + cache.batch() + " rows but ids have " + b);
        }
        return new int[] {b, t};
    }
}
