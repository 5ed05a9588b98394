// The pipeline subcommands: demo (everything) and one per stage, all over a run directory.
package dev.plumbline.rlaif.cli;

import dev.plumbline.rlaif.pipeline.RlaifPipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code plumbline demo | sft | sample | train-rm | ppo | eval | report}. Each stage reads what
 * earlier stages wrote to the run directory and skips work already done, so re-running a command
 * after an interruption continues it.
 */
public final class StageCommands {
    private StageCommands() {}

    /** Common body: open the run, run the stage, map failures to exit codes. */
    abstract static class Stage implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption configOption;

        @Mixin
        PipelineOptions options;

        /** Whether this stage may start a new run directory. */
        boolean createsRun() {
            return false;
        }

        abstract void run(RlaifPipeline p) throws Exception;

        @Override
        public Integer call() throws Exception {
            PrintStream log = System.err;
            RlaifPipeline p;
            try {
                p = options.open(log, createsRun());
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println(spec.name() + ": " + e.getMessage());
                return 2;
            }
            try {
                run(p);
            } catch (IllegalStateException e) {
                spec.commandLine().getErr().println(spec.name() + ": " + e.getMessage());
                return 1;
            }
            return 0;
        }
    }

    /** plumbline demo. */
    @Command(name = "demo", mixinStandardHelpOptions = true, description = {
            "The whole RLAIF loop on the built-in tasks: SFT → sample pairs → AI labels → preference model → PPO → "
                    + "evaluation → report.html. Under 5 minutes on 2 CPU cores; prints a summary table at the end.",
            "Re-run the same command to resume an interrupted run."})
    public static final class Demo extends Stage {
        @Override
        boolean createsRun() {
            return true;
        }

        @Override
        void run(RlaifPipeline p) throws Exception {
            long t0 = System.nanoTime();
            Map<String, Object> s = p.runAll();
            printSummary(spec.commandLine().getOut(), s, (System.nanoTime() - t0) / 1e9, p);
        }
    }

    @SuppressWarnings("unchecked")
    static void printSummary(java.io.PrintWriter out, Map<String, Object> s, double seconds, RlaifPipeline p) {
        Map<String, Object> sft = (Map<String, Object>) s.get("sft"), ppo = (Map<String, Object>) s.get("ppo");
        out.println();
        String who = p.config().algorithm.toUpperCase(Locale.ROOT);
        out.printf(Locale.ROOT, "                      SFT policy   %s policy%n", who);
        for (String k : new String[] {"gold_score", "correct_rate", "sycophancy_rate", "proxy_score", "mean_length"}) {
            out.printf(Locale.ROOT, "  %-18s %10s   %10s%n", k, fmt(sft.get(k)), fmt(ppo.get(k)));
        }
        out.printf(Locale.ROOT, "  %s win rate vs SFT (gold): %s%n", who, fmt(s.get("ppo_win_rate_vs_sft")));
        out.printf(Locale.ROOT, "  wall time: %.1f s; report: %s%n", seconds,
                p.runDirectory().file("report.html").toAbsolutePath());
        out.flush();
    }

    private static String fmt(Object o) {
        return o instanceof Number ? String.format(Locale.ROOT, "%.3f", ((Number) o).doubleValue()) : String.valueOf(o);
    }

    /** plumbline sft. */
    @Command(name = "sft", mixinStandardHelpOptions = true,
            description = "Stage 1: supervised fine-tuning of a small GPT on mixed-quality demonstrations (writes sft/).")
    public static final class Sft extends Stage {
        @Override
        boolean createsRun() {
            return true;
        }

        @Override
        void run(RlaifPipeline p) throws Exception {
            p.sft();
        }
    }

    /** plumbline sample. */
    @Command(name = "sample", mixinStandardHelpOptions = true,
            description = "Stage 2: sample two responses per prompt from the SFT policy (writes pairs.jsonl).")
    public static final class Sample extends Stage {
        @Override
        void run(RlaifPipeline p) throws Exception {
            p.samplePairs();
        }
    }

    /** plumbline train-rm. */
    @Command(name = "train-rm", mixinStandardHelpOptions = true,
            description = "Stage 4: train the Bradley-Terry preference model pθ on preferences.jsonl (writes rm/).")
    public static final class TrainRm extends Stage {
        @Override
        void run(RlaifPipeline p) throws Exception {
            p.trainRewardModel();
        }
    }

    /** plumbline ppo. */
    @Command(name = "ppo", mixinStandardHelpOptions = true,
            description = "Stage 5: PPO of the SFT policy against the reward from pθ (writes ppo/ and metrics.jsonl; resumable).")
    public static final class Ppo extends Stage {
        @Override
        void run(RlaifPipeline p) throws Exception {
            p.ppo();
        }
    }

    /** plumbline eval. */
    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = "Stage 6: gold and proxy reward of the SFT and PPO policies on held-out prompts (writes eval.json).")
    public static final class Eval extends Stage {
        @Override
        void run(RlaifPipeline p) throws Exception {
            Map<String, Object> s = p.evaluate();
            printSummary(spec.commandLine().getOut(), s, 0, p);
        }
    }

    /** plumbline report. */
    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Stage 7: write report.html (self-contained: inline SVG, opens offline).")
    public static final class Report extends Stage {
        @Override
        void run(RlaifPipeline p) throws Exception {
            p.report();
        }
    }
}
