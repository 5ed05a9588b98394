package dev.plumbline.nn;

import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.ops.Fused;
import dev.plumbline.tensor.random.Generator;

/**
 * GPT-2 multi-head causal self-attention: one fused projection c_attn (C → 3C) gives q, k, v;
 * heads are split, {@link Fused#attention} computes softmax(q·kᵀ/√D + mask)·v causally without a
 * T×T matrix, heads are merged and projected back by c_proj (C → C).
 *
 * <p>With a {@link KVCache}, the new keys/values are appended and the queries attend to every
 * cached position; {@code Fused.attention} aligns query i to position Tk − Tq + i, so the causal
 * mask stays right. (GPT-2's attention-probability dropout is not applied: the fused kernel has
 * no dropout; residual dropout is.)
 *
 * <pre>{@code
 * CausalSelfAttention attn = new CausalSelfAttention(cfg, gen);
 * Tensor y = attn.forward(x, keyMask, null);   // x: (B, T, C), keyMask: (B, T) or null → (B, T, C)
 * }</pre>
 */
public final class CausalSelfAttention extends Module {
    private final int dModel, heads, headDim;
    private final Linear cAttn, cProj;
    private final Dropout residDropout;

    /** GPT-2 init: c_attn N(0, 0.02), c_proj N(0, 0.02/√(2·layers)), biases 0. */
    public CausalSelfAttention(GPTConfig config, Generator gen) {
        dModel = config.dModel();
        heads = config.heads();
        headDim = config.headDim();
        cAttn = module("c_attn", Linear.normal(dModel, 3 * dModel, config.bias(), GPTConfig.INIT_STD, gen));
        cProj = module("c_proj", Linear.normal(dModel, dModel, config.bias(), config.residualInitStd(), gen));
        residDropout = module("resid_dropout", new Dropout(config.dropout(), gen));
    }

    /**
     * x: (B, T, C); keyMask: (B, Tk) F32 1 = attend / 0 = padding, or null, where Tk = T without a
     * cache and cached + T with one; cache: this layer's cache or null → (B, T, C).
     */
    public Tensor forward(Tensor x, Tensor keyMask, KVCache cache) {
        if (x.dim() != 3 || x.size(2) != dModel) {
            throw new IllegalArgumentException("CausalSelfAttention: input must be (B, T, " + dModel + "), got "
                    + Shape.str(x.shape()));
        }
        int b = x.size(0), t = x.size(1);
        Tensor qkv = cAttn.forward(x);                 // (B, T, 3C)
        java.util.List<Tensor> parts = qkv.split(dModel, 2);
        Tensor q = splitHeads(parts.get(0), b, t);     // (B, H, T, D)
        Tensor k = splitHeads(parts.get(1), b, t);
        Tensor v = splitHeads(parts.get(2), b, t);
        if (cache != null) {
            cache.append(k, v);
            k = cache.keys();                           // (B, H, Tk, D)
            v = cache.values();
        }
        Tensor y = Fused.attention(q, k, v, keyMask, true, (float) (1.0 / Math.sqrt(headDim))); // (B, H, T, D)
        y = y.transpose(1, 2).reshape(b, t, dModel);   // (B, T, C)
        return residDropout.forward(cProj.forward(y));
    }

    /** (B, T, C) → (B, H, T, D). */
    private Tensor splitHeads(Tensor x, int b, int t) {
        return x.reshape(b, t, heads, headDim).transpose(1, 2);
    }
}
