package dev.plumbline.nn;

import dev.plumbline.tensor.Tensor;

/**
 * A GPT trunk with a {@link ScalarHead}: a reward model (score at the last real token) or a PPO
 * value model (a value per token). Parameters are {@code transformer.*} (the GPT's names) and
 * {@code head.weight}, {@code head.bias}.
 *
 * <pre>{@code
 * ScalarModel rm = new ScalarModel(new GPT(cfg, gen), ScalarHead.reward(cfg.dModel(), gen));
 * Tensor r = rm.scores(ids, mask);      // ids: (B, T) I32, mask: (B, T) F32 → (B)
 * ScalarModel vm = new ScalarModel(new GPT(cfg, gen), ScalarHead.value(cfg.dModel()));
 * Tensor v = vm.values(ids, mask);      // (B, T)
 * }</pre>
 */
public final class ScalarModel extends Module {
    private final GPT transformer;
    private final ScalarHead head;

    /** Combines a trunk and a head; their widths must agree. */
    public ScalarModel(GPT transformer, ScalarHead head) {
        if (head.weight().shape()[1] != transformer.config().dModel()) {
            throw new IllegalArgumentException("ScalarModel: head width " + head.weight().shape()[1]
                    + " does not match the trunk's dModel " + transformer.config().dModel());
        }
        this.transformer = module("transformer", transformer);
        this.head = module("head", head);
    }

    /** ids: (B, T) I32, mask: (B, T) F32 1/0 or null → (B) score at each row's last real token. */
    public Tensor scores(Tensor ids, Tensor mask) {
        return head.atLastToken(transformer.hidden(ids, null, mask, null), mask);
    }

    /** Same as {@link #scores}. */
    public Tensor forward(Tensor ids, Tensor mask) {
        return scores(ids, mask);
    }

    /** ids: (B, T) I32, mask: (B, T) F32 1/0 or null → (B, T) a scalar per token (values at pads are meaningless). */
    public Tensor values(Tensor ids, Tensor mask) {
        return head.perToken(transformer.hidden(ids, null, mask, null));
    }

    /** The GPT trunk. */
    public GPT transformer() {
        return transformer;
    }

    /** The head. */
    public ScalarHead head() {
        return head;
    }
}
