// plumbline experiment NAME: the failure-mode lab's experiments over a finished run.
package dev.plumbline.rlaif.cli;

import dev.plumbline.rlaif.experiment.ComputeAccounting;
import dev.plumbline.rlaif.experiment.ExperimentOptions;
import dev.plumbline.rlaif.experiment.Lab;
import dev.plumbline.rlaif.experiment.OnsetEvaluation;
import dev.plumbline.rlaif.experiment.AlgorithmsExperiment;
import dev.plumbline.rlaif.rl.Algorithm;
import dev.plumbline.rlaif.experiment.OverOptimizationExperiment;
import dev.plumbline.rlaif.experiment.ReplicatedExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code plumbline experiment NAME --run-dir DIR}: one failure-mode experiment over a finished run.
 * Each writes {@code DIR/experiments/NAME/} (one run directory per arm, {@code result.json},
 * {@code report.html}) and resumes when run again; with {@code --seeds N > 1} (the default for the
 * labeler experiments) one such sweep per replicate seed under {@code seed-S/}, and
 * {@code replicates.json}/{@code replicates.html} with each hypothesis's interval and verdict.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true, description = {
        "Failure-mode experiments over a finished run (plumbline demo). Each writes DIR/experiments/NAME/ "
                + "(an arm per variant, result.json, report.html) and resumes when rerun; the labeler experiments "
                + "run --seeds paired replicates (default 5) and call each hypothesis reproduced, contradicted or "
                + "inconclusive from its 95%% interval (replicates.html).",
        "  algorithms        PPO, RLOO, GRPO, online DPO and direct RLAIF with the same labeler: gold gain, KL, length, time",
        "  overoptimization  weak-KL PPO: gold and proxy vs sqrt(KL), Gao et al.'s fit; adaptive KL, "
                + "uncertainty penalty and early stopping as mitigations",
        "  label-noise       flip a fraction eps of labels (--values, default 0,0.1,0.2,0.3,0.4)",
        "  length-bias       labeler length bias on/off (--values: the bias) and a length-penalised reward",
        "  sycophancy        a labeler rewarding agreement with the stated opinion (--values: its weight)",
        "  position-bias     injected position bias p (--values, default 0,0.2,0.5) measured back; both-orders debiasing",
        "  bootstrapping     a model judge trained on n gold pairs labels the rest (--values: n, default 16,64,256)",
        "  drift             the labeler's weights change halfway / one instruction added: labels, pθ, PPO stability",
        "  compute           time and FLOPs per stage of the run (no training; reads the stage summaries)",
        "  onset-alarm       the gold-free onset alarm of every arm run so far against gold: precision, recall, lead"})
public final class ExperimentCommand implements Callable<Integer> {

    /** A runnable experiment. */
    @FunctionalInterface
    interface Runner {
        void run(ExperimentCommand c) throws Exception;
    }

    /** Replicates per experiment unless {@code --seeds} says otherwise. */
    static final int DEFAULT_SEEDS = 5;

    static final Map<String, Runner> EXPERIMENTS = new LinkedHashMap<>();

    /** The experiments {@code --seeds} applies to ({@link Lab#REPLICATED}). */
    static final Map<String, Lab.Replicated> REPLICABLE = Lab.REPLICATED;

    static {
        EXPERIMENTS.put(OverOptimizationExperiment.NAME, c -> OverOptimizationExperiment.run(c.runDir,
                c.steps == 0 ? 120 : c.steps, c.klCoef == null ? 0.002 : c.klCoef, System.err));
        for (Map.Entry<String, Lab.Replicated> e : REPLICABLE.entrySet()) {
            EXPERIMENTS.put(e.getKey(), c -> {
                int n = c.seeds == null ? DEFAULT_SEEDS : c.seeds;
                for (String algorithm : c.algorithmsToRun()) {
                    ExperimentOptions o = c.options(algorithm);
                    if (n == 1) {
                        e.getValue().runner().run(c.runDir, o, System.err);
                    } else {
                        ReplicatedExperiment.run(c.runDir, e.getKey(), o, n, e.getValue().runner(),
                                e.getValue().hypotheses(), System.err);
                    }
                }
            });
        }
        EXPERIMENTS.put("compute", c -> ComputeAccounting.run(c.runDir, System.err));
        EXPERIMENTS.put(OnsetEvaluation.NAME, c -> OnsetEvaluation.run(c.runDir, System.err));
    }

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configOption;

