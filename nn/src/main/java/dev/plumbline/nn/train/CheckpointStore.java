// CheckpointStore: atomic training checkpoints in a run directory — model.safetensors,
// optimizer.safetensors and trainer.json per step — and finding the newest one to resume from.
package dev.plumbline.nn.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.io.Safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints under {@code <dir>/step-00000100/}: {@code model.safetensors} (Hugging Face-style
 * names), {@code optimizer.safetensors} ({@code Optimizer.stateDict()}) and {@code trainer.json}
 * (step, RNG states, config). A checkpoint is written into a hidden temporary folder and renamed
 * into place, so a crash never leaves a half-written {@code step-*} folder.
 *
 * <pre>{@code
 * CheckpointStore store = new CheckpointStore(runDir.resolve("checkpoints"), 3);   // keep 3
 * store.save(step, model.stateDict(), opt.stateDict(), Map.of("step", step));
 * store.latest().ifPresent(c -> model.loadStateDict(c.model()));
 * }</pre>
 */
public final class CheckpointStore {
    /** A loaded checkpoint. */
    public record Checkpoint(long step, Path dir, Map<String, Tensor> model, Map<String, Tensor> optimizer,
                             Map<String, Object> trainer) {}

    static final String MODEL_FILE = "model.safetensors";
    static final String OPTIMIZER_FILE = "optimizer.safetensors";
    static final String TRAINER_FILE = "trainer.json";
    private static final Pattern NAME = Pattern.compile("step-(\\d{8,})");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final int keep;

    /** @param keep newest checkpoints to keep after each save; 0 keeps all */
    public CheckpointStore(Path dir, int keep) {
        if (keep < 0) {
            throw new IllegalArgumentException("CheckpointStore: keep must be >= 0, got " + keep);
        }
        this.dir = dir;
        this.keep = keep;
    }

    /** The folder holding the {@code step-*} checkpoints. */
    public Path dir() {
        return dir;
    }

    /** Writes a checkpoint for {@code step} atomically (replacing one of the same step); returns its folder. */
    public Path save(long step, Map<String, Tensor> model, Map<String, Tensor> optimizer, Map<String, Object> trainer)
            throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(String.format("step-%08d", step));
        Path tmp = Files.createTempDirectory(dir, ".tmp-step-" + step + "-");
        try {
            Safetensors.save(tmp.resolve(MODEL_FILE), model, Map.of("format", "pt", "step", Long.toString(step)));
            Safetensors.save(tmp.resolve(OPTIMIZER_FILE), optimizer, Map.of("step", Long.toString(step)));
            JSON.writeValue(tmp.resolve(TRAINER_FILE).toFile(), trainer);
            if (Files.exists(target)) {
                Path old = Files.createTempDirectory(dir, ".old-step-" + step + "-");
                Files.delete(old);
                move(target, old);
                move(tmp, target);
                deleteTree(old);
            } else {
                move(tmp, target);
            }
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
        prune();
        return target;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Complete checkpoints, oldest first. */
    public List<Path> list() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> NAME.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p.resolve(TRAINER_FILE)))
                    .forEach(out::add);
        }
        out.sort(Comparator.comparingLong(CheckpointStore::stepOf));
        return out;
    }

    /** The newest complete checkpoint, loaded onto the CPU, if any. */
    public Optional<Checkpoint> latest() throws IOException {
        List<Path> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(load(all.get(all.size() - 1)));
    }

    /** Loads one checkpoint folder. */
    @SuppressWarnings("unchecked")
    public static Checkpoint load(Path checkpointDir) throws IOException {
        Map<String, Object> trainer = JSON.readValue(checkpointDir.resolve(TRAINER_FILE).toFile(), Map.class);
        return new Checkpoint(stepOf(checkpointDir), checkpointDir, Safetensors.load(checkpointDir.resolve(MODEL_FILE)),
                Safetensors.load(checkpointDir.resolve(OPTIMIZER_FILE)), trainer);
    }

    private static long stepOf(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a checkpoint folder (step-NNNNNNNN): " + p);
        }
        return Long.parseLong(m.group(1));
    }

    private void prune() throws IOException {
        if (keep == 0) {
            return;
        }
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            deleteTree(all.get(i));
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
