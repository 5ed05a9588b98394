package dev.plumbline.tensor;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live and peak bytes of tensor storage per device.
 *
 * <pre>{@code
 * long before = MemoryStats.liveBytes(Device.cpu());
 * try (Scope s = Scope.open()) { ... }
 * assert MemoryStats.liveBytes(Device.cpu()) == before;
 * }</pre>
 */
public final class MemoryStats {
    private MemoryStats() {}

    private static final class Counters {
        final AtomicLong live = new AtomicLong();
        final AtomicLong peak = new AtomicLong();
        final AtomicLong allocations = new AtomicLong();
    }

    private static final ConcurrentHashMap<Device, Counters> BY_DEVICE = new ConcurrentHashMap<>();

    private static Counters of(Device d) {
        return BY_DEVICE.computeIfAbsent(d, k -> new Counters());
    }

    /** Records an allocation (called by storage implementations). */
    public static void allocated(Device d, long bytes) {
        Counters c = of(d);
        long live = c.live.addAndGet(bytes);
        c.allocations.incrementAndGet();
        c.peak.accumulateAndGet(live, Math::max);
    }

    /** Records a release (called by storage implementations). */
    public static void released(Device d, long bytes) {
        of(d).live.addAndGet(-bytes);
    }

    /** Bytes of storage currently allocated on {@code d}. */
    public static long liveBytes(Device d) {
        return of(d).live.get();
    }

    /**
     * Live bytes after the garbage collector has reclaimed unreachable storage (the {@code Cleaner}
     * backstop releases it asynchronously): runs {@code System.gc()} until the count is stable.
     * For leak checks in tests, where another test's garbage must not be released mid-measurement.
     */
    public static long settledLiveBytes(Device d) {
        long last = -1;
        for (int i = 0, same = 0; i < 50 && same < 2; i++) {
            System.gc();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = liveBytes(d);
            same = now == last ? same + 1 : 0;
            last = now;
        }
        return last;
    }

    /** Highest {@link #liveBytes} since start or the last {@link #resetPeak}. */
    public static long peakBytes(Device d) {
        return of(d).peak.get();
    }

    /** Number of storage allocations on {@code d} since start. */
    public static long allocations(Device d) {
        return of(d).allocations.get();
    }

    /** Resets the peak to the current live bytes. */
    public static void resetPeak(Device d) {
        Counters c = of(d);
        c.peak.set(c.live.get());
    }
}
