// Runs the arms of a failure-mode experiment as run directories derived from a finished base run.
package dev.plumbline.rlaif.experiment;

import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The arms of one experiment, each a full run directory under {@code BASE/experiments/NAME/ARM/}
 * that starts as a copy of the base run's (or a parent arm's) outputs for the stages it does not
 * change, so an arm that only relabels reuses the SFT policy and the sampled pairs, and an arm that
 * only changes PPO reuses pθ too. Arms resume like any run: a killed sweep rerun with the same
 * options continues where it stopped, and a finished arm costs nothing the second time.
 *
 * <pre>{@code
 * Sweep sweep = Sweep.over(Path.of("runs/demo"), "label-noise", System.err);
 * ArmResult r = sweep.run(Arm.of("eps-0.2", "20% flipped", RlaifPipeline.LABEL, c -> c.labeler.noise = 0.2));
 * double gold = r.eval("ppo", "gold_score");
 * }</pre>
 */
public final class Sweep {
    /** The stages in order. */
    public static final List<String> STAGES = List.of(RlaifPipeline.SFT, RlaifPipeline.SAMPLE, RlaifPipeline.LABEL,
            RlaifPipeline.REWARD_MODEL, RlaifPipeline.PPO, RlaifPipeline.EVAL);

    // what each stage leaves in the run directory (besides its marker)
    private static final Map<String, List<String>> OUTPUTS = Map.of(
            RlaifPipeline.SFT, List.of("sft"),
            RlaifPipeline.SAMPLE, List.of("pairs.jsonl"),
            RlaifPipeline.LABEL, List.of("preferences.jsonl"),
            RlaifPipeline.REWARD_MODEL, List.of("rm"),
            RlaifPipeline.PPO, List.of("ppo", "metrics.jsonl"),
            RlaifPipeline.EVAL, List.of("eval.json"));

    private final Path base;
    private final Path root;
    private final String experiment;
    private final PrintStream log;

    private Sweep(Path base, String experiment, PrintStream log) {
        this.base = base;
        this.experiment = experiment;
        this.root = base.resolve("experiments").resolve(experiment);
        this.log = log;
    }

    /**
     * A sweep over a base run.
     *
     * @param needed stages the base run must have finished
     * @throws IllegalStateException naming the first missing stage and the command that makes it
     */
    public static Sweep over(Path baseRun, String experiment, PrintStream log, String... needed) throws IOException {
        if (!Files.exists(baseRun.resolve("config.json"))) {
            throw new IllegalStateException("experiment " + experiment + " needs a run directory; " + baseRun
                    + " has no config.json: run 'plumbline demo --run-dir " + baseRun + "' first");
        }
        RlaifPipeline p = RlaifPipeline.open(baseRun, null, log);
        for (String s : needed) {
            if (!p.runDirectory().isDone(s)) {
                throw new IllegalStateException("experiment " + experiment + " needs stage '" + s + "' done in " + baseRun
                        + ": run 'plumbline demo --run-dir " + baseRun + "' (or the stages up to " + s + ") there first");
            }
        }
        return new Sweep(baseRun, experiment, log);
    }

    /** {@code BASE/experiments/NAME}: where the arms, {@code result.json} and {@code report.html} go. */
    public Path root() {
        return root;
    }

    /** The base run's directory. */
    public Path base() {
        return base;
    }

    /** The base run's config (a fresh copy). */
    public RlaifConfig baseConfig() throws IOException {
        return configOf(base);
    }

    /** The base run itself as a result (its finished stages, no reruns). */
    public ArmResult baseResult() throws IOException {
        return ArmResult.load("base", base);
    }

    /**
     * Runs (or resumes, or just loads when finished) one arm.
     *
     * @throws IllegalArgumentException when the arm's directory holds a run with another config
     */
    public ArmResult run(Arm arm) throws IOException {
        Path src = arm.parent() == null ? base : root.resolve(arm.parent());
        Path dir = root.resolve(arm.name());
        RlaifConfig cfg = configOf(src);
        arm.change().accept(cfg);
        List<String> reused = STAGES.subList(0, STAGES.indexOf(arm.fromStage()));
        if (arm.parent() == null && !Files.exists(dir.resolve("config.json")) && cfg.toJson().equals(baseConfig().toJson())
                && arm.stagesToRun().stream().allMatch(s -> Files.exists(base.resolve("stages").resolve(s + ".json")))) {
            // the arm is the base run itself (e.g. the unbiased arm of a bias sweep over an unbiased demo)
            log.printf("[experiment] %s / %s: the base run already is this arm%n", experiment, arm.name());
            return ArmResult.load(arm.name(), base);
        }
        if (!Files.exists(dir.resolve("config.json"))) {
            RlaifPipeline parent = RlaifPipeline.open(src, null, log);
            for (String s : reused) {
                if (!parent.runDirectory().isDone(s)) {
                    throw new IllegalStateException("arm " + arm.name() + " reuses stage '" + s + "' of " + src
                            + ", which has not finished");
                }
            }
            Files.createDirectories(dir.resolve("stages"));
            for (String s : reused) {
                for (String f : OUTPUTS.get(s)) {
                    copyTree(src.resolve(f), dir.resolve(f));
                }
                Files.copy(src.resolve("stages").resolve(s + ".json"), dir.resolve("stages").resolve(s + ".json"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
        // written last (by open): a sweep killed while copying starts the copy again
        RlaifPipeline p = RlaifPipeline.open(dir, cfg, log);
        log.printf("[experiment] %s / %s: %s%n", experiment, arm.name(), arm.description());
        for (String s : arm.stagesToRun()) {
            switch (s) {
                case RlaifPipeline.SAMPLE -> p.samplePairs();
                case RlaifPipeline.LABEL -> p.label();
                case RlaifPipeline.REWARD_MODEL -> p.trainRewardModel();
                case RlaifPipeline.PPO -> p.ppo();
                case RlaifPipeline.EVAL -> p.evaluate();
                default -> throw new IllegalStateException("stage " + s + " cannot be rerun by an arm");
            }
        }
        return ArmResult.load(arm.name(), dir);
    }

    private static RlaifConfig configOf(Path run) throws IOException {
        Path f = run.resolve("config.json");
        return RlaifConfig.fromJson(Files.readString(f), f.toString());
    }

    static void copyTree(Path from, Path to) throws IOException {
        if (Files.isDirectory(from)) {
            try (var walk = Files.walk(from)) {
                for (Path p : walk.toList()) {
                    Path q = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(q);
                    } else {
                        Files.copy(p, q, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } else if (Files.exists(from)) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
