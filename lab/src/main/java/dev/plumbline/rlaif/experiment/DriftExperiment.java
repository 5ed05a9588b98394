// Experiment 7 of the failure-mode lab: a labeler whose taste changes halfway, or whose instructions are reworded.
package dev.plumbline.rlaif.experiment;

import dev.plumbline.rlaif.audit.TemplateVariant;
import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.PreferenceRecord;
import dev.plumbline.rlaif.label.Preference;
import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;
import dev.plumbline.rlaif.report.HtmlReport;
import dev.plumbline.rlaif.report.LineChart;
import dev.plumbline.tensor.io.AtomicFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.plumbline.rlaif.experiment.Series.f3;
import static dev.plumbline.rlaif.experiment.Series.pct;

/**
 * Drift and prompt sensitivity. Three arms label the same pairs:
 * <ul>
 *   <li>{@code stable}: the run's labeler;</li>
 *   <li>{@code drift}: the same labeler, whose "nothing but the answer" weight turns into its opposite
 *       (no_padding {@code w → -w}) halfway through the pairs, as a judge model silently updated
 *       mid-run would;</li>
 *   <li>{@code template}: the labeler with one added instruction ({@link TemplateVariant}: "prefer the
 *       shorter of two otherwise equal responses"), the smallest change of prompt template.</li>
 * </ul>
 * Measured: how many labels each changes against {@code stable} (per half of the pairs for the
 * drift), pθ's held-out accuracy against its own labels (inconsistent labels cannot be fitted) and
 * against gold, and PPO stability: step-to-step jitter of the proxy and gold rewards, final gold and
 * length.
 *
 * <pre>{@code
 * DriftExperiment.run(Path.of("runs/demo"), ExperimentOptions.defaults(), System.err);
 * }</pre>
 */
public final class DriftExperiment {
    private DriftExperiment() {}

    /** Experiment name (CLI and directory). */
    public static final String NAME = "drift";

    /** The claims this experiment tests; arms: stable, drift, template. */
    public static final List<Hypothesis> HYPOTHESES = List.of(
            Hypothesis.armDifference("drift-changes-later-labels",
                    "a labeler whose weights drift mid-run changes the labels after the drift",
                    "the seed's drift claim (labeler updates during a run)", "arms", 1, 0,
                    "labels_changed_second_half", Hypothesis.Direction.HIGHER),
            Hypothesis.armDifference("drift-lowers-rm-gold-accuracy",
                    "pθ learns gold less well from the drifting labels", "the seed's drift claim",
                    "arms", 1, 0, "rm_accuracy_vs_gold", Hypothesis.Direction.LOWER));

