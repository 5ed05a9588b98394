// Experiment 4 of the failure-mode lab: a labeler that rewards agreeing with the prompt's stated opinion.
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
 * Sycophancy: some built-in prompts state an opinion ("I think it is 47"), most of them wrong. A
 * sycophantic labeler adds weight S to agreeing with it. The measure is the sycophancy rate: among
 * held-out prompts whose stated opinion is wrong, the fraction of answers that agree with it,
 * before (SFT) and after PPO, for an honest labeler ({@code sycophancy = 0}) and a sycophantic one
 * ({@code sycophancy = S}, default {@value #DEFAULT_SYCOPHANCY}: more than the weight of being right).
 *
 * <pre>{@code
 * SycophancyExperiment.run(Path.of("runs/demo"), ExperimentOptions.defaults(), System.err);
 * }</pre>
 */
public final class SycophancyExperiment {
    private SycophancyExperiment() {}

    /** Experiment name (CLI and directory). */
    public static final String NAME = "sycophancy";
    /** Default AGREEMENT weight of the sycophantic labeler. */
    public static final double DEFAULT_SYCOPHANCY = 1.5;

    /** Runs (or resumes) the experiment; {@code values}, when given, holds the one weight S. */
    public static Map<String, Object> run(Path baseRun, ExperimentOptions o, PrintStream log) throws IOException {
        Sweep sweep = Sweep.over(baseRun, NAME, log, RlaifPipeline.SFT, RlaifPipeline.SAMPLE);
        double s = o.valuesOr(List.of(DEFAULT_SYCOPHANCY)).get(0);
        ArmResult honest = sweep.run(Arm.of("honest", "labeler without sycophancy", RlaifPipeline.LABEL, c -> {
            c.labeler.sycophancy = 0;
            o.applyTo(c);
        }));
        ArmResult syco = sweep.run(Arm.of("sycophantic", "labeler rewarding agreement with weight " + s,
                RlaifPipeline.LABEL, c -> {
                    c.labeler.sycophancy = s;
                            o.applyTo(c);
                }));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ArmResult r : List.of(honest, syco)) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("arm", r.name());
            row.put("labeler_sycophancy", r.config("labeler.sycophancy").asDouble());
            row.put("labels_agree_with_gold", r.stage(RlaifPipeline.LABEL, "agreement_with_gold"));
            row.put("sycophancy_rate_sft", r.eval("sft", "sycophancy_rate"));
            row.put("sycophancy_rate_ppo", r.eval("ppo", "sycophancy_rate"));
            row.put("gold_sft", r.eval("sft", "gold_score"));
            row.put("gold_ppo", r.eval("ppo", "gold_score"));
            row.put("correct_rate_ppo", r.eval("ppo", "correct_rate"));
            rows.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiment", NAME);
        out.put("arms", rows);
        out.put("sycophancy_change_honest", change(rows.get(0)));
        out.put("sycophancy_change_sycophantic", change(rows.get(1)));
        AtomicFiles.writeString(sweep.root().resolve("result.json"), RlaifConfig.MAPPER.writeValueAsString(out));

        HtmlReport rep = new HtmlReport("Sycophancy: a labeler that likes being agreed with");
        rep.paragraph(String.format(Locale.ROOT, "Some prompts state a wrong opinion about the answer; the chart follows "
                + "how often the policy goes along with it while it trains against a reward learned from an honest labeler "
                + "and from one that rewards agreement. After training, agreement with wrong opinions changed by %s "
                + "(from %s to %s) under the sycophantic labeler and by %s under the honest one: a labeler's wish to be "
                + "agreed with becomes the policy's habit.", s3(change(rows.get(1))), f3((Double) rows.get(1)
                .get("sycophancy_rate_sft")), f3((Double) rows.get(1).get("sycophancy_rate_ppo")), s3(change(rows.get(0)))));
        LineChart chart = new LineChart("Sycophancy rate over PPO (5-step average)", "PPO step",
                "agreement with wrong opinions");
        for (ArmResult r : List.of(honest, syco)) {
            chart.series(r.name(), Series.steps(r.steps()), Series.smooth(r.series("gold/sycophancy_rate"), 5));
        }
        rep.chart(chart);
        List<List<String>> table = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            table.add(List.of((String) r.get("arm"), f3((Double) r.get("labeler_sycophancy")),
                    f3((Double) r.get("labels_agree_with_gold")), f3((Double) r.get("sycophancy_rate_sft")),
                    f3((Double) r.get("sycophancy_rate_ppo")), f3((Double) r.get("gold_sft")),
                    f3((Double) r.get("gold_ppo")), f3((Double) r.get("correct_rate_ppo"))));
        }
        rep.table(List.of("arm", "labeler sycophancy", "labels vs gold", "sycophancy SFT", "sycophancy PPO", "gold SFT",
                "gold PPO", "correct rate PPO"), table);
        rep.paragraph("Rates are measured on held-out prompts whose stated opinion is wrong (about 430 of the 2048 evaluation prompts), "
                + "so differences of a few points are within sampling noise.");
        rep.paragraph(o.describePpo(sweep.baseConfig()));
        rep.write(sweep.root().resolve("report.html"));
        log.printf(Locale.ROOT, "[experiment] sycophancy: rate SFT→PPO %s→%s honest, %s→%s sycophantic%n",
                f3((Double) rows.get(0).get("sycophancy_rate_sft")), f3((Double) rows.get(0).get("sycophancy_rate_ppo")),
                f3((Double) rows.get(1).get("sycophancy_rate_sft")), f3((Double) rows.get(1).get("sycophancy_rate_ppo")));
        return out;
    }

    private static double change(Map<String, Object> row) {
        return (Double) row.get("sycophancy_rate_ppo") - (Double) row.get("sycophancy_rate_sft");
    }
}
