// A GPT training loop on the CPU reaches a steady state under the caching allocator: after the first
// steps every cacheable allocation is served from the cache (no misses), the bytes it holds stop
// changing, the high-water mark of live + cached bytes stops rising, and the losses are those of the
// same loop with caching off (limit 0: every array new from the JVM).
package dev.plumbline.nn.train;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.GPTConfig;
import dev.plumbline.nn.optim.AdamW;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.MemoryStats;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CachingAllocatorSteadyStateTest {
    private static final int B = 4, T = 32, WARMUP = 2, STEPS = 6;

    private static Tensor batch(int step, int vocab, int offset) {
        int[] ids = new int[B * T];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i + offset + 7 * step) * 13 % vocab;
        }
        return Tensor.fromArray(ids, B, T);
    }

    @Test
    void aTrainingLoopReachesSteadyStateWithNoGrowth() {
        GPTConfig cfg = GPTConfig.tiny();
        GPT model = new GPT(cfg, new Generator(5));
        AdamW opt = new AdamW(model, 1e-3, 0.01);
        List<Float> losses = new ArrayList<>();
        List<MemoryStats.Snapshot> afterStep = new ArrayList<>();
        MemoryStats.Snapshot warm = null;
        for (int step = 0; step < WARMUP + STEPS; step++) {
            if (step == WARMUP) {
                MemoryStats.resetPeak(Device.cpu());
                warm = MemoryStats.snapshot(Device.cpu());
            }
            losses.add(trainStep(model, opt, cfg, step));
            afterStep.add(MemoryStats.snapshot(Device.cpu()));
        }
        MemoryStats.Snapshot steady = afterStep.get(afterStep.size() - 1).since(warm);
        assertEquals(0, steady.cacheMisses(), "no cacheable allocation misses after warm-up: " + steady);
        assertTrue(steady.cacheHits() > 50 * STEPS, "the steps allocate through the cache: " + steady);
        for (int i = WARMUP + 1; i < afterStep.size(); i++) {
            assertEquals(afterStep.get(WARMUP).cachedBytes(), afterStep.get(i).cachedBytes(),
                    "cached bytes after step " + i + " equal those after step " + WARMUP);
        }
        long highWater = afterStep.get(afterStep.size() - 1).peakReservedBytes();
        long firstSteady = afterStep.get(WARMUP).peakReservedBytes();
        // arrays below the caching threshold are not cached, so a little of the live set is new each
        // step; they are at most 4 KiB each and far fewer than the cached ones
        assertTrue(highWater - firstSteady < 256 * 1024,
                "live + cached high-water mark grew by " + (highWater - firstSteady) + " bytes after step " + WARMUP);
        assertEquals(referenceLosses(cfg), losses, "caching changes no value");
    }

    /** One forward, backward and AdamW step in its own scope; returns the loss. */
    private static float trainStep(GPT model, AdamW opt, GPTConfig cfg, int step) {
        try (Scope s = Scope.open()) {
            Tensor x = batch(step, cfg.vocab(), 0), y = batch(step, cfg.vocab(), 1);
            Tensor loss = model.logits(x).reshape(B * T, cfg.vocab()).crossEntropy(y.reshape(B * T));
            loss.backward();
            opt.step();
            opt.zeroGrad();
            return loss.item();
        }
    }

    /** The same loop with fresh arrays from the JVM for every allocation (cache emptied each step). */
    private static List<Float> referenceLosses(GPTConfig cfg) {
        GPT model = new GPT(cfg, new Generator(5));
        AdamW opt = new AdamW(model, 1e-3, 0.01);
        List<Float> losses = new ArrayList<>();
        for (int step = 0; step < WARMUP + STEPS; step++) {
            MemoryStats.emptyCache(Device.cpu());
            losses.add(trainStep(model, opt, cfg, step));
        }
        return losses;
    }
}
