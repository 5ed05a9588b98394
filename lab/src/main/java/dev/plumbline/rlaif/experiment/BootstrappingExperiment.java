// Experiment 6 of the failure-mode lab: a model judge trained on n gold pairs labels the rest; the policy is bounded by it.
package dev.plumbline.rlaif.experiment;

import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;
import dev.plumbline.rlaif.report.HtmlReport;
import dev.plumbline.rlaif.report.LineChart;
import dev.plumbline.tensor.io.AtomicFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.plumbline.rlaif.experiment.Series.f3;
import static dev.plumbline.rlaif.experiment.Series.s3;

/**
 * Bootstrapping: instead of the rule judge, a small transformer judge ({@code labeler.kind = model})
 * trained on the gold labels of only n pairs labels all the pairs, and pθ and PPO learn from its
 * labels. Its errors are real, not injected. For each n (default 16, 64, 256) the table shows the
 * judge's accuracy on pairs it was not trained on and the final gold score of the policy: the
 * policy cannot learn what its labeler does not know.
 *
 * <pre>{@code
 * BootstrappingExperiment.run(Path.of("runs/demo"), ExperimentOptions.defaults().withValues(List.of(32.0, 512.0)), System.err);
 * }</pre>
 */
public final class BootstrappingExperiment {
    private BootstrappingExperiment() {}

    /** Experiment name (CLI and directory). */
    public static final String NAME = "bootstrapping";
    /**
     * Gold-pair counts swept by default; on a run with fewer pairs, a count that would leave no held-out
     * pairs becomes half the run's pairs (16, 64, 128 on the quick run's 256).
     */
    public static final List<Double> DEFAULT_GOLD_PAIRS = List.of(16.0, 64.0, 256.0);

    /** The claims this experiment tests: the most gold pairs swept (last) against the fewest (first). */
    public static final List<Hypothesis> HYPOTHESES = List.of(
            Hypothesis.armDifference("more-gold-pairs-better-judge",
                    "a model judge taught from more gold pairs agrees with gold more on pairs it never saw",
                    "Lee et al. 2023 (RLAIF: the AI labeler's alignment bounds the result)", "arms", -1, 0,
                    "judge_held_out_agreement", Hypothesis.Direction.HIGHER),
            Hypothesis.armDifference("better-judge-more-final-gold",
                    "and the policy trained from its labels ends with more gold", "Lee et al. 2023",
                    "arms", -1, 0, "gold_ppo", Hypothesis.Direction.HIGHER));

