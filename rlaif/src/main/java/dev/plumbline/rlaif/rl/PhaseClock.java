// Time and FLOPs of each phase of one optimisation step: generate, score, reference, judge, update.
package dev.plumbline.rlaif.rl;

import dev.plumbline.tensor.FlopCounter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Splits one optimisation step into phases by laps: each {@link #lap(String)} charges the wall time
 * and the {@link FlopCounter} FLOPs since the previous lap to a phase. {@link #put(Map)} writes
 * {@code time/PHASE_seconds} and {@code flops/PHASE} per phase, plus {@code time/step_seconds} and
 * {@code flops/step} for the whole step, so {@code experiment compute} can say where an
 * optimiser's update goes (OpenRLHF's observation: most of RLHF is generation).
 *
 * <pre>{@code
 * PhaseClock clock = PhaseClock.start();
 * ... sample ...  clock.lap("generate");
 * ... train ...   clock.lap("update");
 * clock.put(metrics);   // time/generate_seconds, flops/generate, ..., time/step_seconds, flops/step
 * }</pre>
 */
public final class PhaseClock {
    /** The phases every optimiser reports, in step order (a phase it does not have is absent). */
    public static final String GENERATE = "generate", SCORE = "score", REFERENCE = "reference", JUDGE = "judge",
            UPDATE = "update";

    private final long t0, f0;
    private long t, f;
    private final Map<String, long[]> phases = new LinkedHashMap<>();

    private PhaseClock() {
        t0 = t = System.nanoTime();
        f0 = f = FlopCounter.total();
    }

    /** Starts the step. */
    public static PhaseClock start() {
        return new PhaseClock();
    }

    /** Charges the time and FLOPs since the last lap (or the start) to {@code phase}. */
    public void lap(String phase) {
        long nt = System.nanoTime(), nf = FlopCounter.total();
        long[] acc = phases.computeIfAbsent(phase, k -> new long[2]);
        acc[0] += nt - t;
        acc[1] += nf - f;
        t = nt;
        f = nf;
    }

    /** Writes each phase's seconds and FLOPs, and the step's since {@link #start()}. */
    public void put(Map<String, Double> m) {
        for (Map.Entry<String, long[]> e : phases.entrySet()) {
            m.put("time/" + e.getKey() + "_seconds", e.getValue()[0] / 1e9);
            m.put("flops/" + e.getKey(), (double) e.getValue()[1]);
        }
        m.put("time/step_seconds", (System.nanoTime() - t0) / 1e9);
        m.put("flops/step", (double) (FlopCounter.total() - f0));
    }
}
