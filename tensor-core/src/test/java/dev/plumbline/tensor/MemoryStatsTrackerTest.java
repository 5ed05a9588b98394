package dev.plumbline.tensor;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link MemoryStats.Tracker} counts exactly the storage allocated on its thread while it is open,
 * minus what of that storage was released since (by a scope, on any thread, or by the collector),
 * so leak checks do not depend on other code's garbage (issue 20).
 */
class MemoryStatsTrackerTest {

    @Test
    void countsOnlyThisThreadsAllocationsWhileOpen() throws Exception {
        Tensor before = Tensor.zeros(100);                  // allocated before: never counted
        try (MemoryStats.Tracker mem = MemoryStats.track()) {
            assertEquals(0, mem.liveBytes(Device.cpu()));
            Tensor mine = Tensor.zeros(10);
            assertEquals(40, mem.liveBytes(Device.cpu()));
            AtomicLong other = new AtomicLong();
            Thread t = new Thread(() -> other.set(Tensor.zeros(1000).numel()));   // another thread's storage
            t.start();
            t.join();
            assertEquals(1000, other.get());
            assertEquals(40, mem.liveBytes(Device.cpu()), "another thread's allocation is not this tracker's");
            mine.storage().free();
            assertEquals(0, mem.liveBytes(Device.cpu()), "an explicit release subtracts");
            mine.storage().free();
            assertEquals(0, mem.liveBytes(Device.cpu()), "a second free of the same storage changes nothing");
        }
        assertEquals(100, before.numel());
    }

    @Test
    void scopesAndTheCollectorReleaseWhatTheTrackerCounted() {
        try (MemoryStats.Tracker mem = MemoryStats.track()) {
            try (Scope s = Scope.open()) {
                Tensor.zeros(25);
                Tensor.zeros(25);
                assertEquals(200, mem.liveBytes(Device.cpu()));
            }
            assertEquals(0, mem.liveBytes(Device.cpu()), "closing the scope released both");
            Tensor garbage = Tensor.zeros(50);
            assertEquals(200, mem.liveBytes(Device.cpu()));
            garbage = null;                                  // only the Cleaner backstop can release it now
            assertNull(garbage);
            assertEquals(0, mem.settledLiveBytes(Device.cpu()), "the collector released the unreachable tensor");
        }
    }

    @Test
    void trackersNestAndAClosedTrackerStillSeesReleases() {
        List<Tensor> keep = new ArrayList<>();
        MemoryStats.Tracker outer = MemoryStats.track();
        MemoryStats.Tracker inner = MemoryStats.track();
        keep.add(Tensor.zeros(4));
        inner.close();
        keep.add(Tensor.zeros(8));                           // after inner closed: outer only
        assertEquals(16, inner.liveBytes(Device.cpu()));
        assertEquals(48, outer.liveBytes(Device.cpu()));
        keep.get(0).storage().free();
        assertEquals(0, inner.liveBytes(Device.cpu()), "a release after close still subtracts");
        assertEquals(32, outer.liveBytes(Device.cpu()));
        outer.close();
        outer.close();                                       // idempotent
    }

    @Test
    void aLeakOfOneTensorPerStepShowsAsExactlyItsBytes() {
        List<Tensor> leaked = new ArrayList<>();
        try (MemoryStats.Tracker mem = MemoryStats.track()) {
            long start = mem.settledLiveBytes(Device.cpu());
            for (int step = 0; step < 5; step++) {
                try (Scope s = Scope.open()) {
                    Tensor x = Tensor.ones(16).mul(2f).add(1f); // temporaries die with the scope
                    leaked.add(Scope.escape(x.sum()));           // one 0-d tensor per step survives
                }
            }
            assertEquals(start + 5 * 4, mem.settledLiveBytes(Device.cpu()));
        }
        assertEquals(5, leaked.size());
    }
}
