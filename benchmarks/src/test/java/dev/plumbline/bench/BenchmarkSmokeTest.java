// Smoke test: benchmark classes still compile and their @Setup + @Benchmark methods run once on a
// small shape. Measures nothing; benchmarks themselves never run in `mvn verify`.
package dev.plumbline.bench;

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
    void anUnavailableDeviceIsRefusedWithAReason() {
        SoftmaxBench b = new SoftmaxBench();
        b.device = "cuda:7";
        b.shape = "4x4";
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, b::setup);
        assertTrue(e.getMessage().startsWith("SKIPPED: benchmark device cuda:7 is unavailable: "), e.getMessage());
    }
}
