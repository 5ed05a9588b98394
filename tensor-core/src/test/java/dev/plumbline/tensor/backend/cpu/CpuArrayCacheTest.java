// The CPU caching allocator: explicit frees are reused by length, zeros stay zeros, arrays that
// escape to callers are never recycled, the limit and LRU eviction hold, and the counters add up.
package dev.plumbline.tensor.backend.cpu;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.MemoryStats;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CpuArrayCacheTest {
    private static final int N = 4096; // above MIN_ELEMENTS

    private static float[] array(Tensor t) {
        return ((CpuStorage) t.storage()).floats();
    }

    @Test
    void aClosedScopesArrayIsReusedByTheNextAllocationOfItsLength() {
        float[] first;
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.empty(Device.cpu(), DType.F32, 64, 64);
            first = array(a);
        }
        MemoryStats.Snapshot before = MemoryStats.snapshot(Device.cpu());
        try (Scope s = Scope.open()) {
            Tensor b = Tensor.empty(Device.cpu(), DType.F32, 4096); // other shape, same length
            assertSame(first, array(b), "the freed array comes back");
        }
        MemoryStats.Snapshot after = MemoryStats.snapshot(Device.cpu()).since(before);
        assertEquals(1, after.cacheHits());
        assertEquals(0, after.cacheMisses());
    }

    @Test
    void zerosAreZeroEvenFromADirtyCachedArray() {
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.empty(Device.cpu(), DType.F32, N);
            java.util.Arrays.fill(array(a), 7f);
        }
        try (Scope s = Scope.open()) {
            for (float v : Tensor.zeros(N).toFloatArray()) {
                assertEquals(0f, v);
            }
            for (float v : Tensor.full(Device.cpu(), DType.F32, 0, N).toFloatArray()) {
                assertEquals(0f, v);
            }
        }
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.empty(Device.cpu(), DType.I32, N);
            java.util.Arrays.fill(((CpuStorage) a.storage()).ints(), 7);
        }
        try (Scope s = Scope.open()) {
            for (int v : Tensor.zeros(Device.cpu(), DType.I32, N).toIntArray()) {
                assertEquals(0, v);
            }
        }
    }

    @Test
    void aDownloadedArrayIsNeverRecycled() {
        float[] host;
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.arange(N).reshape(64, 64);
            host = x.transpose(0, 1).toFloatArray(); // non-contiguous: the copy path
        }
        float[] copy = host.clone();
        try (Scope s = Scope.open()) {
            for (int i = 0; i < 4; i++) {
                Tensor y = Tensor.empty(Device.cpu(), DType.F32, N);
                java.util.Arrays.fill(array(y), -1f);
            }
        }
        assertArrayEquals(copy, host, "what a caller holds is not handed out again");
    }

    @Test
    void storageTheCollectorReclaimsIsNotCachedAndFreeingTwiceCachesOnce() {
        CpuArrayCache cache = new CpuArrayCache(1 << 20);
        float[] a = cache.floats(N, false);
        CpuStorage st = CpuStorage.cachedFloats(a, cache);
        st.free();
        st.free();
        assertEquals(4L * N, cache.cachedBytes(), "one array on the list, not two");
        assertSame(a, cache.floats(N, false));
        assertNotSame(a, cache.floats(N, false), "the list is empty again");
        CpuStorage.ofFloats(new float[N]).free(); // a wrapped array: not ours
        assertEquals(0, cache.cachedBytes());
    }

    @Test
    void theLimitEvictsLeastRecentlyUsedLengthsFirst() {
        CpuArrayCache cache = new CpuArrayCache(4L * (3L * N + 3)); // room for exactly three
        cache.give(new float[N]);
        cache.give(new float[N + 1]);
        cache.give(new float[N + 2]);
        assertEquals(4L * (3L * N + 3), cache.cachedBytes(), "three arrays held");
        cache.give(new float[N + 3]); // over the limit: the oldest length (N) goes
        assertNotNull(cache.floats(N + 3, false));
        assertEquals(0, countHeld(cache, N), "length N was evicted");
        cache.give(new float[1 << 20]); // larger than the limit: dropped, nothing evicted for it
        assertTrue(cache.cachedBytes() <= 4L * (3L * N + 3));
        cache.clear();
        assertEquals(0, cache.cachedBytes());
        CpuArrayCache off = new CpuArrayCache(0);
        off.give(new float[N]);
        assertEquals(0, off.cachedBytes(), "limit 0 turns caching off");
        float[] small = new float[CpuArrayCache.MIN_ELEMENTS - 1];
        cache.give(small);
        assertEquals(0, cache.cachedBytes(), "small arrays are not cached");
    }

    private static int countHeld(CpuArrayCache cache, int n) {
        long before = cache.cachedBytes();
        float[] got = cache.floats(n, false);
        boolean hit = cache.cachedBytes() < before;
        if (hit) {
            cache.give(got);
        }
        return hit ? 1 : 0;
    }

    @Test
    void emptyCacheHandsEverythingBack() {
        try (Scope s = Scope.open()) {
            Tensor.empty(Device.cpu(), DType.F32, N);
        }
        assertTrue(MemoryStats.cachedBytes(Device.cpu()) > 0);
        MemoryStats.emptyCache(Device.cpu());
        assertEquals(0, MemoryStats.cachedBytes(Device.cpu()));
        assertEquals(0, CpuBackend.INSTANCE.cachedBytes());
    }
}
