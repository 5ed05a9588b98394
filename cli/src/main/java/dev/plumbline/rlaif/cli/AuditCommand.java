// plumbline audit: measure the labeler's and the preference model's failure modes in a run directory.
package dev.plumbline.rlaif.cli;

import dev.plumbline.rlaif.audit.AuditReport;
import dev.plumbline.rlaif.audit.RunAudit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code plumbline audit --run-dir DIR [--pairs N] [--policy-pairs M]}: runs {@link RunAudit} on a run
 * directory (needs config.json and pairs.jsonl; the preference-model part needs rm/), writes
 * audit.json and audit.html there and prints a short table.
 *
 * <pre>{@code
 * plumbline audit --run-dir runs/demo --pairs 2000
 * }</pre>
 */
@Command(name = "audit", mixinStandardHelpOptions = true, description = {
        "Audit a run's AI labeler (agreement with gold, position and length bias, template sensitivity, self-consistency, "
                + "noise) and, when rm/ exists, its preference model (held-out accuracy, calibration, ensemble disagreement "
                + "on policy samples). Writes audit.json and audit.html into the run directory."})
public final class AuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configOption;

    @Option(names = "--run-dir", paramLabel = "DIR", defaultValue = "runs/demo",
            description = "Run directory with config.json and pairs.jsonl (default: ${DEFAULT-VALUE}).")
    Path runDir;

    @InRange(min = 1, max = 10_000_000)
    @Option(names = "--pairs", paramLabel = "N", defaultValue = "100000",
            description = "Audit at most the first N pairs of pairs.jsonl (default: ${DEFAULT-VALUE}); each is asked 4 times.")
    int pairs;

    @InRange(min = 0, max = 100_000)
    @Option(names = "--policy-pairs", paramLabel = "M", defaultValue = "128",
            description = "Prompts sampled twice from the policy to measure ensemble disagreement (default: ${DEFAULT-VALUE}).")
    int policyPairs;

    @Override
    public Integer call() throws Exception {
        Main.failIfProblems(spec.commandLine(), InRange.Check.all(this));
        RunAudit.Result r;
        try {
            r = RunAudit.run(runDir, new RunAudit.Options(pairs, policyPairs), System.err);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("audit: " + e.getMessage());
            return 2;
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("audit: " + e.getMessage());
            return 1;
        }
        spec.commandLine().getOut().print(AuditReport.table(r));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
