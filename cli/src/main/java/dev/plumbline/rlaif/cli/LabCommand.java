// plumbline lab [--quick]: the base run and every failure-mode experiment with its seeds, one index report.
package dev.plumbline.rlaif.cli;

import dev.plumbline.rlaif.experiment.Lab;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code plumbline lab}: the whole failure-mode lab ({@link Lab}) — the base run (as {@code demo}),
 * the seven replicated experiments with paired seeds and verdicts, the over-optimisation sweep,
 * compute accounting and the onset alarm against gold — then {@code DIR/lab.html} and
 * {@code DIR/lab.json}. {@code --quick} runs it over the quick base run with 3 seeds (its own
 * directory, {@code runs/lab-quick}, unless {@code --run-dir} says otherwise). Rerun the same command
 * to resume after a kill.
 */
@Command(name = "lab", mixinStandardHelpOptions = true, description = {
        "The failure-mode lab in one command: the base run (as demo), every experiment with paired replicate seeds "
                + "(label-noise, length-bias, sycophancy, position-bias, bootstrapping, algorithms, drift), "
                + "overoptimization, compute and the onset alarm against gold; then DIR/lab.html with every hypothesis's "
                + "95%% interval and verdict. Rerun to resume.",
        "  plumbline lab --quick        # 3 seeds over the quick base run, into runs/lab-quick (about 30 min on 2 cores)",
        "  plumbline lab                # 5 seeds over the default base run, into runs/demo (hours on 2 cores)"})
public final class LabCommand extends StageCommands.Stage {

    @InRange(min = 2, max = 1000)
    @Option(names = "--seeds", paramLabel = "N",
            description = "Paired replicate seeds per experiment (default: 5; 3 with --quick).")
    Integer seeds;

    static final String QUICK_DIR = "runs/lab-quick";

    @Override
    boolean createsRun() {
        return true;
    }

    @Override
    public Integer call() throws Exception {
        Main.failIfProblems(spec.commandLine(), InRange.Check.all(this));
        if (options.quick && !spec.commandLine().getParseResult().hasMatchedOption("--run-dir")) {
            options.runDir = Path.of(QUICK_DIR);
        }
        return super.call();
    }

    @Override
    void run(RlaifPipeline p) throws Exception {
        Lab.Plan plan = options.quick ? Lab.Plan.quick() : Lab.Plan.full();
        if (seeds != null) {
            plan = plan.withSeeds(seeds);
        }
        Lab.run(p, plan, System.err);
        spec.commandLine().getOut().println("lab: " + p.runDirectory().file("lab.html").toAbsolutePath());
    }

}