    /** Runs (or resumes) the experiment. */
    public static Map<String, Object> run(Path baseRun, ExperimentOptions o, PrintStream log) throws IOException {
        Sweep sweep = Sweep.over(baseRun, o.sweepName(NAME), log, RlaifPipeline.SFT, RlaifPipeline.SAMPLE);
        RlaifConfig baseCfg = sweep.baseConfig();
        if (!"rule".equals(baseCfg.labeler.kind)) {
            throw new IllegalArgumentException("drift: the experiment changes rule-judge weights; the run's labeler is "
                    + baseCfg.labeler.kind);
        }
        long half = baseCfg.sampling.pairs / 2;
        double w = baseCfg.labeler.noPaddingWeight;
        ArmResult stable = sweep.run(Arm.of("stable", "the run's labeler", RlaifPipeline.LABEL, o::applyTo));
        ArmResult drift = sweep.run(Arm.of("drift", String.format(Locale.ROOT, "no_padding weight %.2f → %.2f from pair %d",
                w, -w, half), RlaifPipeline.LABEL, c -> {
                    c.labeler.drifts = new ArrayList<>(c.labeler.drifts);
                    c.labeler.drifts.add(RlaifConfig.DriftSpec.of("no_padding", -w, half, half, "abrupt"));
                    o.applyTo(c);
                }));
        ArmResult template = sweep.run(Arm.of("template", "one added instruction: prefer the shorter of equal responses",
                RlaifPipeline.LABEL, c -> {
                    c.labeler.brevityWeight += TemplateVariant.EXTRA_BREVITY;
                    o.applyTo(c);
                }));
        Map<Long, Preference> ref = labels(stable);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ArmResult r : List.of(stable, drift, template)) {
            double[] changed = changedAgainst(ref, labels(r), half);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("arm", r.name());
            row.put("labels_changed_first_half", changed[0]);
            row.put("labels_changed_second_half", changed[1]);
            row.put("labels_agree_with_gold", r.stage(RlaifPipeline.LABEL, "agreement_with_gold"));
            row.put("rm_accuracy_vs_labeler", r.stage(RlaifPipeline.REWARD_MODEL, "held_out_accuracy_vs_labeler"));
            row.put("rm_accuracy_vs_gold", r.stage(RlaifPipeline.REWARD_MODEL, "held_out_accuracy_vs_gold"));
            row.put("proxy_jitter", Series.jitter(r.series("objective/scores")));
            row.put("gold_jitter", Series.jitter(r.series("gold/score")));
            row.put("kl_final", Series.tail(r.series("objective/kl"), 3));
            row.put("gold_ppo", r.eval("ppo", "gold_score"));
            row.put("length_ppo", r.eval("ppo", "mean_length"));
            rows.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiment", NAME);
        out.put("drift_at_pair", half);
        out.put("arms", rows);
        AtomicFiles.writeString(sweep.root().resolve("result.json"), RlaifConfig.MAPPER.writeValueAsString(out));

        HtmlReport rep = new HtmlReport("Drift and prompt sensitivity: when the labeler changes its mind");
        Map<String, Object> d = rows.get(1), t = rows.get(2);
        rep.paragraph(String.format(Locale.ROOT, "The same answer pairs were labeled by the usual judge, by a judge whose "
                + "view of padded answers flipped halfway through, and by a judge given one extra instruction. The "
                + "drifting judge changed %s of the labels in the second half (against %s in the first) and the reworded "
                + "one %s overall, and the reward model trained on the drifting labels agreed with the truth %s of the "
                + "time against %s for the stable judge: a labeler that changes mid-run leaves the reward model averaging "
                + "two different judges.",
                pct((Double) d.get("labels_changed_second_half")), pct((Double) d.get("labels_changed_first_half")),
                pct(((Double) t.get("labels_changed_first_half") + (Double) t.get("labels_changed_second_half")) / 2),
                pct((Double) d.get("rm_accuracy_vs_gold")), pct((Double) rows.get(0).get("rm_accuracy_vs_gold"))));
        LineChart proxy = new LineChart("Proxy reward over PPO", "PPO step", "proxy (normalised)");
        LineChart gold = new LineChart("Gold over PPO (3-step average)", "PPO step", "gold score");
        for (ArmResult r : List.of(stable, drift, template)) {
            proxy.series(r.name(), Series.steps(r.steps()), r.series("objective/scores"));
            gold.series(r.name(), Series.steps(r.steps()), Series.smooth(r.series("gold/score"), 3));
        }
        rep.chart(proxy).chart(gold);
        List<List<String>> table = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            table.add(List.of((String) r.get("arm"), pct((Double) r.get("labels_changed_first_half")),
                    pct((Double) r.get("labels_changed_second_half")), f3((Double) r.get("labels_agree_with_gold")),
                    f3((Double) r.get("rm_accuracy_vs_labeler")), f3((Double) r.get("rm_accuracy_vs_gold")),
                    f3((Double) r.get("proxy_jitter")), f3((Double) r.get("gold_jitter")), f3((Double) r.get("gold_ppo")),
                    f3((Double) r.get("length_ppo"))));
        }
        rep.table(List.of("arm", "labels changed, 1st half", "labels changed, 2nd half", "labels vs gold",
                "pθ acc vs own labels", "pθ acc vs gold", "proxy jitter", "gold jitter", "gold PPO", "length PPO"), table);
        rep.paragraph("Jitter is the standard deviation of step-to-step changes over PPO: larger means a less stable run. "
                + "\"Labels changed\" compares each arm's label on a pair with the stable judge's label on the same pair.");
        rep.paragraph(o.describePpo(sweep.baseConfig()));
        rep.write(sweep.root().resolve("report.html"));
        log.printf(Locale.ROOT, "[experiment] drift: labels changed 1st/2nd half %s/%s; pθ acc vs gold stable %s, drift %s, "
                + "template %s%n", pct((Double) d.get("labels_changed_first_half")),
                pct((Double) d.get("labels_changed_second_half")), f3((Double) rows.get(0).get("rm_accuracy_vs_gold")),
                f3((Double) d.get("rm_accuracy_vs_gold")), f3((Double) t.get("rm_accuracy_vs_gold")));
        return out;
    }

    static Map<Long, Preference> labels(ArmResult r) throws IOException {
        Map<Long, Preference> m = new HashMap<>();
        for (PreferenceRecord p : Jsonl.read(r.dir().resolve("preferences.jsonl"), PreferenceRecord.class)) {
            m.put(p.pairIndex(), p.label());
        }
        return m;
    }

    /** Fraction of pairs whose label differs from the reference, for pair index < half and >= half. */
    static double[] changedAgainst(Map<Long, Preference> ref, Map<Long, Preference> other, long half) {
        int[] n = new int[2], diff = new int[2];
        for (Map.Entry<Long, Preference> e : ref.entrySet()) {
            Preference p = other.get(e.getKey());
            if (p == null) {
                continue;
            }
            int h = e.getKey() < half ? 0 : 1;
            n[h]++;
            diff[h] += p == e.getValue() ? 0 : 1;
        }
        return new double[] {n[0] == 0 ? Double.NaN : diff[0] / (double) n[0], n[1] == 0 ? Double.NaN : diff[1] / (double) n[1]};
    }
}
