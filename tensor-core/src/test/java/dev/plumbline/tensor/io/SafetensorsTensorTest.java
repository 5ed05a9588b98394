package dev.plumbline.tensor.io;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SafetensorsTensorTest {
    @Test
    void roundTripsTensorsIncludingViewsAndInts(@TempDir Path dir) throws Exception {
        Generator g = new Generator(TestSeeds.seed("SafetensorsTensorTest.roundTripsTensorsIncludingViewsAndInts"));
        Map<String, Tensor> in = new LinkedHashMap<>();
        Tensor w = Tensor.randn(g, 3, 5);
        in.put("w.t", w.mT());                                  // non-contiguous view is written row-major
        in.put("ids", Tensor.fromArray(new int[] {1, -2, 3}, 3));
        in.put("scalar", Tensor.scalar(2.5f));
        Path f = dir.resolve("x.safetensors");
        Safetensors.save(f, in, Map.of("format", "pt"));
        Map<String, Tensor> out = Safetensors.load(f);
        assertEquals(in.keySet().stream().toList(), out.keySet().stream().toList());
        assertArrayEquals(w.mT().contiguous().toFloatArray(), out.get("w.t").toFloatArray());
        assertArrayEquals(new int[] {5, 3}, out.get("w.t").shape());
        assertArrayEquals(new int[] {1, -2, 3}, out.get("ids").toIntArray());
        assertEquals(2.5f, out.get("scalar").item());
        assertEquals("pt", Safetensors.metadata(f).get("format"));
    }
}
