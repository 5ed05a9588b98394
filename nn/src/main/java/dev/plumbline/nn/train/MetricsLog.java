// MetricsLog: metrics.jsonl — one JSON object per logged step — appended and flushed line by line,
// and cut back to a checkpoint's step when a run resumes.
package dev.plumbline.nn.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * Appends metric records to a JSONL file.
 *
 * <pre>{@code
 * try (MetricsLog log = MetricsLog.open(runDir.resolve("metrics.jsonl"))) {
 *     log.write(Map.of("step", 1, "loss", 2.31, "lr", 3e-4, "tokens_per_sec", 5120.0, "grad_norm", 0.8));
 * }
 * }</pre>
 */
public final class MetricsLog implements Closeable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter out;

    private MetricsLog(BufferedWriter out) {
        this.out = out;
    }

    /** Opens {@code file} for appending (created with its folders if missing). */
    public static MetricsLog open(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        return new MetricsLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND));
    }

    /**
     * Writes one record as a line and flushes it. An ordered map ({@link LinkedHashMap},
     * {@link SortedMap}) keeps its order; any other (such as {@code Map.of}, whose iteration order
     * changes from one JVM run to the next) is written with {@code "step"} first and the other keys
     * sorted, so the same run writes the same bytes.
     */
    public void write(Map<String, ?> record) throws IOException {
        out.write(JSON.writeValueAsString(stableOrder(record)));
        out.newLine();
        out.flush();
    }

    static Map<String, ?> stableOrder(Map<String, ?> record) {
        if (record instanceof LinkedHashMap || record instanceof SortedMap) {
            return record;
        }
        Map<String, Object> ordered = new LinkedHashMap<>();
        if (record.containsKey("step")) {
            ordered.put("step", record.get("step"));
        }
        for (String k : new TreeSet<>(record.keySet())) {
            ordered.putIfAbsent(k, record.get(k));
        }
        return ordered;
    }

    /**
     * Drops the records whose {@code "step"} is greater than {@code step} (written after the
     * checkpoint a run resumes from), replacing the file atomically. A missing file is fine.
     */
    public static void truncateAfter(Path file, long step) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                continue; // a torn last line from a crash
            }
            if (!n.has("step") || n.get("step").asLong() <= step) {
                kept.add(line);
            }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, kept, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
