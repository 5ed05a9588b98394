// JMH: one full GPT training step — zero grads, forward, cross-entropy, backward, AdamW — on the
// tiny preset and on GPT-2-small (124M) shapes with a small batch. Reported as tokens/s.
package dev.plumbline.bench;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.optim.AdamW;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;

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
 * A training step of {@link GPT} as {@code nn.train.Trainer} does it (without grad clipping):
 * {@code zeroGrad(); crossEntropy(logits(ids), targets).backward(); adamw.step()}; dropout 0.
 *
 * <p>{@code model}: "tiny:8x32" (V 64, 2 layers, C 32; B = 8, T = 32) and "gpt2:1x64" (124M
 * parameters; B = 1, T = 64: the largest that keeps a step near a second on 2 cores). Natural
 * unit: tokens/s = B·T · ops/s. The same random ids every step.
 *
 * <pre>
 * benchmarks/run.sh GptStepBench
 * java -jar benchmarks/target/benchmarks.jar GptStepBench -p model=tiny:8x32
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx8g"})
@State(Scope.Benchmark)
public class GptStepBench {
    /** Backend: "cpu", "opencl:0", "cuda:0". */
    @Param({"cpu"})
    public String device;

    /** preset:BxT, see {@link ModelSpec}. */
    @Param({"tiny:8x32", "gpt2:1x64"})
    public String model;

    private GPT gpt;
    private AdamW optimizer;
    private Tensor ids, targets;

    /** Builds the model on the device, the optimizer and one batch; runs one step. */
    @Setup
    public void setup() {
        Device d = BenchParams.device(device);
        ModelSpec spec = ModelSpec.parse(model);
        gpt = new GPT(spec.config(), new Generator(1));
        gpt.to(d);
        gpt.train();
        optimizer = new AdamW(gpt, 3e-4, 0.1);
        int v = spec.config().vocab();
        ids = BenchParams.randomIds(d, 2, v, spec.batch(), spec.length());
        targets = BenchParams.randomIds(d, 3, v, spec.batch(), spec.length());
        step();
    }

    /** One training step; returns the loss. */
    @Benchmark
    public float step() {
        optimizer.zeroGrad();
        float loss;
        try (dev.plumbline.tensor.Scope s = dev.plumbline.tensor.Scope.open()) {
            Tensor l = gpt.logits(ids).crossEntropy(targets);
            l.backward();
            loss = l.item();
        }
        optimizer.step();
        gpt.tokenEmbedding().data().backend().synchronize();
        return loss;
    }
}
