// JMH: GELU (tanh form, GPT-2's) forward and forward+backward over an (N, 4C) MLP activation — an
// elementwise, memory-bound op through the op layer (allocation, autograd) as a model calls it.
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
 * {@code x.gelu()} on an (R, C) F32 tensor.
 *
 * <p>Default shape 1024x3072 (GPT-2 small's MLP width for 1024 tokens, 12.6 MB). Natural unit GB/s:
 * forward moves 8·R·C bytes (read x, write y), forward+backward 20·R·C (forward, then read x and dy,
 * write dx; the backward also writes and reads its intermediate products). PyTorch twin:
 * {@code F.gelu(x, approximate="tanh")} and its backward.
 *
 * <pre>
 * benchmarks/compare.sh GeluBench
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class GeluBench {
    /** Backend: "cpu", "opencl:0", "cuda:0". */
    @Param({"cpu"})
    public String device;

    /** RxC. */
    @Param({"1024x3072"})
    public String shape;

    private Tensor x, dy;

    /** Draws x and dy. */
    @Setup
    public void setup() {
        Device d = BenchParams.device(device);
        int[] s = BenchParams.dims(shape);
        x = BenchParams.randn(d, 1, s).requiresGrad(true);
        dy = BenchParams.randn(d, 2, s);
    }

    /** Forward only, no graph. */
    @Benchmark
    public Tensor forward() {
        try (NoGrad ng = NoGrad.enter(); dev.plumbline.tensor.Scope s = dev.plumbline.tensor.Scope.open()) {
            x.gelu().backend().synchronize();
            return null;
        }
    }

    /** Forward with a graph, then backward of y against dy into x. */
    @Benchmark
    public Tensor forwardBackward() {
        try (dev.plumbline.tensor.Scope s = dev.plumbline.tensor.Scope.open()) {
            Tensor y = x.gelu();
            y.backward(dy);
            x.grad().backend().synchronize();
            x.grad().storage().free();
        }
        x.setGrad(null);
        return null;
    }
}
