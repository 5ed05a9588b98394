// JMH: a plain device copy of an F32 matrix into a preallocated one — the bandwidth roofline the
// memory-bound rows (softmax, layernorm, cross-entropy, AdamW) are judged against.
package dev.plumbline.bench;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;

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
 * {@code backend.copy(x, out)} for contiguous (R, C) F32 tensors, out allocated once.
 *
 * <p>Default shape 4096x1024 (16 MB each way, larger than the L3 share). Natural unit GB/s =
 * 8·R·C · ops/s (read + write). PyTorch twin: {@code out.copy_(x)}. {@code copyTransposed} copies
 * the transposed view (a strided read) the same way.
 *
 * <pre>
 * benchmarks/run.sh CopyBench
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class CopyBench {
    /** Backend: "cpu", "opencl:0", "cuda:0". */
    @Param({"cpu"})
    public String device;

    /** RxC. */
    @Param({"4096x1024"})
    public String shape;

    private Tensor x, out, outT;

    /** Draws x and allocates out. */
    @Setup
    public void setup() {
        Device d = BenchParams.device(device);
        int[] s = BenchParams.dims(shape);
        x = BenchParams.randn(d, 1, s);
        out = Tensor.zeros(d, DType.F32, s);
        outT = Tensor.zeros(d, DType.F32, s[1], s[0]);
    }

    /** A strided copy: x transposed into a contiguous (C, R) tensor (PyTorch: {@code outT.copy_(x.t())}). */
    @Benchmark
    public Tensor copyTransposed() {
        x.backend().copy(x.transpose(0, 1), outT);
        outT.backend().synchronize();
        return outT;
    }

    /** One copy. */
    @Benchmark
    public Tensor copy() {
        x.backend().copy(x, out);
        out.backend().synchronize();
        return out;
    }
}
