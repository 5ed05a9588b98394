package dev.plumbline.nn.readme;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.GPTConfig;
import dev.plumbline.nn.generate.GenerationResult;
import dev.plumbline.nn.generate.Sampler;
import dev.plumbline.nn.generate.SamplingConfig;
import dev.plumbline.nn.tokenizer.CharTokenizer;
import dev.plumbline.nn.train.Corpus;
import dev.plumbline.nn.train.TrainResult;
import dev.plumbline.nn.train.Trainer;
import dev.plumbline.nn.train.TrainerConfig;
import dev.plumbline.tensor.random.Generator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The README's "train a tiny GPT and sample from it" snippet, kept compiling and working. */
class ReadmeExampleTest {
    @Test
    void trainTinyGptAndSampleFromIt() {
        // --- README snippet start
        String text = "the quick brown fox jumps over the lazy dog. ".repeat(50);
        CharTokenizer tok = CharTokenizer.fromCorpus(List.of(text), List.of("<eos>"));
        GPT gpt = new GPT(GPTConfig.tiny().withVocab(tok.vocabSize()), new Generator(42));
        TrainerConfig cfg = new TrainerConfig().batchSize(16).seqLen(32).maxSteps(150).lr(3e-3).progress(false);
        TrainResult r = new Trainer(gpt, cfg, Corpus.fromText(text, tok::encode), null).fit();
        GenerationResult out = Sampler.generate(gpt, List.of(tok.encode("the quick ")),
                SamplingConfig.greedy(20, tok.tokenId("<eos>"), tok.tokenId("<eos>")), null);
        String continuation = tok.decode(out.response(0));
        // --- README snippet end
        assertTrue(r.losses()[r.losses().length - 1] < 0.5, "a 2-layer GPT memorises one sentence: loss "
                + r.losses()[r.losses().length - 1]);
        assertTrue(continuation.startsWith("brown fox"), continuation);
    }
}
