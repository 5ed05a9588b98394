package dev.plumbline.tensor;

import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.random.Generator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Scopes free what they own; keep() escapes; a training-like loop keeps live bytes flat. */
class ScopeTest {
    /** What this test allocates: garbage earlier tests left to the Cleaner cannot change it. */
    private MemoryStats.Tracker mem;

    @BeforeEach
    void track() {
        mem = MemoryStats.track();
    }

    @AfterEach
    void untrack() {
        mem.close();
    }

    long live() {
        return mem.liveBytes(Device.cpu());
    }

    /** Live bytes once the GC backstop has released this test's own unreachable storage. */
    long settledLive() {
        return mem.settledLiveBytes(Device.cpu());
    }

    @Test
    void closingFreesEverythingCreatedInside() throws InterruptedException {
        long before = settledLive();
        Tensor kept;
        Tensor dropped;
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.ones(100, 10);
            dropped = a.mul(2f).exp();
            kept = s.keep(a.sum(1, false));
            assertTrue(live() >= before + 3 * 4000, "allocations are counted");
        }
        assertEquals(before + 100 * 4, live(), "only the kept [100] survives");
        try (Scope s = Scope.open()) {
            assertEquals(100f * 10, kept.sum().item(), 1e-3f);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, dropped::toFloatArray);
        assertEquals("tensor storage (F32, 1000 elements on cpu) was used after it was freed: its Scope closed; "
                + "keep it with scope.keep(tensor)", e.getMessage());
        assertEquals("tensor(<freed>, shape=[100, 10])", dropped.toString());
        kept.storage().free();
        assertEquals(before, live());
    }

    @Test
    void nestedScopesHandKeptTensorsOutward() throws InterruptedException {
        long before = settledLive();
        try (Scope outer = Scope.open()) {
            Tensor k;
            try (Scope inner = Scope.open()) {
                k = inner.keep(Tensor.ones(8));
                Tensor.ones(16);
            }
            assertEquals(before + 32, live());
            assertEquals(outer, k.storage().owner());
        }
        assertEquals(before, live());
    }

    @Test
    void escapeDetachesFromEveryScope() throws InterruptedException {
        long before = settledLive();
        Tensor p;
        try (Scope s = Scope.open()) {
            p = Scope.escape(Tensor.ones(4));
        }
        try (Scope s = Scope.open()) {
            assertEquals(4f, p.sum().item());
        }
        assertNull(p.storage().owner());
        p.storage().free();
        assertEquals(before, live());
    }

    @Test
    void trainingLoopKeepsLiveBytesFlat() throws InterruptedException {
        // a small MLP 4 → 16 → 1 updated by plain SGD; parameters and their grads live outside the step scopes
        Generator gen = new Generator(7);
        Tensor w1 = Scope.escape(Tensor.randn(gen, 16, 4).mul_(0.5f)).requiresGrad(true);
        Tensor b1 = Scope.escape(Tensor.zeros(16)).requiresGrad(true);
        Tensor w2 = Scope.escape(Tensor.randn(gen, 1, 16).mul_(0.25f)).requiresGrad(true);
        Tensor x = Scope.escape(Tensor.randn(gen, 32, 4));
        Tensor y = Scope.escape(x.sum(1, true).tanh());
        long afterStep10 = 0;
        float firstLoss = 0, lastLoss = 0;
        for (int step = 1; step <= 100; step++) {
            try (Scope s = Scope.open()) {
                Tensor loss = x.linear(w1, b1).tanh().linear(w2, null).sub(y).pow(2f).mean();
                loss.backward();
                try (NoGrad ng = NoGrad.enter()) {
                    for (Tensor p : new Tensor[] {w1, b1, w2}) {
                        p.add_(p.grad(), -0.1f);
                        p.grad().zero_();
                    }
                }
                lastLoss = loss.item();
                if (step == 1) {
                    firstLoss = lastLoss;
                }
            }
            if (step == 10) {
                afterStep10 = settledLive();
            }
        }
        assertEquals(afterStep10, settledLive(), "live bytes after step 100 equal those after step 10");
        assertTrue(lastLoss < firstLoss, "the loop trains: " + firstLoss + " → " + lastLoss);
    }

    @Test
    void closingOutOfOrderIsAnError() {
        Scope outer = Scope.open();
        Scope inner = Scope.open();
        IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
        assertEquals("Scope closed out of order: close inner scopes first (use try-with-resources)", e.getMessage());
        inner.close();
        outer.close();
    }
}
