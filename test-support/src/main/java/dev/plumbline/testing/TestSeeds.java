package dev.plumbline.testing;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Replayable seeds for randomised tests. Every seed is derived from a name the test chooses
 * (by convention {@code "ClassName.method"}, or a label the test already prints) and from one
 * <em>run seed</em> set by the system property {@value #PROPERTY}:
 *
 * <ul>
 *   <li>unset or blank (the default): the run seed is {@code 0}, so each test's seed is a fixed
 *       function of its name, the same on every run and machine;</li>
 *   <li>{@code -Dplumbline.test.seed=N} (decimal, or hex with {@code 0x}): the run seed is
 *       {@code N}, which replays a run that printed {@code N};</li>
 *   <li>{@code -Dplumbline.test.seed=random}: a fresh run seed is drawn once per JVM and printed
 *       to standard output, so the run can be replayed with that number.</li>
 * </ul>
 *
 * <p>A name's seed is {@code mix64(runSeed ^ fnv1a64(utf8(name)))} (FNV-1a, then the SplitMix64
 * finaliser), so it depends on nothing but the two inputs: not on test order, on which other tests
 * ran, on {@code String.hashCode} or on the clock. {@link SeedReporter} (registered automatically
 * when JUnit's extension auto-detection is on, as the build configures) adds the run seed, the
 * seeds the failing test drew and the replay command to every failure.
 *
 * <pre>{@code
 * Random rnd = TestSeeds.random("TokenizerTest.roundTrip");
 * assertEquals(expected, got, TestSeeds.describe("TokenizerTest.roundTrip"));
 * }</pre>
 */
public final class TestSeeds {
    /** The system property that sets the run seed: a number, {@code random}, or unset. */
    public static final String PROPERTY = "plumbline.test.seed";

    private static final RunSeed RUN = RunSeed.parse(System.getProperty(PROPERTY));

    /** Seeds drawn on each thread since the last {@link #clearDrawn()}, by name, in draw order. */
    private static final ThreadLocal<Map<String, Long>> DRAWN = ThreadLocal.withInitial(LinkedHashMap::new);

    static {
        if (RUN.mode() == Mode.RANDOM) {
            System.out.println("[" + PROPERTY + "] drew random run seed " + RUN.value() + " (in " + workingDirectory()
                    + "); replay with -D" + PROPERTY + "=" + RUN.value());
        } else if (RUN.mode() == Mode.GIVEN) {
            System.out.println("[" + PROPERTY + "] replaying run seed " + RUN.value());
        }
    }

    private TestSeeds() {}

    /** The last element of the working directory: the module under surefire. */
    private static String workingDirectory() {
        java.nio.file.Path p = java.nio.file.Path.of("").toAbsolutePath().getFileName();
        return p == null ? "/" : p.toString();
    }

    /** How the run seed was chosen. */
    public enum Mode {
        /** Property unset: run seed 0, every seed a fixed function of its name. */
        DEFAULT,
        /** Property set to a number. */
        GIVEN,
        /** Property set to {@code random}: drawn fresh for this JVM. */
        RANDOM
    }

    /** The run seed and how it was chosen. */
    record RunSeed(long value, Mode mode) {
        /** Parses the property's value; {@code null} or blank means the default. */
        static RunSeed parse(String property) {
            if (property == null || property.isBlank()) {
                return new RunSeed(0L, Mode.DEFAULT);
            }
            String p = property.trim();
            if (p.toLowerCase(Locale.ROOT).equals("random")) {
                return new RunSeed(new SecureRandom().nextLong() & Long.MAX_VALUE, Mode.RANDOM);
            }
            try {
                long v = p.startsWith("0x") || p.startsWith("0X")
                        ? Long.parseUnsignedLong(p.substring(2), 16)
                        : Long.parseLong(p);
                return new RunSeed(v, Mode.GIVEN);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + property
                        + ": expected a number (decimal or 0x hex), 'random', or nothing", e);
            }
        }
    }

    /**
     * The seed for {@code name} in this run, recorded so a failure of the current test reports it.
     *
     * @param name a stable name, by convention {@code "ClassName.method"}; must not vary between runs
     * @return the seed, a fixed function of {@code name} and the run seed
     */
    public static long seed(String name) {
        long s = derive(RUN.value(), name);
        DRAWN.get().put(name, s);
        return s;
    }

    /**
     * A {@link Random} seeded with {@link #seed(String) seed(name)}.
     *
     * @param name a stable name, by convention {@code "ClassName.method"}
     * @return a new generator
     */
    public static Random random(String name) {
        return new Random(seed(name));
    }

    /**
     * A {@link SplittableRandom} seeded with {@link #seed(String) seed(name)}.
     *
     * @param name a stable name, by convention {@code "ClassName.method"}
     * @return a new generator
     */
    public static SplittableRandom splittable(String name) {
        return new SplittableRandom(seed(name));
    }

    /**
     * Text for an assertion message: the seed of {@code name} and how to replay it, e.g.
     * {@code "seed 0x1f.. of 'A.b' (run seed 0; replay: -Dplumbline.test.seed=0)"}.
     *
     * @param name the name the seed was drawn for
     * @return a one-line description
     */
    public static String describe(String name) {
        return "seed 0x" + Long.toHexString(derive(RUN.value(), name)) + " of '" + name + "' (" + runDescription() + ")";
    }

    /**
     * The run seed and the flag that replays it, e.g. {@code "run seed 42, random; replay: -Dplumbline.test.seed=42"}.
     *
     * @return a one-line description of this run's seed
     */
    public static String runDescription() {
        String how = switch (RUN.mode()) {
            case DEFAULT -> "default, seeds derived from test names";
            case GIVEN -> "given";
            case RANDOM -> "random";
        };
        return "run seed " + RUN.value() + ", " + how + "; replay: -D" + PROPERTY + "=" + RUN.value();
    }

    /**
     * This run's seed: 0 by default, else the number given or drawn for {@value #PROPERTY}.
     *
     * @return the run seed
     */
    public static long runSeed() {
        return RUN.value();
    }

    /**
     * How this run's seed was chosen.
     *
     * @return the mode
     */
    public static Mode mode() {
        return RUN.mode();
    }

    /**
     * The seeds drawn on the calling thread since the last {@link #clearDrawn()}, by name, in draw order.
     *
     * @return an unmodifiable copy
     */
    public static Map<String, Long> drawnOnThisThread() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(DRAWN.get()));
    }

    /** Forgets the seeds drawn on the calling thread (the reporter does this after each test). */
    public static void clearDrawn() {
        DRAWN.get().clear();
    }

    /**
     * The seed of {@code name} under run seed {@code run}: SplitMix64's finaliser of
     * {@code run ^ fnv1a64(utf8(name))}.
     *
     * @param run the run seed
     * @param name the name
     * @return the derived seed
     */
    static long derive(long run, String name) {
        Objects.requireNonNull(name, "name");
        long h = 0xcbf29ce484222325L;                       // FNV-1a 64 offset basis
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;                            // FNV-1a 64 prime
        }
        long z = run ^ h;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
