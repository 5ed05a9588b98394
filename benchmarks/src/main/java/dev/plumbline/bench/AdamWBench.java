// JMH: one AdamW step (nn.optim.AdamW → the backend's fused adamw) over a set of parameter tensors
// with fixed gradients. Memory-bound: every step streams p, g, m, v and writes p, m, v.
package dev.plumbline.bench;

import dev.plumbline.nn.Module;
import dev.plumbline.nn.optim.AdamW;
import dev.plumbline.tensor.Device;

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
 * AdamW step (lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01) over P tensors of E
 * elements each; gradients are set once and kept.
 *
 * <p>Default shape 16x262144: 16 tensors, 4.2M parameters. Natural unit GB/s = 28·P·E bytes
 * (read p, g, m, v; write p, m, v; F32) · ops/s.
 *
 * <pre>
 * benchmarks/run.sh AdamWBench
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class AdamWBench {
    /** Backend: "cpu", "opencl:0", "cuda:0". */
    @Param({"cpu"})
    public String device;

    /** PxE: P parameter tensors of E elements. */
    @Param({"16x262144"})
    public String shape;

    private AdamW optimizer;

    /** P flat parameters, all with weight decay: the unit the optimizer is measured on. */
    static final class FlatParameters extends Module {
        FlatParameters(Device device, int tensors, int elements) {
            for (int i = 0; i < tensors; i++) {
                param("p" + i, BenchParams.randn(device, i, elements), true);
            }
        }
    }

    /** Builds the parameters, their gradients and the optimizer (state is created on step 1). */
    @Setup
    public void setup() {
        Device d = BenchParams.device(device);
        int[] s = BenchParams.dims(shape);
        FlatParameters model = new FlatParameters(d, s[0], s[1]);
        int i = 100;
        for (var p : model.parameters()) {
            p.data().setGrad(BenchParams.randn(d, i++, s[1]).mul(0.01f));
        }
        optimizer = new AdamW(model, 1e-3, 0.9, 0.999, 1e-8, 0.01);
        optimizer.step();
    }

    /** One optimizer step. */
    @Benchmark
    public long step() {
        optimizer.step();
        optimizer.groups().get(0).namedParams().values().iterator().next().data().backend().synchronize();
        return optimizer.stepCount();
    }
}