    @Parameters(index = "0", paramLabel = "NAME", description = "The experiment (see above).")
    String name;

    @Option(names = "--run-dir", paramLabel = "DIR", defaultValue = "runs/demo",
            description = "A finished run directory (default: ${DEFAULT-VALUE}).")
    Path runDir;

    @InRange(min = 0, max = 100_000)
    @Option(names = "--steps", paramLabel = "N", defaultValue = "0",
            description = "PPO iterations per arm (default: the run's ppo.steps; 120 for overoptimization).")
    int steps;

    @InRange(min = 0, max = 10)
    @Option(names = "--kl-coef", paramLabel = "BETA",
            description = "The fixed KL coefficient of the arms' PPO (default: 0.002 for overoptimization, "
                    + ExperimentOptions.DEFAULT_KL_COEF + " for the others).")
    Double klCoef;

    @InRange(min = 1, max = 1_000_000)
    @Option(names = "--eval-prompts", paramLabel = "N", defaultValue = "" + ExperimentOptions.EVAL_PROMPTS,
            description = "Held-out prompts each arm is evaluated on (default: ${DEFAULT-VALUE}).")
    int evalPrompts;

    @Option(names = "--values", paramLabel = "X,Y,...", split = ",",
            description = "The values the experiment sweeps (its defaults when absent).")
    List<Double> values = new ArrayList<>();

    @InRange(min = 1, max = 1000)
    @Option(names = "--seeds", paramLabel = "N",
            description = "Replicates: every arm runs with N paired seeds (same SFT policy and pairs), and each "
                    + "hypothesis gets a 95%% interval and a verdict in experiments/NAME/replicates.{json,html}; "
                    + "1 runs the arms once, into experiments/NAME/ (default: " + DEFAULT_SEEDS + "; "
                    + "overoptimization and compute run once).")
    Integer seeds;

    @Option(names = "--algorithm", paramLabel = "ALGO[,ALGO...]", split = ",",
            description = "The policy optimiser of every arm: ppo, rloo, grpo, online-dpo or d-rlaif (default: the "
                    + "run's); a list runs the experiment once per optimiser, each but ppo into experiments/NAME-ALGO/. "
                    + "Labeler experiments only.")
    List<String> algorithms = new ArrayList<>();

    /** The options of one optimiser's run (null: the run's own). */
    ExperimentOptions options(String algorithm) {
        return new ExperimentOptions(steps, values, klCoef, evalPrompts, null, algorithm);
    }

    /** The optimisers to run the experiment under, in order: the {@code --algorithm} list, or the run's own (null). */
    List<String> algorithmsToRun() {
        if (algorithms.isEmpty()) {
            return java.util.Collections.singletonList(null);
        }
        return Algorithm.parseList(String.join(",", algorithms)).stream().map(Algorithm::id).toList();
    }

    @Override
    public Integer call() throws Exception {
        List<String> problems = new ArrayList<>(InRange.Check.all(this));
        Runner r = EXPERIMENTS.get(name);
        if (r == null) {
            problems.add("unknown experiment '" + name + "'; known: " + String.join(", ", EXPERIMENTS.keySet()));
        }
        if (r != null && seeds != null && seeds > 1 && !REPLICABLE.containsKey(name)) {
            problems.add("--seeds: " + name + " runs once (replicates: " + String.join(", ", REPLICABLE.keySet()) + ")");
        }
        if (!algorithms.isEmpty()) {
            try {
                algorithmsToRun();
            } catch (IllegalArgumentException e) {
                problems.add("--algorithm: " + e.getMessage());
            }
            if (!REPLICABLE.containsKey(name) || name.equals(AlgorithmsExperiment.NAME)) {
                problems.add("--algorithm: " + name + " chooses its own optimiser (--algorithm applies to "
                        + String.join(", ", REPLICABLE.keySet().stream().filter(n -> !n.equals(AlgorithmsExperiment.NAME))
                        .toList()) + ")");
            }
        }
        Main.failIfProblems(spec.commandLine(), problems);
        try {
            r.run(this);
            return 0;
        } catch (IllegalArgumentException | IllegalStateException e) {
            spec.commandLine().getErr().println("experiment " + name + ": " + e.getMessage());
            return 2;
        }
    }
}
