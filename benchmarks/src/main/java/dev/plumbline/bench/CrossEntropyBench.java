// JMH: fused cross-entropy (Fused.crossEntropy: log-softmax + NLL, probabilities never stored)
// forward, and forward+backward, on GPT-2's vocabulary. Memory-bound.
package dev.plumbline.bench;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;

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
 * Mean cross-entropy of logits (N, V) against I32 targets (N).
 *
 * <p>Default shape 512x50257 (512 tokens, GPT-2's vocabulary: a 103 MB logits matrix). Natural
 * unit GB/s: forward reads the logits once, 4·N·V bytes (the ideal single pass); forward+backward
 * 12·N·V (forward, then read logits and write dlogits).
 *
 * <pre>
 * benchmarks/run.sh CrossEntropyBench
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class CrossEntropyBench {
    /** Backend: "cpu", "opencl:0", "cuda:0". */
    @Param({"cpu"})
    public String device;

    /** NxV. */
    @Param({"512x50257"})
    public String shape;

    private Tensor logits, targets;

    /** Draws logits and targets on the device. */
    @Setup
    public void setup() {
        Device d = BenchParams.device(device);
        int[] s = BenchParams.dims(shape);
        logits = BenchParams.randn(d, 1, s[0], s[1]).requiresGrad(true);
        targets = BenchParams.randomIds(d, 2, s[1], s[0]);
    }

    /** Forward only, no graph. */
    @Benchmark
    public float forward() {
        try (NoGrad ng = NoGrad.enter(); dev.plumbline.tensor.Scope s = dev.plumbline.tensor.Scope.open()) {
            return logits.crossEntropy(targets).item();
        }
    }

    /** Forward with a graph, then backward into the logits. */
    @Benchmark
    public float forwardBackward() {
        float loss;
        try (dev.plumbline.tensor.Scope s = dev.plumbline.tensor.Scope.open()) {
            Tensor l = logits.crossEntropy(targets);
            l.backward();
            loss = l.item();
        }
        logits.setGrad(null);
        return loss;
    }
}
