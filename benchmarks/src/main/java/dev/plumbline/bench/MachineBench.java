// JMH: the machine's own limits, which every other row is judged against — a STREAM-like copy and
// read over buffers 4x the L3 (DRAM bandwidth, not cache), and the peak FP32 FLOP/s from a
// register-only FMA loop at the widest SIMD width the JVM offers. Nothing here touches Plumbline.
package dev.plumbline.bench;

import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
 * The roofline of this machine, on all its cores ({@code threads}, default: every available one).
 *
 * <ul>
 *   <li>{@code streamCopy}: {@code a[i] = b[i]} over two buffers of {@code mb} MiB each; natural unit
 *       GB/s = 8 bytes per element (STREAM's count: one read, one write).</li>
 *   <li>{@code streamRead}: a vector sum over one buffer; 4 bytes per element.</li>
 *   <li>{@code fmaPeak}: {@code ACC} independent vector FMA chains per thread, all in registers;
 *       GFLOP/s = 2 · lanes · ACC · {@code FMA_STEPS} per thread per op.</li>
 * </ul>
 *
 * <p>The buffer default, 128 MiB, is 4x this machine's 32 MiB L3; {@code benchmarks/compare.sh}
 * passes 4x the L3 that {@code lscpu} reports.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
@State(Scope.Benchmark)
public class MachineBench {
    /** Independent accumulators per thread: enough to cover the FMA latency × throughput. */
    public static final int ACC = 12;
    /** FMA steps per accumulator per thread in one op. */
    public static final int FMA_STEPS = 1 << 20;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Size of each buffer in MiB. */
    @Param({"128"})
    public int mb;

    /** Threads (0: every available core). */
    @Param({"0"})
    public int threads;

    private float[] a, b;
    private int n, t;

    /** Allocates and touches the buffers. */
    @Setup
    public void setup() {
        n = mb * (1 << 20) / 4;
        t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        a = new float[n];
        b = new float[n];
        for (int i = 0; i < n; i++) {
            b[i] = i & 1023;
        }
    }

    /** Prints {@code lanes=L threads=T} (what the FLOP count of fmaPeak needs). */
    public static void main(String[] args) {
        System.out.println("lanes=" + lanes() + " threads=" + Runtime.getRuntime().availableProcessors());
    }

    /** Lanes of the widest float vector (for the FLOP count). */
    public static int lanes() {
        return S.length();
    }

    private void onEachChunk(java.util.function.IntConsumer body) {
        if (t == 1) {
            body.accept(0);
        } else {
            IntStream.range(0, t).parallel().forEach(body);
        }
    }

    /** One copy of b into a, split into one contiguous chunk per thread. */
    @Benchmark
    public float[] streamCopy() {
        int chunk = (n + t - 1) / t;
        onEachChunk(c -> {
            int from = c * chunk, len = Math.min(chunk, n - from);
            if (len > 0) {
                System.arraycopy(b, from, a, from, len);
            }
        });
        return a;
    }

    /** One vector sum over b. */
    @Benchmark
    public double streamRead() {
        int chunk = (n + t - 1) / t / S.length() * S.length();
        double[] part = new double[t];
        onEachChunk(c -> {
            int from = c * chunk, to = c == t - 1 ? n : Math.min(n, from + chunk);
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            int i = from, step = S.length();
            for (; i + 4 * step <= to; i += 4 * step) {
                s0 = s0.add(FloatVector.fromArray(S, b, i));
                s1 = s1.add(FloatVector.fromArray(S, b, i + step));
                s2 = s2.add(FloatVector.fromArray(S, b, i + 2 * step));
                s3 = s3.add(FloatVector.fromArray(S, b, i + 3 * step));
            }
            double s = s0.add(s1).add(s2).add(s3).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
            for (; i < to; i++) {
                s += b[i];
            }
            part[c] = s;
        });
        double s = 0;
        for (double p : part) {
            s += p;
        }
        return s;
    }

    /** FMA_STEPS × ACC vector FMAs per thread, operands in registers. */
    @Benchmark
    public float fmaPeak() {
        float[] out = new float[t];
        onEachChunk(c -> out[c] = fmaChains(1f + c * 1e-7f));
        return out[0];
    }

    // FMA_STEPS in calls of CHAIN_STEPS, so the loop is compiled as a normal method, not on-stack
    private static final int CHAIN_STEPS = 1 << 12;

    private static float fmaChains(float seed) {
        float s = 0;
        for (int r = 0; r < FMA_STEPS / CHAIN_STEPS; r++) {
            s += fmaChainsOnce(seed + s * 1e-30f);
        }
        return s;
    }

    private static float fmaChainsOnce(float seed) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f), k = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, seed), a1 = a0.add(1), a2 = a0.add(2), a3 = a0.add(3),
                a4 = a0.add(4), a5 = a0.add(5), a6 = a0.add(6), a7 = a0.add(7), a8 = a0.add(8), a9 = a0.add(9),
                a10 = a0.add(10), a11 = a0.add(11);
        for (int i = 0; i < CHAIN_STEPS; i++) {
            a0 = a0.fma(m, k); a1 = a1.fma(m, k); a2 = a2.fma(m, k); a3 = a3.fma(m, k);
            a4 = a4.fma(m, k); a5 = a5.fma(m, k); a6 = a6.fma(m, k); a7 = a7.fma(m, k);
            a8 = a8.fma(m, k); a9 = a9.fma(m, k); a10 = a10.fma(m, k); a11 = a11.fma(m, k);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
