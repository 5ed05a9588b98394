// JMH: greedy decoding with the KV cache (nn.generate.Sampler): prefill the prompts, then one
// token per step. Reported as generated tokens/s.
package dev.plumbline.bench;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.generate.GenerationResult;
import dev.plumbline.nn.generate.Sampler;
import dev.plumbline.nn.generate.SamplingConfig;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.random.Generator;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Sampler#generate} with {@code SamplingConfig.greedy(N, -1, 0)} (no EOS: every row makes
 * exactly N tokens) and the KV cache on.
 *
 * <p>{@code model}: "tiny:8x8+24" (B = 8 prompts of 8 tokens, 24 new each) and "gpt2:1x16+32"
 * (GPT-2 small, one prompt of 16, 32 new). Natural unit: generated tokens/s = B·N · ops/s (prefill
 * time included, as a user sees it).
 *
 * <pre>
 * benchmarks/run.sh GenerationBench
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx8g"})
@State(Scope.Benchmark)
public class GenerationBench {
    /** Backend: "cpu", "opencl:0", "cuda:0". */
    @Param({"cpu"})
    public String device;

    /** preset:BxP+N, see {@link ModelSpec}. */
    @Param({"tiny:8x8+24", "gpt2:1x16+32"})
    public String model;

    private GPT gpt;
    private List<int[]> prompts;
    private SamplingConfig config;

    /** Builds the model on the device and the prompts. */
    @Setup
    public void setup() {
        Device d = BenchParams.device(device);
        ModelSpec spec = ModelSpec.parse(model);
        gpt = new GPT(spec.config(), new Generator(1));
        gpt.to(d);
        SplittableRandom rnd = new SplittableRandom(2);
        prompts = new ArrayList<>();
        for (int r = 0; r < spec.batch(); r++) {
            prompts.add(rnd.ints(spec.length(), 0, spec.config().vocab()).toArray());
        }
        config = SamplingConfig.greedy(spec.newTokens(), -1, 0);
    }

    /** Decodes every prompt; returns the result (sequences, log-probs). */
    @Benchmark
    public GenerationResult generate() {
        return Sampler.generate(gpt, prompts, config, null);
    }
}
