// The plumbline command-line entry point: subcommands, --config handling, exit codes.
package dev.plumbline.rlaif.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code plumbline}: the RLAIF pipeline's command line.
 *
 * <p>Adding a subcommand is one class: write a picocli {@code @Command} class (mix in
 * {@link ConfigOption} so {@code --config} works, print through {@code spec.commandLine().getOut()})
 * and list it in {@code subcommands} below.
 *
 * <p>Exit codes: 0 success, 1 the work failed (I/O, bad input file), 2 bad usage or config.
 *
 * <pre>{@code
 * plumbline tasks --count 5 --seed 1
 * plumbline label --input pairs.jsonl --output preferences.jsonl --judge rule --position-bias 0.3
 * plumbline label --config label.json --resume
 * }</pre>
 */
@Command(name = "plumbline", mixinStandardHelpOptions = true, version = "plumbline 0.1.0-SNAPSHOT",
        description = "RLAIF pipeline: built-in tasks, AI labelers, preference data, preference model, PPO, audits.",
        subcommands = {StageCommands.Demo.class, StageCommands.Sft.class, StageCommands.Sample.class, LabelCommand.class,
                StageCommands.TrainRm.class, StageCommands.Ppo.class, StageCommands.Eval.class, StageCommands.Report.class,
                TasksCommand.class, AuditCommand.class, ExperimentCommand.class, LabCommand.class, HfCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the CLI and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** The configured command line (for tests and embedding). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // Work failures (bad input file, I/O) print their message, not a stack trace.
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            line.getErr().println(line.getCommandName() + ": " + ex.getMessage());
            line.getErr().flush();
            return 1;
        });
        return cl;
    }

    /**
     * Runs the CLI with the given streams and returns its exit code.
     * A {@code --config} file is validated against the chosen subcommand before anything runs.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        Optional<Path> config = ConfigFile.find(args);
        if (config.isPresent()) {
            CommandLine sub = null;
            for (String a : args) {
                if (cl.getSubcommands().containsKey(a)) {
                    sub = cl.getSubcommands().get(a);
                    break;
                }
            }
            if (sub == null) {
                err.println("--config needs a subcommand, e.g. 'plumbline label --config FILE'");
                return 2;
            }
            try {
                JsonNode root = ConfigFile.read(config.get());
                List<String> problems = ConfigFile.validate(root, sub.getCommandSpec());
                if (!problems.isEmpty()) {
                    err.println("config file " + config.get() + " has " + problems.size() + " problem(s):");
                    for (String p : problems) err.println("  - " + p);
                    err.flush();
                    return 2;
                }
                sub.setDefaultValueProvider(ConfigFile.defaults(root));
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                err.flush();
                return 2;
            }
        }
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Throws a usage error listing every problem, if there are any (exit code 2). */
    static void failIfProblems(CommandLine cl, List<String> problems) {
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(cl, problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
        }
    }
}
