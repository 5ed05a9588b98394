// JMH: fused LayerNorm (Fused.layerNorm) forward, and forward+backward through autograd, on
// GPT-2-small activations. Memory-bound: bytes moved per op are documented below.
package dev.plumbline.bench;

import dev.plumbline.tensor.DType;
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
 * LayerNorm over the last dim of (N, C) with weight and bias (C).
 *
 * <p>Default shape 4096x768 (B·T = 4096 tokens of GPT-2 small). Natural unit GB/s: forward moves
 * 8·N·C bytes (read x, write y); forward+backward 20·N·C (forward, then read dy and x, write dx;
 * per-row mean/rstd and the (C) vectors are negligible).
 *
 * <p>{@code forwardInto} is the backend kernel alone (preallocated outputs, no graph).
 *
 * <pre>
 * benchmarks/run.sh LayerNormBench
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class LayerNormBench {
    /** Backend: "cpu", "opencl:0", "cuda:0". */
    @Param({"cpu"})
    public String device;

    /** NxC. */
    @Param({"4096x768"})
    public String shape;

    private Tensor x, weight, bias, dy, out, mean, rstd;

    /** Draws x, dy, and weight = 1 + noise, bias = noise. */
    @Setup
    public void setup() {
        Device d = BenchParams.device(device);
        int[] s = BenchParams.dims(shape);
        x = BenchParams.randn(d, 1, s[0], s[1]).requiresGrad(true);
        dy = BenchParams.randn(d, 2, s[0], s[1]);
        weight = BenchParams.randn(d, 3, s[1]).mul(0.1f).add(1f).requiresGrad(true);
        bias = BenchParams.randn(d, 4, s[1]).mul(0.1f).requiresGrad(true);
        out = Tensor.zeros(d, DType.F32, s[0], s[1]);
        mean = Tensor.zeros(d, DType.F32, s[0]);
        rstd = Tensor.zeros(d, DType.F32, s[0]);
    }

    /** The backend kernel alone into preallocated outputs: no allocation, no autograd bookkeeping. */
    @Benchmark
    public Tensor forwardInto() {
        x.backend().layerNorm(x, weight, bias, 1e-5f, out, mean, rstd);
        out.backend().synchronize();
        return out;
    }

    /** Forward only, no graph. */
    @Benchmark
    public Tensor forward() {
        try (NoGrad ng = NoGrad.enter(); dev.plumbline.tensor.Scope s = dev.plumbline.tensor.Scope.open()) {
            Tensor y = x.layerNorm(weight, bias, 1e-5f);
            y.backend().synchronize();
            return null;
        }
    }

    /** Forward with a graph, then backward of y against dy into x, weight and bias. */
    @Benchmark
    public Tensor forwardBackward() {
        try (dev.plumbline.tensor.Scope s = dev.plumbline.tensor.Scope.open()) {
            Tensor y = x.layerNorm(weight, bias, 1e-5f);
            y.backward(dy);
            x.grad().backend().synchronize();
        }
        for (Tensor p : new Tensor[] {x, weight, bias}) { // as Optimizer.zeroGrad: free, then forget
            p.grad().storage().free();
        }
        x.setGrad(null);
        weight.setGrad(null);
        bias.setGrad(null);
        return null;
    }
}
