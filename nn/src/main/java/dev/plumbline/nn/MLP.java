package dev.plumbline.nn;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;

/**
 * GPT-2's feed-forward block: c_fc (C → 4C) → GELU (tanh form) → c_proj (4C → C) → dropout.
 *
 * <pre>{@code
 * MLP mlp = new MLP(GPTConfig.tiny(), gen);
 * Tensor y = mlp.forward(x);   // x: (B, T, C) → (B, T, C)
 * }</pre>
 */
public final class MLP extends Module {
    private final Linear cFc, cProj;
    private final Dropout dropout;

    /** GPT-2 init: c_fc N(0, 0.02), c_proj (a residual projection) N(0, 0.02/√(2·layers)). */
    public MLP(GPTConfig config, Generator gen) {
        int c = config.dModel();
        cFc = module("c_fc", Linear.normal(c, 4 * c, config.bias(), GPTConfig.INIT_STD, gen));
        cProj = module("c_proj", Linear.normal(4 * c, c, config.bias(), config.residualInitStd(), gen));
        dropout = module("dropout", new Dropout(config.dropout(), gen));
    }

    /** x: (B, T, C) → (B, T, C). */
    public Tensor forward(Tensor x) {
        Tensor hidden = cFc.forward(x).gelu(); // (B, T, 4C)
        return dropout.forward(cProj.forward(hidden));
    }
}
