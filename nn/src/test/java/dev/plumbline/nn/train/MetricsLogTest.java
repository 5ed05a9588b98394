package dev.plumbline.nn.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * metrics.jsonl is byte-for-byte the same for the same run: {@code Map.of}'s iteration order is
 * randomised per JVM, so an unordered record is written with {@code step} first and the rest
 * sorted; an ordered map keeps the caller's order.
 */
class MetricsLogTest {

    @Test
    void anUnorderedRecordIsWrittenStepFirstThenSortedKeys(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(f)) {
            log.write(Map.of("loss", 2.5, "step", 3, "eval_loss", 2.75, "lr", 0.001));
        }
        assertEquals(List.of("{\"step\":3,\"eval_loss\":2.75,\"loss\":2.5,\"lr\":0.001}"),
                Files.readAllLines(f, StandardCharsets.UTF_8));
    }

    @Test
    void anOrderedRecordKeepsItsOrder(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("metrics.jsonl");
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("step", 1);
        rec.put("loss", 3.0);
        rec.put("grad_norm", 0.5);
        try (MetricsLog log = MetricsLog.open(f)) {
            log.write(rec);
        }
        assertEquals(List.of("{\"step\":1,\"loss\":3.0,\"grad_norm\":0.5}"), Files.readAllLines(f, StandardCharsets.UTF_8));
    }

    @Test
    void truncateAfterDropsLaterStepsAndATornLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(f)) {
            for (int s = 1; s <= 4; s++) {
                log.write(Map.of("step", s, "loss", 1.0 / s));
            }
        }
        Files.writeString(f, "{\"step\":5,\"lo", java.nio.file.StandardOpenOption.APPEND);
        MetricsLog.truncateAfter(f, 2);
        assertEquals(List.of("{\"step\":1,\"loss\":1.0}", "{\"step\":2,\"loss\":0.5}"),
                Files.readAllLines(f, StandardCharsets.UTF_8));
    }
}
