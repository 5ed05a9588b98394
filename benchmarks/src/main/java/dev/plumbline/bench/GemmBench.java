package dev.plumbline.bench;

import dev.plumbline.tensor.backend.cpu.CpuGemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * F32 GEMM throughput of {@link CpuGemm}: C[m,n] = A[m,k] · B[k,n], row-major, all threads.
 *
 * <p>Shapes: 1024³ (the square reference point) and (4096×768)·(768×768) (a GPT-2-small
 * projection over 4096 tokens). Reported as calls per second plus the secondary metric
 * {@code gflop}, in ops/s = GFLOP/s (2·m·n·k per call). Compare with
 * {@code benchmarks/reference/torch_matmul.py} run in the same session.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -jar benchmarks/target/benchmarks.jar GemmBench
 * java -jar benchmarks/target/benchmarks.jar GemmBench.simd -p shape=1024x1024x1024
 * </pre>
 *
 * <p>{@code simd} runs whichever kernel CpuGemm picks (the Vector API one, since the fork gets
 * {@code --add-modules=jdk.incubator.vector}); {@code scalar} forces the plain-Java kernel with
 * {@code -Dplumbline.simd=false}. The kernel name is printed at set-up.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class GemmBench {
    /** m x n x k. */
    @Param({"1024x1024x1024", "4096x768x768"})
    public String shape;

    private int m, n, k;
    private float[] a, b, c;

    /** GFLOP done, reported per second by JMH: GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            gflop = 0;
        }
    }

    @Setup
    public void setup() {
        String[] dims = shape.split("x");
        m = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[1]);
        k = Integer.parseInt(dims[2]);
        SplittableRandom rnd = new SplittableRandom(42);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        System.out.println("# CpuGemm kernel: " + CpuGemm.kernelName() + ", shape " + shape);
    }

    private void run(Flops f) {
        CpuGemm.sgemm(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0, n, false);
        f.gflop += 2e-9 * m * n * k;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
    public float[] simd(Flops f) {
        run(f);
        return c;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Dplumbline.simd=false"})
    @Warmup(iterations = 3, time = 3)
    @Measurement(iterations = 3, time = 3)
    public float[] scalar(Flops f) {
        run(f);
        return c;
    }
}
