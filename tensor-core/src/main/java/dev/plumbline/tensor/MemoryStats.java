package dev.plumbline.tensor;

import java.util.ArrayList;
import java.util.List;
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
 *
 * The per-device counts are process-wide: garbage that other code left to the {@code Cleaner}
 * backstop lowers them whenever the collector runs. To measure only what one piece of code holds,
 * open a {@link Tracker} around it:
 *
 * <pre>{@code
 * try (MemoryStats.Tracker mem = MemoryStats.track()) {
 *     trainer.fit(2);
 *     long before = mem.settledLiveBytes(Device.cpu());
 *     trainer.fit(8);
 *     assert mem.settledLiveBytes(Device.cpu()) == before;   // nothing else can change these
 * }
 * }</pre>
 */
public final class MemoryStats {
    private MemoryStats() {}

    private static final class Counters {
        final AtomicLong live = new AtomicLong();
        final AtomicLong peak = new AtomicLong();
        final AtomicLong allocations = new AtomicLong();
        final AtomicLong cached = new AtomicLong();
        final AtomicLong peakReserved = new AtomicLong();
        final AtomicLong hits = new AtomicLong();
        final AtomicLong misses = new AtomicLong();
    }

    private static final ConcurrentHashMap<Device, Counters> BY_DEVICE = new ConcurrentHashMap<>();

    private static Counters of(Device d) {
        return BY_DEVICE.computeIfAbsent(d, k -> new Counters());
    }

    private static final ThreadLocal<List<Tracker>> OPEN = ThreadLocal.withInitial(ArrayList::new);

    /**
     * Records an allocation (called by storage implementations) and returns the {@link Tracker}s
     * open on this thread, which count it too; pass them to {@link #released(Device, long, Object)}.
     *
     * @return an opaque token, null when no tracker is open
     */
    public static Object allocated(Device d, long bytes) {
        Counters c = of(d);
        long live = c.live.addAndGet(bytes);
        c.allocations.incrementAndGet();
        c.peak.accumulateAndGet(live, Math::max);
        c.peakReserved.accumulateAndGet(live + c.cached.get(), Math::max);
        List<Tracker> open = OPEN.get();
        if (open.isEmpty()) {
            return null;
        }
        Tracker[] trackers = open.toArray(new Tracker[0]);
        for (Tracker t : trackers) {
            t.live(d).addAndGet(bytes);
        }
        return trackers;
    }

    /** Records a release of storage whose allocation no tracker counted. */
    public static void released(Device d, long bytes) {
        released(d, bytes, null);
    }

    /**
     * Records a release (called by storage implementations, on any thread).
     *
     * @param token what {@link #allocated} returned for this storage
     */
    public static void released(Device d, long bytes, Object token) {
        of(d).live.addAndGet(-bytes);
        if (token instanceof Tracker[] trackers) {
            for (Tracker t : trackers) {
                t.live(d).addAndGet(-bytes);
            }
        }
    }

    /**
     * Starts counting the storage this thread allocates from now until {@link Tracker#close()}; see
     * {@link Tracker}. Trackers nest: an allocation counts in every tracker open on the thread.
     */
    public static Tracker track() {
        Tracker t = new Tracker();
        OPEN.get().add(t);
        return t;
    }

    /**
     * Live bytes of the storage allocated on one thread while this tracker was open: an allocation
     * adds its bytes, the release of that same storage (by a scope, {@link
     * dev.plumbline.tensor.backend.Storage#free()} or the garbage collector, on any thread, also after
     * {@link #close()}) subtracts them. Storage allocated elsewhere never changes the count, so a
     * leak check that reads it depends only on the code it tracked.
     */
    public static final class Tracker implements AutoCloseable {
        private final ConcurrentHashMap<Device, AtomicLong> live = new ConcurrentHashMap<>();
        private final Thread thread = Thread.currentThread();

        private Tracker() {}

        private AtomicLong live(Device d) {
            return live.computeIfAbsent(d, k -> new AtomicLong());
        }

        /** Bytes on {@code d} allocated under this tracker and not yet released. */
        public long liveBytes(Device d) {
            return live(d).get();
        }

        /**
         * {@link #liveBytes} once the garbage collector has reclaimed the tracked code's unreachable
         * storage: runs {@code System.gc()} until the count is stable. Only the tracked code's own
         * garbage can lower it.
         */
        public long settledLiveBytes(Device d) {
            return settle(() -> liveBytes(d));
        }

