// Smoke test: benchmark classes still compile and their @Setup + @Benchmark methods run once on a
// small shape. Measures nothing; benchmarks themselves never run in `mvn verify`.
package dev.plumbline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plumbline.tensor.backend.BackendUnavailableException;
import org.junit.jupiter.api.Test;

class BenchmarkSmokeTest {

    @Test
    void layerNormForwardBackwardRunsOnceOnASmallShape() {
        LayerNormBench b = new LayerNormBench();
        b.device = "cpu";
        b.shape = "8x16";
        b.setup();
        assertNull(b.forwardBackward());
    }

    @Test
    void gptStepRunsOnceOnTheTinyPreset() {
        GptStepBench b = new GptStepBench();
        b.device = "cpu";
        b.model = "tiny:2x8";
        b.setup();
        float loss = b.step();
        assertTrue(loss > 0 && loss < 10, "tiny GPT loss " + loss);
    }

    @Test
    void geluAndTheStridedCopyRunOnceAndComputeWhatTheySay() {
        GeluBench g = new GeluBench();
        g.device = "cpu";
        g.shape = "4x40";
        g.setup();
        assertNull(g.forward());
        assertNull(g.forwardBackward());
        CopyBench c = new CopyBench();
        c.device = "cpu";
        c.shape = "3x5";
        c.setup();
        float[] src = c.copy().toFloatArray(), t = c.copyTransposed().toFloatArray();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                assertEquals(src[i * 5 + j], t[j * 3 + i], "copyTransposed [" + j + ", " + i + "]");
            }
        }
    }

    @Test
    void machineLimitsRunOnceOnASmallBuffer() {
        MachineBench m = new MachineBench();
        m.mb = 1;
        m.threads = 2;
        m.setup();
        float[] a = m.streamCopy();
        double expected = 0;
        for (int i = 0; i < a.length; i++) {
            assertEquals(i & 1023, a[i], "copied element " + i);
            expected += i & 1023;
        }
        assertEquals(expected, m.streamRead(), 1e-9 * expected, "streamRead sums the buffer");
        float peak = m.fmaPeak();
        assertTrue(Float.isFinite(peak), "fmaPeak's chains stay finite: " + peak);
        assertTrue(MachineBench.lanes() >= 1);
    }

    @Test
    void anUnavailableDeviceIsRefusedWithAReason() {
        SoftmaxBench b = new SoftmaxBench();
        b.device = "cuda:7";
        b.shape = "4x4";
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, b::setup);
        assertTrue(e.getMessage().startsWith("SKIPPED: benchmark device cuda:7 is unavailable: "), e.getMessage());
    }
}
