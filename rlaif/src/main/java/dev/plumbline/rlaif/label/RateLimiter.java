// Spaces requests evenly so a judge never exceeds a configured requests-per-second rate.
package dev.plumbline.rlaif.label;

import java.util.function.LongSupplier;

/**
 * Allows at most {@code rate} acquisitions per second, evenly spaced (no bursts), across threads.
 *
 * <pre>{@code
 * RateLimiter limiter = new RateLimiter(2.0);   // one request every 500 ms
 * limiter.acquire();                            // blocks until the next slot
 * }</pre>
 */
public final class RateLimiter {

    /** Waits the given nanoseconds; tests replace it with a fake. */
    @FunctionalInterface
    public interface Sleeper {
        /** Sleeps {@code nanos} nanoseconds. */
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final long intervalNanos;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private long next = Long.MIN_VALUE;

    /** A limiter of {@code rate} per second on the system clock; rate &le; 0 means unlimited. */
    public RateLimiter(double rate) {
        this(rate, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    /** A limiter on a given clock and sleeper (for tests). */
    public RateLimiter(double rate, LongSupplier nanoClock, Sleeper sleeper) {
        if (Double.isNaN(rate)) throw new IllegalArgumentException("rate must be a number");
        this.intervalNanos = rate <= 0 ? 0 : (long) (1e9 / rate);
        this.clock = nanoClock;
        this.sleeper = sleeper;
    }

    /** Blocks until the caller may send one request. */
    public void acquire() throws InterruptedException {
        if (intervalNanos == 0) return;
        long wait;
        synchronized (this) {
            long now = clock.getAsLong();
            long slot = next == Long.MIN_VALUE ? now : Math.max(now, next);
            next = slot + intervalNanos;
            wait = slot - now;
        }
        if (wait > 0) sleeper.sleepNanos(wait);
    }
}
