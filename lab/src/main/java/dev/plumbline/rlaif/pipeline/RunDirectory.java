// The files of one RLAIF run and which stages have finished.
package dev.plumbline.rlaif.pipeline;

import com.fasterxml.jackson.databind.JsonNode;

import dev.plumbline.tensor.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A run directory: {@code config.json}, one folder per model ({@code sft/}, {@code rm/},
 * {@code ppo/}), {@code pairs.jsonl}, {@code preferences.jsonl}, {@code metrics.jsonl} (PPO, one
 * line per step), {@code eval.json}, {@code report.html}, and {@code stages/NAME.json} — written
 * last and atomically by each stage, so a stage whose marker exists is complete and a resumed
 * run skips it.
 *
 * <pre>{@code
 * RunDirectory run = RunDirectory.create(Path.of("runs/demo"));
 * if (!run.isDone("sft")) { ...; run.markDone("sft", Map.of("loss", 0.3)); }
 * }</pre>
 */
public final class RunDirectory {
    private final Path root;

    private RunDirectory(Path root) {
        this.root = root;
    }

    /** Opens (creating if needed) a run directory. */
    public static RunDirectory create(Path root) throws IOException {
        Files.createDirectories(root.resolve("stages"));
        return new RunDirectory(root);
    }

    /** The directory itself. */
    public Path root() {
        return root;
    }

    /** A path inside the run. */
    public Path file(String name) {
        return root.resolve(name);
    }

    /** Whether stage {@code name} completed. */
    public boolean isDone(String name) {
        return Files.exists(root.resolve("stages").resolve(name + ".json"));
    }

    /** The summary a completed stage recorded. */
    public Optional<JsonNode> summary(String name) throws IOException {
        Path f = root.resolve("stages").resolve(name + ".json");
        return Files.exists(f) ? Optional.of(RlaifConfig.MAPPER.readTree(f.toFile())) : Optional.empty();
    }

    /** Records that stage {@code name} completed, with its summary (atomic). */
    public void markDone(String name, Map<String, ?> summary) throws IOException {
        writeAtomic(root.resolve("stages").resolve(name + ".json"), RlaifConfig.MAPPER.writeValueAsString(summary));
    }

    /** Forgets that a stage completed (so it runs again). */
    public void clear(String name) throws IOException {
        Files.deleteIfExists(root.resolve("stages").resolve(name + ".json"));
    }

    /** Writes text to a file in the run atomically (temp file + rename). */
    public void write(String name, String text) throws IOException {
        writeAtomic(root.resolve(name), text);
    }

    static void writeAtomic(Path file, String text) throws IOException {
        AtomicFiles.writeString(file, text);
    }
}
