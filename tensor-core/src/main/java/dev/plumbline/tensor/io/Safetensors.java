// Tensor-level safetensors save/load on top of SafetensorsReader/SafetensorsWriter.
package dev.plumbline.tensor.io;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves and loads named tensors as a safetensors file (the format Hugging Face uses).
 *
 * <pre>{@code
 * Safetensors.save(Path.of("model.safetensors"), model.stateDict(), Map.of("format", "pt"));
 * Map<String, Tensor> state = Safetensors.load(Path.of("model.safetensors"));
 * }</pre>
 *
 * Writes are atomic (temp file + rename). F16 and BF16 load as F32 CPU tensors; I32 (and I64 that
 * fits) loads as I32. A corrupt or hostile file raises {@link SafetensorsFormatException} naming
 * the file and the problem.
 */
public final class Safetensors {
    private Safetensors() {}

    /** Writes tensors (any device; F32 or I32) in map order with optional string metadata. */
    public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<SafetensorsEntry> entries = new ArrayList<>(tensors.size());
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            int[] shape = t.shape();
            entries.add(t.dtype() == DType.I32
                    ? SafetensorsEntry.i32(e.getKey(), shape, t.toIntArray())
                    : SafetensorsEntry.f32(e.getKey(), shape, t.toFloatArray()));
        }
        SafetensorsWriter.write(file, entries, metadata == null ? Map.of() : metadata);
    }

    /** Reads every tensor as a CPU tensor, in file order. */
    public static Map<String, Tensor> load(Path file) throws IOException {
        return load(file, Device.cpu());
    }

    /** Reads every tensor onto {@code device}, in file order. */
    public static Map<String, Tensor> load(Path file, Device device) throws IOException {
        SafetensorsFile f = SafetensorsReader.read(file);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (SafetensorsEntry e : f.entries()) {
            out.put(e.name(), e.ints() != null
                    ? Tensor.fromArray(device, e.ints(), e.shape())
                    : Tensor.fromArray(device, e.floats(), e.shape()));
        }
        return out;
    }

    /** The string metadata of a file (its {@code __metadata__} object). */
    public static Map<String, String> metadata(Path file) throws IOException {
        return SafetensorsReader.read(file).metadata();
    }
}
