// Experiment 2 of the failure-mode lab: flip a fraction ε of the AI labels; pθ accuracy and final gold against ε.
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
 * Label noise: the rule judge flips each decided label with probability ε
 * ({@code labeler.noise}; the judge's other flaws stay as configured), then pθ and PPO train on
 * those labels. Each ε is one arm reusing the base run's SFT policy and pairs.
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

    /** Runs (or resumes) the sweep and writes its table and report. */
    public static Map<String, Object> run(Path baseRun, ExperimentOptions o, PrintStream log) throws IOException {
        Sweep sweep = Sweep.over(baseRun, NAME, log, RlaifPipeline.SFT, RlaifPipeline.SAMPLE);
        List<Double> eps = o.valuesOr(DEFAULT_EPSILONS);
        for (double e : eps) {
            if (!(e >= 0 && e <= 0.5)) {
                throw new IllegalArgumentException("label-noise: ε must lie in [0, 0.5], got " + e);
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        double[] x = new double[eps.size()], goldPpo = new double[eps.size()], goldSft = new double[eps.size()],
                accGold = new double[eps.size()], agree = new double[eps.size()];
        for (int i = 0; i < eps.size(); i++) {
            double e = eps.get(i);
            ArmResult r = sweep.run(Arm.of(String.format(Locale.ROOT, "eps-%.2f", e),
                    String.format(Locale.ROOT, "the labeler flips %.0f%% of its labels", 100 * e), RlaifPipeline.LABEL, c -> {
                        c.labeler.noise = e;
                        o.applyTo(c);
                    }));
            x[i] = e;
            agree[i] = r.stage(RlaifPipeline.LABEL, "agreement_with_gold");
            accGold[i] = r.stage(RlaifPipeline.REWARD_MODEL, "held_out_accuracy_vs_gold");
            goldSft[i] = r.eval("sft", "gold_score");
            goldPpo[i] = r.eval("ppo", "gold_score");
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epsilon", e);
            row.put("labels_agree_with_gold", agree[i]);
            row.put("rm_accuracy_vs_labeler", r.stage(RlaifPipeline.REWARD_MODEL, "held_out_accuracy_vs_labeler"));
            row.put("rm_accuracy_vs_gold", accGold[i]);
            row.put("gold_sft", goldSft[i]);
            row.put("gold_ppo", goldPpo[i]);
            row.put("gold_gain", goldPpo[i] - goldSft[i]);
            row.put("win_rate_vs_sft", r.eval(null, "ppo_win_rate_vs_sft"));
            rows.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiment", NAME);
        out.put("arms", rows);
        out.put("gold_slope_per_epsilon", Series.slope(x, goldPpo));
        out.put("rm_gold_accuracy_slope_per_epsilon", Series.slope(x, accGold));
        AtomicFiles.writeString(sweep.root().resolve("result.json"), RlaifConfig.MAPPER.writeValueAsString(out));

        HtmlReport rep = new HtmlReport("Label noise: what flipped AI labels cost");
        int last = x.length - 1;
        double dGold = goldPpo[last] - goldPpo[0], dAcc = accGold[last] - accGold[0];
        rep.paragraph(String.format(Locale.ROOT, "Each point is one full run in which the AI labeler's answer was flipped "
                + "at random for a fraction ε of the pairs before the preference model learned from them. Here, going from "
                + "ε = %.2f to ε = %.2f changed the preference model's agreement with the truth by %s and the final gold "
                + "score of the policy by %s: %s", x[0], x[last], s3(dAcc), s3(dGold), dGold < 0
                ? "noise in the labels became a worse policy, not just a noisier reward."
                : "at this scale the policy did not pay for the noise (too few PPO steps, or a reward too weak to matter)."));
        rep.chart(new LineChart("Gold score after PPO against ε", "ε (fraction of labels flipped)", "gold score").points(true)
                .series("PPO policy", x, goldPpo).series("SFT policy (start)", x, goldSft));
        rep.chart(new LineChart("Agreement with gold against ε", "ε", "accuracy").points(true)
                .series("pθ held-out accuracy vs gold", x, accGold).series("labels vs gold", x, agree));
        List<List<String>> table = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            table.add(List.of(f3((Double) r.get("epsilon")), f3((Double) r.get("labels_agree_with_gold")),
                    f3((Double) r.get("rm_accuracy_vs_labeler")), f3((Double) r.get("rm_accuracy_vs_gold")),
                    f3((Double) r.get("gold_sft")), f3((Double) r.get("gold_ppo")), s3((Double) r.get("gold_gain")),
                    f3((Double) r.get("win_rate_vs_sft"))));
        }
        rep.table(List.of("ε", "labels vs gold", "pθ acc vs labeler", "pθ acc vs gold", "gold SFT", "gold PPO",
                "gold gain", "PPO win rate vs SFT"), table);
        rep.paragraph(String.format(Locale.ROOT, "Least-squares slope of final gold against ε: %s per unit ε; of pθ's "
                + "gold accuracy: %s.", s3(Series.slope(x, goldPpo)), s3(Series.slope(x, accGold))));
        rep.write(sweep.root().resolve("report.html"));
        log.printf(Locale.ROOT, "[experiment] label noise: gold after PPO %s at ε = %s; slope %s per unit ε%n",
                fmt(goldPpo), eps, s3(Series.slope(x, goldPpo)));
        return out;
    }

    static String fmt(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(f3(v[i]));
        }
        return b.append(']').toString();
    }
}
