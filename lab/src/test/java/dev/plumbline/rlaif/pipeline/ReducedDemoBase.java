package dev.plumbline.rlaif.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The reduced demo's SFT policy and sampled pairs ({@link GoldImprovesTest#reducedDemo()}, seed 1),
 * trained once per test JVM and shared by the test classes that build on them
 * ({@code GoldImprovesTest}, {@code FailureModeExperimentsTest}): the SFT stage is the most
 * expensive part of either class, and both used to train the very same policy. Deleted when the
 * JVM exits.
 */
public final class ReducedDemoBase {
    private static Path dir;

    private ReducedDemoBase() {}

    /** The shared run directory with stages sft and sample done (read it, or derive sweeps under it). */
    public static synchronized Path sftAndPairs() throws IOException {
        if (dir == null) {
            Path d = Files.createTempDirectory("plumbline-reduced-demo-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d)));
            RlaifPipeline p = RlaifPipeline.open(d, GoldImprovesTest.reducedDemo(), new PrintStream(new ByteArrayOutputStream()));
            p.sft();
            p.samplePairs();
            dir = d;
        }
        return dir;
    }

    /** Copies the shared base (config, SFT policy, pairs, stage markers) into {@code target}, a run of its own. */
    public static Path copyTo(Path target) throws IOException {
        Path from = sftAndPairs();
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path rel = from.relativize(p);
                if (rel.startsWith("experiments")) {
                    continue;       // other classes' sweeps over the shared base are not part of it
                }
                Path q = target.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(q);
                } else {
                    Files.copy(p, q, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return target;
    }

    private static void deleteTree(Path d) {
        try (Stream<Path> walk = Files.walk(d)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover temp directory is harmless
        }
    }
}
