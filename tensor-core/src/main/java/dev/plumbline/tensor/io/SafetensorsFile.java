// The parsed contents of a safetensors file: ordered tensors and the string metadata.
package dev.plumbline.tensor.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tensors in header order plus the {@code __metadata__} map (insertion-ordered). Both are
 * unmodifiable.
 *
 * <pre>{@code
 * SafetensorsFile f = SafetensorsReader.read(Path.of("model.safetensors"));
 * SafetensorsEntry wte = f.get("wte.weight");
 * String format = f.metadata().get("format");
 * }</pre>
 *
 * @param entries  tensors in the order their names appear in the header
 * @param metadata the {@code __metadata__} strings (empty if absent)
 */
public record SafetensorsFile(List<SafetensorsEntry> entries, Map<String, String> metadata) {

    /** Copies both into unmodifiable collections. */
    public SafetensorsFile {
        entries = List.copyOf(entries);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The entry named {@code name}, or null if there is none. */
    public SafetensorsEntry get(String name) {
        for (SafetensorsEntry e : entries) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    /** Entries by name, in header order. */
    public Map<String, SafetensorsEntry> byName() {
        Map<String, SafetensorsEntry> m = new LinkedHashMap<>();
        for (SafetensorsEntry e : entries) {
            m.put(e.name(), e);
        }
        return Collections.unmodifiableMap(m);
    }
}
