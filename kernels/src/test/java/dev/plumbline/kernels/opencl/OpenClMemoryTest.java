package dev.plumbline.kernels.opencl;

import org.junit.jupiter.api.extension.ExtendWith;
import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.MemoryStats;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.backend.Backend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The caching allocator: reuse without driver calls, zeroed reuse, live bytes back to baseline. */
@ExtendWith(OclgrindReport.class)
class OpenClMemoryTest {

    @Test
    void freedBuffersAreReusedZeroedAndLiveBytesReturnToBaseline() {
        Device dev = OpenClTestDevice.require();
        OpenClBackend b = (OpenClBackend) Tensor.empty(dev, DType.F32, 1).backend();
        OpenClAllocator alloc = b.allocator();
        // only this test's storage: garbage other tests left to the GC cannot change the counts
        try (MemoryStats.Tracker mem = MemoryStats.track()) {
            long live0 = mem.settledLiveBytes(dev);
            try (Scope s = Scope.open()) {
                Tensor t = Tensor.full(dev, DType.F32, 3.0, 1000, 3);
                assertEquals(live0 + 12000, mem.settledLiveBytes(dev));
                t.add(t).exp();
            }
            assertEquals(live0, mem.settledLiveBytes(dev), "live bytes after the scope closed");
            long cached = alloc.cachedBytes();
            assertTrue(cached >= 3 * 12000, "freed buffers stay cached: " + cached);
            long drivers = -1;
            for (int step = 0; step < 5; step++) {
                if (step == 1) {
                    drivers = alloc.driverAllocations(); // step 0 may need one more buffer than the first scope
                }
                try (Scope s = Scope.open()) {
                    Tensor t = Tensor.empty(dev, DType.F32, 1000, 3);       // same bins as before
                    float[] z = t.toFloatArray();
                    assertArrayEquals(new float[3000], z, "a reused buffer is zeroed");
                    Tensor u = Tensor.full(dev, DType.F32, 3.0, 1000, 3);
                    u.add(u).exp();
                }
            }
            assertEquals(drivers, alloc.driverAllocations(), "steady state makes no clCreateBuffer call");
            assertEquals(live0, mem.settledLiveBytes(dev));
            long peak = MemoryStats.peakBytes(dev);
            assertTrue(peak >= live0 + 24000, "peak " + peak);
            alloc.emptyCache();
            assertEquals(0, alloc.cachedBytes());
        }
    }

    @Test
    void binsRoundUpWithBoundedSlack() {
        assertEquals(512, OpenClAllocator.binOf(1));
        assertEquals(512, OpenClAllocator.binOf(512));
        assertEquals(1024, OpenClAllocator.binOf(513));
        for (long n = (1 << 20) + 1; n < (1L << 34); n = n * 3 + 7) {
            long bin = OpenClAllocator.binOf(n);
            assertTrue(bin >= n && bin <= n * 1.25 + 1, n + " -> " + bin);
        }
    }

    @Test
    void useAfterFreeAndBf16SayWhatIsWrong() {
        Device dev = OpenClTestDevice.require();
        Backend b = Tensor.empty(dev, DType.F32, 1).backend();
        Tensor t = Tensor.empty(dev, DType.F32, 4);
        t.storage().free();
        IllegalStateException e = assertThrows(IllegalStateException.class, t::toFloatArray);
        assertTrue(e.getMessage().contains("freed"), e.getMessage());
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                () -> b.allocate(DType.BF16, 8));
        assertTrue(u.getMessage().contains("BF16"), u.getMessage());
    }
}