    /** Runs (or resumes) the experiment. */
    public static Map<String, Object> run(Path baseRun, ExperimentOptions o, PrintStream log) throws IOException {
        Sweep sweep = Sweep.over(baseRun, o.sweepName(NAME), log, RlaifPipeline.SFT, RlaifPipeline.SAMPLE);
        int pairs = sweep.baseConfig().sampling.pairs;
        List<Double> ns = o.valuesOr(DEFAULT_GOLD_PAIRS.stream().map(n -> n < pairs ? n : Math.floor(pairs / 2.0))
                .distinct().toList());
        for (double n : ns) {
            if (!(n >= 1 && n < pairs && n == Math.rint(n))) {
                throw new IllegalArgumentException("bootstrapping: gold-pair counts must be whole numbers in [1, "
                        + pairs + ") (the run has " + pairs + " pairs), got " + n);
            }
        }
        int k = ns.size();
        double[] judgeAcc = new double[k], goldPpo = new double[k], rmAcc = new double[k], nGold = new double[k];
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            int n = (int) Math.round(ns.get(i));
            ArmResult r = sweep.run(Arm.of("judge-n" + n, "model judge trained on " + n + " gold pairs",
                    RlaifPipeline.LABEL, c -> {
                        c.labeler.kind = "model";
                        c.labeler.judgeGoldPairs = n;
                        o.applyTo(c);
                    }));
            nGold[i] = n;
            judgeAcc[i] = r.stage(RlaifPipeline.LABEL, "judge_held_out_agreement");
            rmAcc[i] = r.stage(RlaifPipeline.REWARD_MODEL, "held_out_accuracy_vs_gold");
            goldPpo[i] = r.eval("ppo", "gold_score");
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("gold_pairs", n);
            row.put("judge_held_out_agreement", judgeAcc[i]);
            row.put("labels_agree_with_gold", r.stage(RlaifPipeline.LABEL, "agreement_with_gold"));
            row.put("rm_accuracy_vs_gold", rmAcc[i]);
            row.put("gold_sft", r.eval("sft", "gold_score"));
            row.put("gold_ppo", goldPpo[i]);
            row.put("gold_gain", goldPpo[i] - r.eval("sft", "gold_score"));
            rows.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiment", NAME);
        out.put("arms", rows);
        ArmResult ruleJudge = sweep.baseResult();
        if (!Double.isNaN(ruleJudge.eval("ppo", "gold_score")) && "rule".equals(ruleJudge.config("labeler.kind").asText())) {
            Map<String, Object> ref = new LinkedHashMap<>();
            ref.put("labels_agree_with_gold", ruleJudge.stage(RlaifPipeline.LABEL, "agreement_with_gold"));
            ref.put("rm_accuracy_vs_gold", ruleJudge.stage(RlaifPipeline.REWARD_MODEL, "held_out_accuracy_vs_gold"));
            ref.put("gold_ppo", ruleJudge.eval("ppo", "gold_score"));
            out.put("rule_judge_reference", ref);
        }
        out.put("gold_slope_per_judge_accuracy", Series.slope(judgeAcc, goldPpo));
        AtomicFiles.writeString(sweep.root().resolve("result.json"), RlaifConfig.MAPPER.writeValueAsString(out));

        HtmlReport rep = new HtmlReport("Bootstrapping: a policy is only as good as the judge that labels for it");
        rep.paragraph(String.format(Locale.ROOT, "Here the labeler is itself a small model, taught from %s to %s examples "
                + "with known right answers and then asked to judge everything else. Its accuracy went from %s to %s with "
                + "more examples, and the final policy's gold score moved from %s to %s: %s", (int) nGold[0], (int) nGold[k - 1],
                f3(judgeAcc[0]), f3(judgeAcc[k - 1]), f3(goldPpo[0]), f3(goldPpo[k - 1]),
                judgeAcc[k - 1] > judgeAcc[0] + 0.02 && goldPpo[k - 1] > goldPpo[0]
                        ? "the judge's mistakes were inherited by the reward model and then by the policy."
                        : judgeAcc[k - 1] <= judgeAcc[0] + 0.02
                        ? "this judge stopped improving after a few examples, so the experiment cannot separate the judge's "
                                + "accuracy from other causes of the difference in gold."
                        : "at this scale the better judge did not buy a better policy, so something other than the judge "
                                + "(reward model capacity, PPO length) limited it."));
        rep.chart(new LineChart("Final gold against the judge's accuracy", "judge accuracy on unseen pairs",
                "gold score (PPO)").points(true).series("model judge, n gold pairs", judgeAcc, goldPpo));
        rep.chart(new LineChart("Judge and pθ accuracy against n", "gold pairs n", "accuracy vs gold").points(true)
                .series("judge", nGold, judgeAcc).series("pθ", nGold, rmAcc));
        List<List<String>> table = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            table.add(List.of(String.valueOf(r.get("gold_pairs")), f3((Double) r.get("judge_held_out_agreement")),
                    f3((Double) r.get("labels_agree_with_gold")), f3((Double) r.get("rm_accuracy_vs_gold")),
                    f3((Double) r.get("gold_sft")), f3((Double) r.get("gold_ppo")), s3((Double) r.get("gold_gain"))));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> ref = (Map<String, Object>) out.get("rule_judge_reference");
        if (ref != null) {
            table.add(List.of("rule judge (base run)", "", f3((Double) ref.get("labels_agree_with_gold")),
                    f3((Double) ref.get("rm_accuracy_vs_gold")), "", f3((Double) ref.get("gold_ppo")), ""));
        }
        rep.table(List.of("gold pairs n", "judge acc (unseen pairs)", "labels vs gold", "pθ acc vs gold", "gold SFT",
                "gold PPO", "gold gain"), table);
        rep.paragraph(o.describePpo(sweep.baseConfig()));
        rep.write(sweep.root().resolve("report.html"));
        log.printf(Locale.ROOT, "[experiment] bootstrapping: n %s → judge accuracy %s, final gold %s%n", ns,
                Series.list(judgeAcc), Series.list(goldPpo));
        return out;
    }
}
