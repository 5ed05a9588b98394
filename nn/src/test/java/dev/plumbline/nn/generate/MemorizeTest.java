package dev.plumbline.nn.generate;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.GPTConfig;
import dev.plumbline.nn.Parameter;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.random.Generator;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * End to end: a tiny GPT learns one sentence by heart (next-token cross-entropy, a minimal Adam
 * written here — the real AdamW lives elsewhere) and then greedy generation recites it.
 */
class MemorizeTest {
    private static final String CORPUS = "plumbline: a tensor engine, made by hand.";

    @Test
    void tinyGptMemorisesAndRecitesACorpus() {
        String vocab = CORPUS.chars().distinct().sorted()
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        int[] ids = CORPUS.chars().map(vocab::indexOf).toArray();
        int t = ids.length - 1;
        GPTConfig cfg = new GPTConfig(vocab.length(), 48, 2, 2, 32, 0f, 1e-5f, true);
        GPT gpt = new GPT(cfg, new Generator(TestSeeds.seed("MemorizeTest.tinyGptMemorisesAndRecitesACorpus")));
        Tensor x = Tensor.fromArray(java.util.Arrays.copyOfRange(ids, 0, t), 1, t);   // (1, T) inputs
        Tensor y = Tensor.fromArray(java.util.Arrays.copyOfRange(ids, 1, t + 1), 1, t); // (1, T) targets

        MiniAdam adam = new MiniAdam(gpt.parameters(), 1e-2f);
        float loss = Float.NaN;
        int step = 0;
        for (; step < 400 && !(loss < 0.02f); step++) {
            try (Scope s = Scope.open()) {
                gpt.zeroGrad();
                Tensor l = gpt.logits(x).crossEntropy(y);
                l.backward();
                adam.step();
                loss = l.item();
            }
        }
        assertTrue(loss < 0.05f, "loss after " + step + " steps: " + loss);

        List<int[]> prompt = new ArrayList<>();
        prompt.add(new int[] {ids[0], ids[1]});
        GenerationResult out = Sampler.generate(gpt, prompt, SamplingConfig.greedy(ids.length - 2, -1, 0), null);
        StringBuilder text = new StringBuilder(CORPUS.substring(0, 2));
        for (int id : out.response(0)) {
            text.append(vocab.charAt(id));
        }
        assertEquals(CORPUS, text.toString());
        System.out.println("memorised in " + step + " steps, final loss " + loss);
    }

    /** Adam (Kingma & Ba) without weight decay, just enough for this test. */
    private static final class MiniAdam {
        private final List<Parameter> params;
        private final List<Tensor> m = new ArrayList<>(), v = new ArrayList<>();
        private final float lr, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
        private int t;

        MiniAdam(List<Parameter> params, float lr) {
            this.params = params;
            this.lr = lr;
            try (Scope s = Scope.detached()) {
                for (Parameter p : params) {
                    m.add(Tensor.zeros(p.shape()));
                    v.add(Tensor.zeros(p.shape()));
                }
            }
        }

        void step() {
            t++;
            float bc1 = 1 - (float) Math.pow(b1, t), bc2 = 1 - (float) Math.pow(b2, t);
            try (NoGrad ng = NoGrad.enter()) {
                for (int i = 0; i < params.size(); i++) {
                    Tensor g = params.get(i).grad();
                    if (g == null) {
                        continue;
                    }
                    m.get(i).mul_(b1).add_(g, 1 - b1);
                    v.get(i).mul_(b2).add_(g.square(), 1 - b2);
                    Tensor update = m.get(i).div(bc1).div(v.get(i).div(bc2).sqrt().add(eps));
                    params.get(i).data().add_(update, -lr);
                }
            }
        }
    }
}
