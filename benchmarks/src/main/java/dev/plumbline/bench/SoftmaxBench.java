// JMH: the fused row softmax (Fused.softmax over the last dim), forward, on attention-score-sized
// rows. Memory-bound: one read and one write of the (R, V) matrix.
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
 * Softmax over the last dim of an (R, V) F32 matrix, forward only, output freshly allocated.
 *
 * <p>{@code forwardInto} runs the backend kernel into a preallocated output, which separates
 * the kernel from allocation (a fresh 16 MB array is zeroed by the JVM on every {@code forward}).
 *
 * <p>Default shape 4096x1024: R = 4096 rows of V = 1024 (softmax rows of attention scores, or a
 * small vocabulary). Natural unit: GB/s = 8·R·V bytes (read x, write y) · ops/s.
 *
 * <pre>
 * benchmarks/run.sh SoftmaxBench
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class SoftmaxBench {
    /** Backend: "cpu", "opencl:0", "cuda:0". */
    @Param({"cpu"})
    public String device;

    /** RxV. */
    @Param({"4096x1024"})
    public String shape;

    private Tensor x, out;

    /** Draws x on the device. */
    @Setup
    public void setup() {
        Device d = BenchParams.device(device);
        int[] s = BenchParams.dims(shape);
        x = BenchParams.randn(d, 1, s[0], s[1]);
        out = Tensor.zeros(d, dev.plumbline.tensor.DType.F32, s[0], s[1]);
    }

    /** One forward softmax. */
    @Benchmark
    public Tensor forward() {
        try (NoGrad ng = NoGrad.enter(); dev.plumbline.tensor.Scope s = dev.plumbline.tensor.Scope.open()) {
            Tensor y = x.softmax(-1);
            y.backend().synchronize();
            return null;
        }
    }

    /** The backend kernel alone into a preallocated output: no allocation, no autograd bookkeeping. */
    @Benchmark
    public Tensor forwardInto() {
        x.backend().softmax(x, false, out);
        out.backend().synchronize();
        return out;
    }
}
