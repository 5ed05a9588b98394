// plumbline experiment NAME: the failure-mode lab's experiments over a finished run.
package dev.plumbline.rlaif.cli;

import dev.plumbline.rlaif.experiment.OverOptimizationExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code plumbline experiment overoptimization --run-dir DIR}: PPO with a weak KL penalty from the
 * run's SFT policy and preference model, gold and proxy reward against √KL, and Gao et al.'s fit
 * R(d) = d(α − β ln d); writes DIR/experiments/overoptimization/{result.json, report.html}.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true, description = {
        "Failure-mode experiments over a run directory whose stages up to train-rm are done.",
        "overoptimization: PPO with a weak KL penalty; gold and proxy vs sqrt(KL) with Gao et al.'s fit "
                + "R(d) = d(alpha - beta ln d); writes DIR/experiments/overoptimization/."})
public final class ExperimentCommand implements Callable<Integer> {
    /** Experiments available. */
    public enum Name { overoptimization }

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configOption;

    @Parameters(index = "0", paramLabel = "NAME", description = "Experiment: ${COMPLETION-CANDIDATES}.")
    Name name;

    @Option(names = "--run-dir", paramLabel = "DIR", defaultValue = "runs/demo",
            description = "A run directory (default: ${DEFAULT-VALUE}).")
    Path runDir;

    @InRange(min = 1, max = 100_000)
    @Option(names = "--steps", paramLabel = "N", defaultValue = "120", description = "PPO iterations (default: ${DEFAULT-VALUE}).")
    int steps;

    @InRange(min = 0, max = 10)
    @Option(names = "--kl-coef", paramLabel = "BETA", defaultValue = "0.002",
            description = "The weak KL coefficient (default: ${DEFAULT-VALUE}).")
    double klCoef;

    @Override
    public Integer call() throws Exception {
        Main.failIfProblems(spec.commandLine(), InRange.Check.all(this));
        try {
            OverOptimizationExperiment.run(runDir, steps, klCoef, System.err);
            return 0;
        } catch (IllegalArgumentException | IllegalStateException e) {
            spec.commandLine().getErr().println("experiment: " + e.getMessage());
            return 2;
        }
    }
}
