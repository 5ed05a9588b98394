// Experiment 2 of the failure-mode lab: flip a fraction ε of the AI labels; pθ accuracy and final gold against ε.
package dev.plumbline.rlaif.experiment;

import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.PreferenceRecord;
import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;
import dev.plumbline.rlaif.report.HtmlReport;
import dev.plumbline.rlaif.report.LineChart;
import dev.plumbline.rlaif.reward.PreferenceEvaluation;
import dev.plumbline.rlaif.reward.PreferenceExample;
import dev.plumbline.rlaif.reward.PreferenceModel;
import dev.plumbline.rlaif.reward.PreferenceModelTrainer;
import dev.plumbline.rlaif.task.GoldScorer;
import dev.plumbline.tensor.Device;
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
 * Label noise: the rule judge flips each decided label with probability ε
 * ({@code labeler.noise}; the judge's other flaws stay as configured), then pθ and PPO train on
 * those labels. Each ε is one arm reusing the base run's SFT policy and pairs.
 *
 * <p>Symmetric noise leaves the Bradley–Terry ranking unchanged in expectation and only thins the
 * signal (a label is right with probability 1 − ε instead of 1), so its cost is labels: with
 * enough of them pθ still ranks correctly. The sweep therefore runs at a label budget
 * ({@code rewardModel.maxPairs}) of {@value #BUDGET_FRACTION} of the pairs, and the smallest and
 * largest ε again with every pair, to show both.
 *
 * <pre>{@code
 * Map<String, Object> r = LabelNoiseExperiment.run(Path.of("runs/demo"), ExperimentOptions.defaults(), System.err);
 * }</pre>
 *
 * Writes {@code DIR/experiments/label-noise/{eps-*}/, result.json, report.html}.
 */
public final class LabelNoiseExperiment {
    private LabelNoiseExperiment() {}

    /** Experiment name (CLI and directory). */
    public static final String NAME = "label-noise";
    /** The ε swept by default. */
    public static final List<Double> DEFAULT_EPSILONS = List.of(0.0, 0.1, 0.2, 0.3, 0.4);

    /**
     * The claims this experiment tests (the first ε swept is the control, the last the noisiest):
     * with more flipped labels pθ agrees with gold less and the PPO policy ends with less gold.
     */
    public static final List<Hypothesis> HYPOTHESES = List.of(
            Hypothesis.armDifference("noise-lowers-rm-gold-accuracy",
                    "pθ trained on noisier labels agrees less with gold (all labels)", "Coste et al. 2023 (25% flipped labels)",
                    "arms_all_labels", -1, 0, "rm_accuracy_vs_gold", Hypothesis.Direction.LOWER),
            Hypothesis.armDifference("noise-lowers-rm-gold-accuracy-at-budget",
                    "pθ trained on noisier labels agrees less with gold (label budget)", "Coste et al. 2023",
                    "arms", -1, 0, "rm_accuracy_vs_gold", Hypothesis.Direction.LOWER),
            Hypothesis.armDifference("noise-lowers-final-gold",
                    "the policy optimised against it ends with less gold reward (all labels)", "Coste et al. 2023",
                    "arms_all_labels", -1, 0, "gold_ppo", Hypothesis.Direction.LOWER),
            Hypothesis.armDifference("noise-lowers-final-gold-at-budget",
                    "the policy optimised against it ends with less gold reward (label budget)", "Coste et al. 2023",
                    "arms", -1, 0, "gold_ppo", Hypothesis.Direction.LOWER));
    /** The label budget of the sweep, as a fraction of the run's pairs. */
    public static final double BUDGET_FRACTION = 0.25;

    /** Runs (or resumes) the sweep and writes its table and report. */
    public static Map<String, Object> run(Path baseRun, ExperimentOptions o, PrintStream log) throws IOException {
        Sweep sweep = Sweep.over(baseRun, o.sweepName(NAME), log, RlaifPipeline.SFT, RlaifPipeline.SAMPLE);
        List<Double> eps = o.valuesOr(DEFAULT_EPSILONS);
        for (double e : eps) {
            if (!(e >= 0 && e <= 0.5)) {
                throw new IllegalArgumentException("label-noise: ε must lie in [0, 0.5], got " + e);
            }
        }
        int pairs = sweep.baseConfig().sampling.pairs;
        int budget = Math.max(1, (int) Math.round(BUDGET_FRACTION * pairs));
        List<Map<String, Object>> rows = new ArrayList<>();
        int k = eps.size();
        double[] x = new double[k], goldPpo = new double[k], goldSft = new double[k], accGold = new double[k],
                agree = new double[k];
        for (int i = 0; i < k; i++) {
            Map<String, Object> row = arm(sweep, o, eps.get(i), budget);
            rows.add(row);
            x[i] = eps.get(i);
            agree[i] = (Double) row.get("labels_agree_with_gold");
            accGold[i] = (Double) row.get("rm_accuracy_vs_gold");
            goldSft[i] = (Double) row.get("gold_sft");
            goldPpo[i] = (Double) row.get("gold_ppo");
        }
        double eMin = eps.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double eMax = eps.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        List<Map<String, Object>> full = new ArrayList<>();
        for (double e : eMin == eMax ? List.of(eMin) : List.of(eMin, eMax)) {
            full.add(arm(sweep, o, e, 0));
        }
        double[] xf = new double[full.size()], goldFull = new double[full.size()], accFull = new double[full.size()];
        for (int i = 0; i < full.size(); i++) {
            xf[i] = (Double) full.get(i).get("epsilon");
            goldFull[i] = (Double) full.get(i).get("gold_ppo");
            accFull[i] = (Double) full.get(i).get("rm_accuracy_vs_gold");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiment", NAME);
        out.put("label_budget", budget);
        out.put("pairs", pairs);
        out.put("arms", rows);
        out.put("arms_all_labels", full);
        out.put("gold_slope_per_epsilon", Series.slope(x, goldPpo));
        out.put("rm_gold_accuracy_slope_per_epsilon", Series.slope(x, accGold));
        out.put("gold_change_all_labels", goldFull[goldFull.length - 1] - goldFull[0]);
        AtomicFiles.writeString(sweep.root().resolve("result.json"), RlaifConfig.MAPPER.writeValueAsString(out));

        HtmlReport rep = new HtmlReport("Label noise: what flipped AI labels cost");
        int last = k - 1;
        double dGold = goldPpo[last] - goldPpo[0], dAcc = accGold[last] - accGold[0];
        rep.paragraph(String.format(Locale.ROOT, "Each point is one full run in which the AI labeler's answer was flipped "
                + "at random for a fraction ε of the pairs before the preference model learned from %d of them. Going from "
                + "ε = %.2f to ε = %.2f changed the preference model's agreement with the truth by %s and the final gold "
                + "score of the policy by %s; with all %d pairs the same change of ε moved gold by %s, because a "
                + "flipped label only dilutes the signal and more labels make up for it.", budget, x[0], x[last],
                s3(dAcc), s3(dGold), pairs, s3(goldFull[goldFull.length - 1] - goldFull[0])));
        rep.chart(new LineChart("Gold score after PPO against ε", "ε (fraction of labels flipped)", "gold score").points(true)
                .series("PPO, " + budget + " labels", x, goldPpo).series("PPO, all " + pairs + " labels", xf, goldFull)
                .series("SFT policy (start)", x, goldSft));
        rep.chart(new LineChart("Agreement with gold against ε", "ε", "accuracy").points(true)
                .series("pθ vs gold, " + budget + " labels", x, accGold).series("pθ vs gold, all labels", xf, accFull)
                .series("labels vs gold", x, agree));
        List<List<String>> table = new ArrayList<>();
        List<Map<String, Object>> all = new ArrayList<>(rows);
        all.addAll(full);
        for (Map<String, Object> r : all) {
            table.add(List.of(f3((Double) r.get("epsilon")), String.valueOf(r.get("label_budget")),
                    f3((Double) r.get("labels_agree_with_gold")), f3((Double) r.get("rm_accuracy_vs_labeler")),
                    f3((Double) r.get("rm_accuracy_vs_gold")), String.valueOf(Math.round((Double) r.get("rm_held_out_pairs"))),
                    f3((Double) r.get("gold_sft")),
                    f3((Double) r.get("gold_ppo")), s3((Double) r.get("gold_gain")), f3((Double) r.get("win_rate_vs_sft"))));
        }
        rep.table(List.of("ε", "labels used", "labels vs gold", "pθ acc vs labeler", "pθ acc vs gold", "pairs pθ was scored on", "gold SFT",
                "gold PPO", "gold gain", "PPO win rate vs SFT"), table);
        rep.paragraph("pθ's accuracy is measured on labeled pairs it did not train on: those beyond the label budget "
                + "(hundreds), or with all labels its own 15% held-out split.");
        rep.paragraph(String.format(Locale.ROOT, "Least-squares slope of final gold against ε at %d labels: %s per unit ε; "
                + "of pθ's gold accuracy: %s.", budget, s3(Series.slope(x, goldPpo)), s3(Series.slope(x, accGold))));
        rep.paragraph(o.describePpo(sweep.baseConfig()));
        rep.write(sweep.root().resolve("report.html"));
        log.printf(Locale.ROOT, "[experiment] label noise: gold after PPO %s at ε = %s (%d labels), %s at ε = %s (all %d)%n",
                Series.list(goldPpo), eps, budget, Series.list(goldFull), List.of(xf[0], xf[xf.length - 1]), pairs);
        return out;
    }

    /** One arm: noise ε, trained on the first {@code budget} pairs' labels (0 = all). */
    private static Map<String, Object> arm(Sweep sweep, ExperimentOptions o, double e, int budget) throws IOException {
        String name = String.format(Locale.ROOT, "eps-%.2f", e) + (budget == 0 ? "-all" : "");
        ArmResult r = sweep.run(Arm.of(name, String.format(Locale.ROOT, "the labeler flips %.0f%% of its labels; %s",
                100 * e, budget == 0 ? "all labels" : budget + " labels"), RlaifPipeline.LABEL, c -> {
                    c.labeler.noise = e;
                    c.rewardModel.maxPairs = budget;
                    o.applyTo(c);
                }));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("epsilon", e);
        row.put("label_budget", budget == 0 ? "all" : String.valueOf(budget));
        row.put("labels_agree_with_gold", r.stage(RlaifPipeline.LABEL, "agreement_with_gold"));
        row.put("rm_accuracy_vs_labeler", r.stage(RlaifPipeline.REWARD_MODEL, "held_out_accuracy_vs_labeler"));
        row.put("rm_accuracy_vs_gold", r.stage(RlaifPipeline.REWARD_MODEL, "held_out_accuracy_vs_gold"));
        row.put("rm_held_out_pairs", r.stage(RlaifPipeline.REWARD_MODEL, "held_out_gold_pairs"));
        if (budget > 0) {
            // pθ's own held-out split is 15% of the budget (a few dozen pairs): measure it on the labeled pairs
            // beyond the budget instead, hundreds of pairs it never saw
            List<PreferenceRecord> prefs = Jsonl.read(r.dir().resolve("preferences.jsonl"), PreferenceRecord.class);
            List<PreferenceExample> rest = PreferenceExample.fromRecords(prefs.subList(Math.min(budget, prefs.size()),
                    prefs.size()), PreferenceExample.TiePolicy.SKIP, new GoldScorer());
            if (!rest.isEmpty()) {
                PreferenceModel m = PreferenceModel.load(r.dir().resolve("rm").resolve("member-0"),
                        Device.parse(r.config("device").asText()));
                PreferenceEvaluation ev = PreferenceModelTrainer.evaluate(m, rest);
                row.put("rm_accuracy_vs_labeler", ev.accuracy());
                row.put("rm_accuracy_vs_gold", ev.goldAccuracy());
                row.put("rm_held_out_pairs", (double) ev.goldPairs());
            }
        }
        row.put("gold_sft", r.eval("sft", "gold_score"));
        row.put("gold_ppo", r.eval("ppo", "gold_score"));
        row.put("gold_gain", r.eval("ppo", "gold_score") - r.eval("sft", "gold_score"));
        row.put("win_rate_vs_sft", r.eval(null, "ppo_win_rate_vs_sft"));
        return row;
    }
}
