package dev.plumbline.nn;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;

/**
 * A pre-LN transformer block (GPT-2): x + attn(ln_1(x)), then x + mlp(ln_2(x)).
 *
 * <pre>{@code
 * Block block = new Block(cfg, gen);
 * Tensor y = block.forward(x, keyMask, null);   // x: (B, T, C) → (B, T, C)
 * }</pre>
 */
public final class Block extends Module {
    private final LayerNorm ln1, ln2;
    private final CausalSelfAttention attn;
    private final MLP mlp;

    /** A block with GPT-2's init. */
    public Block(GPTConfig config, Generator gen) {
        ln1 = module("ln_1", new LayerNorm(config.dModel(), config.layerNormEps(), config.bias()));
        attn = module("attn", new CausalSelfAttention(config, gen));
        ln2 = module("ln_2", new LayerNorm(config.dModel(), config.layerNormEps(), config.bias()));
        mlp = module("mlp", new MLP(config, gen));
    }

    /** x: (B, T, C), keyMask: (B, Tk) or null, cache: this block's KVCache or null → (B, T, C). */
    public Tensor forward(Tensor x, Tensor keyMask, KVCache cache) {
        x = x.add(attn.forward(ln1.forward(x), keyMask, cache));
        return x.add(mlp.forward(ln2.forward(x)));
    }
}
