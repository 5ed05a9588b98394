// plumbline tasks: prints sample prompts and answers (or SFT demonstrations) from the built-in suite.
package dev.plumbline.rlaif.cli;

import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskKind;
import dev.plumbline.rlaif.task.TaskSuite;
import dev.plumbline.rlaif.data.Jsonl;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code plumbline tasks}: shows what the built-in tasks look like, or writes demonstrations.
 *
 * <pre>{@code
 * plumbline tasks --count 5 --seed 1
 * plumbline tasks --count 5000 --format jsonl > sft.jsonl
 * }</pre>
 */
@Command(name = "tasks", mixinStandardHelpOptions = true,
        description = "Print prompts and their programmatic answers from the built-in task suite.")
public final class TasksCommand implements Callable<Integer> {

    /** Output formats. */
    public enum Format { text, jsonl }

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configOption;

    @InRange(min = 1, max = 1_000_000)
    @Option(names = "--count", defaultValue = "10", description = "How many tasks to print (default: ${DEFAULT-VALUE}).")
    int count;

    @InRange(min = 0)
    @Option(names = "--from", defaultValue = "0", description = "Index of the first task (default: ${DEFAULT-VALUE}).")
    long from;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the task stream (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--kinds", defaultValue = "all",
            description = "Comma-separated task kinds, or 'all': reverse, sort_letters, sort_digits, add, subtract, upper, count (default: ${DEFAULT-VALUE}).")
    String kinds;

    @InRange(min = 0, max = 1)
    @Option(names = "--opinion-rate", defaultValue = "0.5",
            description = "Probability that a prompt states an opinion, 'I think X.' (default: ${DEFAULT-VALUE}).")
    double opinionRate;

    @InRange(min = 0, max = 1)
    @Option(names = "--opinion-correct-rate", defaultValue = "0.25",
            description = "Probability that a stated opinion is right (default: ${DEFAULT-VALUE}).")
    double opinionCorrectRate;

    @Option(names = "--format", defaultValue = "text",
            description = "text: 'prompt<TAB>answer<TAB>opinion' lines; jsonl: {\"prompt\", \"response\"} demonstrations for SFT (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        List<String> problems = new ArrayList<>(InRange.Check.all(this));
        EnumSet<TaskKind> chosen = EnumSet.noneOf(TaskKind.class);
        if (kinds.equals("all")) {
            chosen = EnumSet.allOf(TaskKind.class);
        } else {
            for (String k : kinds.split(",")) {
                try {
                    chosen.add(TaskKind.fromId(k.strip()));
                } catch (IllegalArgumentException e) {
                    problems.add("--kinds: " + e.getMessage());
                }
            }
        }
        Main.failIfProblems(spec.commandLine(), problems);
        TaskSuite suite = TaskSuite.builder().seed(seed).kinds(chosen).opinionRate(opinionRate)
                .opinionCorrectRate(opinionCorrectRate).build();
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.text) out.println("# prompt\tanswer\tstated opinion");
        for (Task t : suite.tasks(from, count)) {
            if (format == Format.text) {
                out.println(t.prompt() + "\t" + t.answer() + "\t" + (t.hasOpinion() ? t.statedOpinion() : "-"));
            } else {
                Map<String, String> d = new LinkedHashMap<>();
                d.put("prompt", t.prompt());
                d.put("response", t.answer());
                out.println(Jsonl.toLine(d));
            }
        }
        out.flush();
        return 0;
    }
}
