// TinyLm: a bigram language model (embedding + linear head) standing in for GPT in trainer tests.
package dev.plumbline.nn.train;

import dev.plumbline.nn.LanguageModel;
import dev.plumbline.nn.Module;
import dev.plumbline.nn.Parameter;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;

/** logits = embed(ids) · Wᵀ + b: ids (B, T) → (B, T, V). */
final class TinyLm extends Module implements LanguageModel {
    final Parameter embed;
    final Parameter head;
    final Parameter bias;
    private final int vocab;
    private final int context;
    /** When set, every {@link #logits} call keeps one 16-float tensor here: a leak for the leak check. */
    java.util.List<Tensor> leak;

    TinyLm(int vocab, int channels, int context, long seed) {
        Generator g = new Generator(seed);
        this.vocab = vocab;
        this.context = context;
        embed = param("wte", Tensor.randn(g, vocab, channels).mul(0.5f), true);
        head = param("head_weight", Tensor.randn(g, vocab, channels).mul(0.5f), true);
        bias = param("head_bias", Tensor.zeros(vocab), false);
    }

    @Override
    public Tensor logits(Tensor ids) {
        if (leak != null) {
            leak.add(dev.plumbline.tensor.Scope.escape(Tensor.zeros(16)));
        }
        return embed.data().embedding(ids).linear(head.data(), bias.data());
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public int contextLength() {
        return context;
    }
}
