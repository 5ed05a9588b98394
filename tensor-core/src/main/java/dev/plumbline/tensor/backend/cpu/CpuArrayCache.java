package dev.plumbline.tensor.backend.cpu;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.MemoryStats;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CPU's caching allocator: arrays of storage that was freed explicitly (a closed {@link
 * dev.plumbline.tensor.Scope}, {@link dev.plumbline.tensor.backend.Storage#free()}) go onto a free
 * list keyed by their exact length, and the next allocation of that length takes one instead of
 * asking the JVM for a new zeroed array. A training or sampling loop allocates the same shapes every
 * step, so after the first step nearly every allocation is a hit: no zeroing, no G1 humongous
 * allocation for arrays over half a region, no collection to reclaim them.
 *
 * <p>Why exact lengths and not bins, as the GPU allocators use: kernels and callers may read an
 * array's {@code length}, so a storage's array must have exactly its element count.
 *
 * <p>Storage the garbage collector reclaims is never cached: its array might still be reachable from
 * code that read {@link CpuStorage#floats()} and kept it. Arrays below {@link #MIN_ELEMENTS} are not
 * cached either (the JVM allocates those from the thread-local buffer faster than a lookup). The
 * cache holds at most {@code -Dplumbline.cpu.cacheBytes} bytes (default: a quarter of the maximum
 * heap, at most 4 GiB; 0 turns caching off), evicting the least recently used lengths first; when the
 * JVM runs out of heap the cache is emptied and the allocation retried once.
 *
 * <p>{@code -Dplumbline.cpu.poison=true} fills every array handed out by {@code allocateUninitialized}
 * with NaN (ints with {@code 0x7fc00000}), new or reused, so a kernel that reads an output it did not
 * write shows up in any test.
 */
final class CpuArrayCache {
    /** Arrays shorter than this are not cached. */
    static final int MIN_ELEMENTS = 1024;

    // read on every uninitialised allocation; tests switch it with poison(boolean)
    private static volatile boolean POISON = Boolean.getBoolean("plumbline.cpu.poison");

    /** Turns poisoning on or off (tests); returns the previous setting. */
    static boolean poison(boolean on) {
        boolean was = POISON;
        POISON = on;
        return was;
    }

    private static final int POISON_INT = 0x7fc00000;

    private final long limitBytes;
    // access order: iteration starts at the least recently used length
    private final LinkedHashMap<Integer, ArrayDeque<float[]>> floats = new LinkedHashMap<>(64, 0.75f, true);
    private final LinkedHashMap<Integer, ArrayDeque<int[]>> ints = new LinkedHashMap<>(16, 0.75f, true);
    private long cachedBytes;

    CpuArrayCache(long limitBytes) {
        this.limitBytes = Math.max(0, limitBytes);
    }

    /** The limit from {@code -Dplumbline.cpu.cacheBytes}, else a quarter of the heap, at most 4 GiB. */
    static long defaultLimit() {
        String p = System.getProperty("plumbline.cpu.cacheBytes");
        if (p != null && !p.isBlank()) {
            try {
                return Long.parseLong(p.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-Dplumbline.cpu.cacheBytes=" + p + " is not a number of bytes", e);
            }
        }
        return Math.min(Runtime.getRuntime().maxMemory() / 4, 4L << 30);
    }

    /** Bytes held on free lists now. */
    synchronized long cachedBytes() {
        return cachedBytes;
    }

    /** The configured limit in bytes. */
    long limitBytes() {
        return limitBytes;
    }

    /** A float array of exactly {@code n} elements: zeroed when {@code zero}, else any contents. */
    float[] floats(int n, boolean zero) {
        float[] a = n >= MIN_ELEMENTS ? take(floats, n) : null;
        if (a == null) {
            a = newFloats(n);
            if (POISON && !zero) {
                java.util.Arrays.fill(a, Float.NaN);
            }
        } else if (zero) {
            java.util.Arrays.fill(a, 0f);
        } else if (POISON) {
            java.util.Arrays.fill(a, Float.NaN);
        }
        return a;
    }

    /** An int array of exactly {@code n} elements: zeroed when {@code zero}, else any contents. */
    int[] ints(int n, boolean zero) {
        int[] a = n >= MIN_ELEMENTS ? take(ints, n) : null;
        if (a == null) {
            a = newInts(n);
            if (POISON && !zero) {
                java.util.Arrays.fill(a, POISON_INT);
            }
        } else if (zero) {
            java.util.Arrays.fill(a, 0);
        } else if (POISON) {
            java.util.Arrays.fill(a, POISON_INT);
        }
        return a;
    }

    /** Puts the array of an explicitly freed storage on its free list (or drops it). */
    void give(float[] a) {
        if (a.length >= MIN_ELEMENTS) {
            put(floats, a.length, a, 4L * a.length);
        }
    }

    /** Puts the array of an explicitly freed storage on its free list (or drops it). */
    void give(int[] a) {
        if (a.length >= MIN_ELEMENTS) {
            put(ints, a.length, a, 4L * a.length);
        }
    }

    /** Drops every cached array (the collector reclaims them). */
    synchronized void clear() {
        MemoryStats.cached(Device.cpu(), -cachedBytes);
        cachedBytes = 0;
        floats.clear();
        ints.clear();
    }

    private synchronized <A> A take(LinkedHashMap<Integer, ArrayDeque<A>> lists, int n) {
        ArrayDeque<A> list = lists.get(n);
        A a = list == null ? null : list.poll();
        if (a == null) {
            MemoryStats.cacheMiss(Device.cpu());
            return null;
        }
        cachedBytes -= 4L * n;
        MemoryStats.cached(Device.cpu(), -4L * n);
        MemoryStats.cacheHit(Device.cpu());
        return a;
    }

    private synchronized <A> void put(LinkedHashMap<Integer, ArrayDeque<A>> lists, int n, A a, long bytes) {
        if (bytes > limitBytes) {
            return;
        }
        evictUntil(limitBytes - bytes);
        lists.computeIfAbsent(n, k -> new ArrayDeque<>()).push(a);
        cachedBytes += bytes;
        MemoryStats.cached(Device.cpu(), bytes);
    }

    // drop least recently used lengths (floats first, then ints) until at most `target` bytes remain
    private void evictUntil(long target) {
        evictFrom(floats, target);
        evictFrom(ints, target);
    }

    private <A> void evictFrom(LinkedHashMap<Integer, ArrayDeque<A>> lists, long target) {
        Iterator<Map.Entry<Integer, ArrayDeque<A>>> it = lists.entrySet().iterator();
        while (cachedBytes > target && it.hasNext()) {
            Map.Entry<Integer, ArrayDeque<A>> e = it.next();
            long each = 4L * e.getKey();
            ArrayDeque<A> list = e.getValue();
            while (cachedBytes > target && !list.isEmpty()) {
                list.pop();
                cachedBytes -= each;
                MemoryStats.cached(Device.cpu(), -each);
            }
            if (list.isEmpty()) {
                it.remove();
            }
        }
    }

    private float[] newFloats(int n) {
        try {
            return new float[n];
        } catch (OutOfMemoryError e) {
            clear();
            return new float[n];
        }
    }

    private int[] newInts(int n) {
        try {
            return new int[n];
        } catch (OutOfMemoryError e) {
            clear();
            return new int[n];
        }
    }
}
