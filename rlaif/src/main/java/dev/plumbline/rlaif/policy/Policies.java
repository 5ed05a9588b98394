// Creating, copying and sampling the GPT policies of the pipeline.
package dev.plumbline.rlaif.policy;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.GPTConfig;
import dev.plumbline.nn.generate.GenerationResult;
import dev.plumbline.nn.generate.Sampler;
import dev.plumbline.nn.generate.SamplingConfig;
import dev.plumbline.nn.generate.SamplingTransform;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.io.Safetensors;
import dev.plumbline.tensor.random.Generator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Helpers around the pipeline's GPT policies: an independent copy (π_ref, the critic's trunk),
 * batched sampling that returns decoded text, and checkpoint save/load.
 *
 * <pre>{@code
 * GPT ref = Policies.copyOf(policy);                  // frozen reference
 * Policies.Samples s = Policies.sample(policy, codec, prompts, 1.0, 14, gen);
 * }</pre>
 */
public final class Policies {
    private Policies() {}

    /** A GPT of the given size for the codec's vocabulary, initialised from {@code seed}. */
    public static GPT create(TextCodec codec, int layers, int heads, int dModel, int contextLength, long seed,
                             Device device) {
        GPTConfig cfg = GPTConfig.tiny().withVocab(codec.vocabSize()).withContextLength(contextLength)
                .withSize(layers, heads, dModel).withDropout(0f);
        GPT g = new GPT(cfg, new Generator(seed));
        g.to(device);
        return g;
    }

    /** An independent copy with the same config and weights. */
    public static GPT copyOf(GPT src) {
        GPT g = new GPT(src.config(), new Generator(0));
        g.to(src.device());
        g.loadStateDict(src.stateDict());
        return g;
    }

    /** Samples for a batch of prompts: decoded responses, EOS flags and the raw result. */
    public record Samples(List<String> prompts, List<String> responses, boolean[] endedWithEos, GenerationResult result) {}

    /**
     * Samples one response per prompt.
     *
     * @param temperature 0 for greedy decoding
     */
    public static Samples sample(GPT policy, TextCodec codec, List<String> prompts, double temperature, int maxNewTokens,
                                 Generator gen) {
        List<int[]> ids = new ArrayList<>(prompts.size());
        for (String p : prompts) {
            ids.add(codec.encode(p));
        }
        SamplingConfig cfg = temperature == 0
                ? SamplingConfig.greedy(maxNewTokens, codec.eosId(), codec.padId())
                : SamplingConfig.sample(new SamplingTransform((float) temperature, 0, 1f), maxNewTokens, codec.eosId(),
                        codec.padId());
        GenerationResult res = Sampler.generate(policy, ids, cfg, gen);
        List<String> texts = new ArrayList<>(prompts.size());
        boolean[] eos = new boolean[prompts.size()];
        int n = res.steps();
        int[] all = res.responses().toIntArray();
        for (int r = 0; r < prompts.size(); r++) {
            TextCodec.Decoded d = codec.decodeResponse(java.util.Arrays.copyOfRange(all, r * n, r * n + n));
            texts.add(d.text());
            eos[r] = d.endedWithEos();
        }
        return new Samples(prompts, texts, eos, res);
    }

    /** Samples in batches of {@code batchSize} (decoded text only). */
    public static Samples sampleAll(GPT policy, TextCodec codec, List<String> prompts, double temperature,
                                    int maxNewTokens, int batchSize, Generator gen) {
        List<String> texts = new ArrayList<>(prompts.size());
        boolean[] eos = new boolean[prompts.size()];
        for (int from = 0; from < prompts.size(); from += batchSize) {
            List<String> part = prompts.subList(from, Math.min(prompts.size(), from + batchSize));
            Samples s;
            try (dev.plumbline.tensor.Scope scope = dev.plumbline.tensor.Scope.open()) {
                s = sample(policy, codec, part, temperature, maxNewTokens, gen);
            }
            texts.addAll(s.responses());
            System.arraycopy(s.endedWithEos(), 0, eos, from, part.size());
        }
        return new Samples(prompts, texts, eos, null);
    }

    /** Writes the policy's weights and config to {@code dir/model.safetensors}. */
    public static void save(GPT policy, Path dir) throws IOException {
        Files.createDirectories(dir);
        GPTConfig c = policy.config();
        Safetensors.save(dir.resolve("model.safetensors"), policy.stateDict(), Map.of(
                "layers", Integer.toString(c.layers()), "heads", Integer.toString(c.heads()),
                "dModel", Integer.toString(c.dModel()), "contextLength", Integer.toString(c.contextLength()),
                "vocab", Integer.toString(c.vocab())));
    }

    /** Loads a policy saved by {@link #save}. */
    public static GPT load(Path dir, Device device) throws IOException {
        Path f = dir.resolve("model.safetensors");
        Map<String, String> m = Safetensors.metadata(f);
        GPTConfig cfg = GPTConfig.tiny().withVocab(Integer.parseInt(m.get("vocab")))
                .withContextLength(Integer.parseInt(m.get("contextLength")))
                .withSize(Integer.parseInt(m.get("layers")), Integer.parseInt(m.get("heads")), Integer.parseInt(m.get("dModel")))
                .withDropout(0f);
        GPT g = new GPT(cfg, new Generator(0));
        g.to(device);
        Map<String, Tensor> state = Safetensors.load(f);
        g.loadStateDict(state);
        return g;
    }
}
