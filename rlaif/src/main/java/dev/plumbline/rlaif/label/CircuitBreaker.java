// Pauses every caller of a failing server at once, instead of each worker retrying into it on its own.
package dev.plumbline.rlaif.label;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A circuit breaker shared by all threads calling one server. After {@code threshold} consecutive
 * failed attempts (timeouts, I/O errors, 429 and 5xx: the server is unwell, not the request) it
 * <em>opens</em> for {@code pause}: every caller's next attempt waits until the pause is over, so
 * N workers stop hammering a server that is down or overloaded. The first attempt after the pause
 * is a probe; a success closes the breaker (the count restarts at 0), a failure opens it again.
 *
 * <pre>{@code
 * CircuitBreaker breaker = new CircuitBreaker(5, Duration.ofSeconds(10));
 * breaker.awaitClosed();            // before each attempt
 * ... send ...
 * breaker.record(ok);               // after it
 * }</pre>
 */
public final class CircuitBreaker {
    private static final Logger LOG = Logger.getLogger(CircuitBreaker.class.getName());

    private final int threshold;
    private final long pauseNanos;
    private final LongSupplier clock;
    private final RateLimiter.Sleeper sleeper;
    private int consecutiveFailures;
    private long openUntil = Long.MIN_VALUE;
    private long opened;

    /** A breaker on the system clock; {@code threshold} 0 disables it. */
    public CircuitBreaker(int threshold, Duration pause) {
        this(threshold, pause, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    /** A breaker on a given clock and sleeper (tests). */
    public CircuitBreaker(int threshold, Duration pause, LongSupplier nanoClock, RateLimiter.Sleeper sleeper) {
        if (threshold < 0) {
            throw new IllegalArgumentException("circuit breaker threshold must be >= 0, got " + threshold);
        }
        if (pause == null || pause.isNegative()) {
            throw new IllegalArgumentException("circuit breaker pause must be >= 0, got " + pause);
        }
        this.threshold = threshold;
        this.pauseNanos = pause.toNanos();
        this.clock = nanoClock;
        this.sleeper = sleeper;
    }

    /** Blocks while the breaker is open. */
    public void awaitClosed() throws InterruptedException {
        while (true) {
            long wait;
            synchronized (this) {
                if (openUntil == Long.MIN_VALUE) {
                    return;
                }
                wait = openUntil - clock.getAsLong();
                if (wait <= 0) {
                    return;         // half-open: this attempt is the probe
                }
            }
            sleeper.sleepNanos(wait);
        }
    }

    /** Records one attempt's outcome: {@code serverFailure} for a retryable failure, false for a success. */
    public synchronized void record(boolean serverFailure) {
        if (threshold == 0) {
            return;
        }
        if (!serverFailure) {
            consecutiveFailures = 0;
            openUntil = Long.MIN_VALUE;
            return;
        }
        consecutiveFailures++;
        if (consecutiveFailures >= threshold) {
            long now = clock.getAsLong();
            if (openUntil == Long.MIN_VALUE || now >= openUntil) {
                opened++;
                LOG.log(Level.WARNING, "judge server failed {0} times in a row; pausing all requests for {1} ms",
                        new Object[] {consecutiveFailures, pauseNanos / 1_000_000});
            }
            openUntil = now + pauseNanos;
        }
    }

    /** Whether callers are being held back now. */
    public synchronized boolean isOpen() {
        return openUntil != Long.MIN_VALUE && clock.getAsLong() < openUntil;
    }

    /** How many times the breaker has opened. */
    public synchronized long timesOpened() {
        return opened;
    }
}
