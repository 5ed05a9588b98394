// Measurement (not a test: its name keeps it out of the default suite): training tokens/s of a
// 4-layer, d = 128 GPT with nn.train.Trainer on this machine's CPU.
package dev.plumbline.nn.train;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.GPTConfig;
import dev.plumbline.tensor.random.Generator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Prints Trainer throughput for a GPT with 4 layers, 4 heads, d = 128, context 128, vocabulary 70,
 * batch 16 × 128 tokens: {@value #WARMUP} warm-up steps (JIT, allocator), then {@value #WINDOWS}
 * windows of {@value #STEPS} steps, each its own {@link Trainer#fit(long)} call so its
 * {@link TrainResult#tokensPerSec()} covers only that window. Asserts nothing; prints the load
 * averages and the share of the cores the process got, since the CPU may be shared.
 *
 * <pre>
 * mvn -B -q -o -pl nn -am test -Dtest=TrainerThroughputMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * (surefire's argLine adds --add-modules=jdk.incubator.vector)
 * </pre>
 */
class TrainerThroughputMeasurement {
    static final int WARMUP = 10;
    static final int STEPS = 60;
    static final int WINDOWS = 2;

    @Test
    void measure() {
        GPTConfig cfg = new GPTConfig(70, 128, 4, 4, 128, 0f, 1e-5f, true);
        GPT gpt = new GPT(cfg, new Generator(1));
        Random r = new Random(2);
        int[] stream = new int[400_000];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = r.nextInt(cfg.vocab());
        }
        Corpus corpus = Corpus.of(List.of(Corpus.textExample(stream, -1)), Corpus.Packing.PACKED, 0);
        long total = WARMUP + (long) WINDOWS * STEPS;
        TrainerConfig tc = new TrainerConfig().batchSize(16).seqLen(128).maxSteps(total).lr(3e-4).warmupSteps(5)
                .progress(false).seed(3);
        Trainer trainer = new Trainer(gpt, tc, corpus, null);
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        System.out.printf(Locale.ROOT, "model %s, %,d parameters; jdk.incubator.vector loaded: %s; %d CPUs; load %s%n",
                cfg, gpt.parameterCount(), vector, Runtime.getRuntime().availableProcessors(), load());
        TrainResult warm = trainer.fit(WARMUP);
        System.out.printf(Locale.ROOT, "warm-up %d steps: %.0f tokens/s%n", WARMUP, warm.tokensPerSec());
        for (int w = 0; w < WINDOWS; w++) {
            long cpu0 = processCpuNanos(), wall0 = System.nanoTime();
            TrainResult res = trainer.fit(WARMUP + (long) (w + 1) * STEPS);
            double cpuSec = (processCpuNanos() - cpu0) / 1e9, wallSec = (System.nanoTime() - wall0) / 1e9;
            long tokens = (long) STEPS * 16 * 128;
            System.out.printf(Locale.ROOT, "steps %d-%d: %.0f tokens/s (%.1f ms/step, loss %.3f -> %.3f); "
                            + "process used %.2f of %d cores -> %.0f tokens per CPU-second; load %s%n",
                    res.firstStep() + 1, res.lastStep(), res.tokensPerSec(), 16 * 128 / res.tokensPerSec() * 1e3,
                    res.losses()[0], res.losses()[res.losses().length - 1], cpuSec / wallSec,
                    Runtime.getRuntime().availableProcessors(), tokens / cpuSec, load());
        }
    }

    /** CPU time of the whole JVM (all threads, GC included). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** /proc/loadavg's first three fields, or the JVM's 1-minute average. */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
