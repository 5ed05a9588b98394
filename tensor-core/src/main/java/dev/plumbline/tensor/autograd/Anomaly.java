package dev.plumbline.tensor.autograd;

/**
 * Anomaly mode: after every op (forward and backward) the output is checked for NaN and ±Inf, and
 * the first op that produced one is named in an {@link AnomalyException}. Slow; for debugging.
 *
 * <pre>{@code
 * try (Anomaly a = Anomaly.enable()) {
 *     loss.backward();   // throws "anomaly: op 'log' produced NaN ..." at the culprit
 * }
 * }</pre>
 * Also switched on for a whole run by the system property {@code plumbline.anomaly=true}.
 */
public final class Anomaly implements AutoCloseable {
    private static final boolean GLOBAL = Boolean.getBoolean("plumbline.anomaly");
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private boolean closed;

    private Anomaly() {
        DEPTH.get()[0]++;
    }

    /** Turns anomaly checks on for this thread until closed. */
    public static Anomaly enable() {
        return new Anomaly();
    }

    /** Whether checks are on for the current thread. */
    public static boolean enabled() {
        return GLOBAL || DEPTH.get()[0] > 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DEPTH.get()[0]--;
        }
    }
}
