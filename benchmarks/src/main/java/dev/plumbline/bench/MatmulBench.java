// JMH: Tensor.matmul through the backend SPI (not the raw kernel: see GemmBench) on the square
// reference shape, GPT-2-small's QKV and MLP projections, and batched attention score matmuls.
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
 * F32 matmul C = A·B, one call per op, output freshly allocated as in eager use.
 *
 * <p>{@code shape} is {@code MxKxN} — (M×K)·(K×N) — or {@code BxMxKxN} for a batch of B
 * products. Defaults: 1024³; (B·T × C)·(C × 3C) and (B·T × C)·(C × 4C) with C = 768, B·T = 4096
 * (GPT-2-small's c_attn and c_fc); (B·H, T, D)·(B·H, D, T) = (48, 256, 64)·(48, 64, 256) (q·kᵀ for
 * B = 4, H = 12, T = 256). Natural unit: GFLOP/s = 2·B·M·K·N · ops/s, computed by
 * {@code benchmarks/reference/results_table.py}.
 *
 * <pre>
 * benchmarks/run.sh 'MatmulBench'
 * java -jar benchmarks/target/benchmarks.jar MatmulBench -p shape=1024x1024x1024 -p device=cpu
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class MatmulBench {
    /** Backend: "cpu", "opencl:0", "cuda:0". */
    @Param({"cpu"})
    public String device;

    /** MxKxN or BxMxKxN. */
    @Param({"1024x1024x1024", "4096x768x2304", "4096x768x3072", "48x256x64x256"})
    public String shape;

    private Tensor a, b;

    /** Draws A and B on the device. */
    @Setup
    public void setup() {
        Device d = BenchParams.device(device);
        int[] s = BenchParams.dims(shape);
        int batch = s.length == 4 ? s[0] : 1;
        int m = s[s.length - 3], k = s[s.length - 2], n = s[s.length - 1];
        a = s.length == 4 ? BenchParams.randn(d, 1, batch, m, k) : BenchParams.randn(d, 1, m, k);
        b = s.length == 4 ? BenchParams.randn(d, 2, batch, k, n) : BenchParams.randn(d, 2, k, n);
    }

    /** One product; the result is freed when the next GC (CPU) or scope (GPU) reclaims it. */
    @Benchmark
    public Tensor matmul() {
        try (NoGrad ng = NoGrad.enter(); dev.plumbline.tensor.Scope s = dev.plumbline.tensor.Scope.open()) {
            Tensor c = a.matmul(b);
            c.backend().synchronize();
            return null;
        }
    }
}