        /** Stops counting new allocations (releases of counted storage still count). Idempotent. */
        @Override
        public void close() {
            if (Thread.currentThread() != thread) {
                throw new IllegalStateException("a MemoryStats.Tracker is closed on the thread that opened it");
            }
            OPEN.get().remove(this);
        }
    }

    /** Bytes of storage currently allocated on {@code d}. */
    public static long liveBytes(Device d) {
        return of(d).live.get();
    }

    /**
     * Live bytes after the garbage collector has reclaimed unreachable storage (the {@code Cleaner}
     * backstop releases it asynchronously): runs {@code System.gc()} until the count is stable.
     * Still process-wide: another thread's allocations, or garbage not yet enqueued when the count
     * looked stable, can change it; leak checks should read a {@link Tracker} instead.
     */
    public static long settledLiveBytes(Device d) {
        return settle(() -> liveBytes(d));
    }

    private static long settle(java.util.function.LongSupplier count) {
        long last = -1;
        for (int i = 0, same = 0; i < 50 && same < 2; i++) {
            System.gc();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = count.getAsLong();
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

    /** Resets the peaks to the current live (and live + cached) bytes. */
    public static void resetPeak(Device d) {
        Counters c = of(d);
        c.peak.set(c.live.get());
        c.peakReserved.set(c.live.get() + c.cached.get());
    }

    // ---- caching allocators -----------------------------------------------------------------------

    /** Records that a caching allocator served an allocation from its free lists. */
    public static void cacheHit(Device d) {
        of(d).hits.incrementAndGet();
    }

    /** Records that a caching allocator had no free buffer of the size asked for. */
    public static void cacheMiss(Device d) {
        of(d).misses.incrementAndGet();
    }

    /** Records a change of the bytes a caching allocator holds on its free lists. */
    public static void cached(Device d, long deltaBytes) {
        of(d).cached.addAndGet(deltaBytes);
    }

    /** Bytes a caching allocator holds on free lists for {@code d} (reusable, not live). */
    public static long cachedBytes(Device d) {
        return of(d).cached.get();
    }

    /** Allocations served from a caching allocator's free lists since start. */
    public static long cacheHits(Device d) {
        return of(d).hits.get();
    }

    /** Cacheable allocations that found no free buffer of their size, since start. */
    public static long cacheMisses(Device d) {
        return of(d).misses.get();
    }

    /**
     * The high-water mark of live plus cached bytes (what the process held for tensors on {@code d})
     * since start or the last {@link #resetPeak}.
     */
    public static long peakReservedBytes(Device d) {
        return of(d).peakReserved.get();
    }

    /** The counters of one device at one moment, as {@code torch.cuda.memory_stats} gives them. */
    public record Snapshot(long liveBytes, long peakBytes, long cachedBytes, long peakReservedBytes,
                           long allocations, long cacheHits, long cacheMisses) {
        /** Counters accumulated between {@code earlier} and this snapshot (bytes stay as now). */
        public Snapshot since(Snapshot earlier) {
            return new Snapshot(liveBytes, peakBytes, cachedBytes, peakReservedBytes, allocations - earlier.allocations,
                    cacheHits - earlier.cacheHits, cacheMisses - earlier.cacheMisses);
        }

        /** Share of cacheable allocations served from the cache (NaN when there were none). */
        public double hitRate() {
            return (double) cacheHits / (cacheHits + cacheMisses);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "live %.1f MB (peak %.1f), cached %.1f MB (peak live+cached %.1f), "
                    + "%d allocations, cache %d hits / %d misses", liveBytes / 1e6, peakBytes / 1e6, cachedBytes / 1e6,
                    peakReservedBytes / 1e6, allocations, cacheHits, cacheMisses);
        }
    }

    /** The counters of {@code d} now. */
    public static Snapshot snapshot(Device d) {
        Counters c = of(d);
        return new Snapshot(c.live.get(), c.peak.get(), c.cached.get(), c.peakReserved.get(), c.allocations.get(),
                c.hits.get(), c.misses.get());
    }

    /** Hands what {@code d}'s caching allocator holds back to the system (see {@link dev.plumbline.tensor.backend.Backend#emptyCache()}). */
    public static void emptyCache(Device d) {
        dev.plumbline.tensor.backend.Backends.get(d).emptyCache();
    }
}
