// JMH: fused causal attention (Fused.attention: no T×T matrix in memory) forward, and
// forward+backward through autograd, on GPT-2-small head shapes.
package dev.plumbline.bench;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.ops.Fused;

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
 * Causal scaled dot-product attention of q, k, v (B, H, T, D), scale 1/√D, no padding mask.
 *
 * <p>Default shape 4x12x256x64 (B = 4, GPT-2 small's H = 12, D = 64, T = 256). Natural unit
 * GFLOP/s, counted as FlashAttention does: forward 4·B·H·T²·D / 2 (two matmuls, causal half),
 * forward+backward 3.5× that (backward = 2.5× forward).
 *
 * <pre>
 * benchmarks/run.sh AttentionBench
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class AttentionBench {
    /** Backend: "cpu", "opencl:0", "cuda:0". */
    @Param({"cpu"})
    public String device;

    /** BxHxTxD. */
    @Param({"4x12x256x64"})
    public String shape;

    private Tensor q, k, v, dout;
    private float scale;

    /** Draws q, k, v, dout on the device. */
    @Setup
    public void setup() {
        Device d = BenchParams.device(device);
        int[] s = BenchParams.dims(shape);
        q = BenchParams.randn(d, 1, s).requiresGrad(true);
        k = BenchParams.randn(d, 2, s).requiresGrad(true);
        v = BenchParams.randn(d, 3, s).requiresGrad(true);
        dout = BenchParams.randn(d, 4, s);
        scale = (float) (1 / Math.sqrt(s[3]));
    }

    /** Forward only, no graph. */
    @Benchmark
    public Tensor forward() {
        try (NoGrad ng = NoGrad.enter(); dev.plumbline.tensor.Scope s = dev.plumbline.tensor.Scope.open()) {
            Tensor y = Fused.attention(q, k, v, null, true, scale);
            y.backend().synchronize();
            return null;
        }
    }

    /** Forward with a graph, then backward of out against dout into q, k, v. */
    @Benchmark
    public Tensor forwardBackward() {
        try (dev.plumbline.tensor.Scope s = dev.plumbline.tensor.Scope.open()) {
            Tensor y = Fused.attention(q, k, v, null, true, scale);
            y.backward(dout);
            q.grad().backend().synchronize();
        }
        q.setGrad(null);
        k.setGrad(null);
        v.setGrad(null);
        return null;
    }
}
