// The onset alarm measured against gold over every policy-optimisation run of the lab.
package dev.plumbline.rlaif.experiment;

import dev.plumbline.rlaif.audit.Proportion;
import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;
import dev.plumbline.rlaif.report.HtmlReport;
import dev.plumbline.rlaif.report.LineChart;
import dev.plumbline.tensor.io.AtomicFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * How good the gold-free {@link dev.plumbline.rlaif.pipeline.OnsetAlarm} is, judged by the gold score
 * no stage of the loop sees. Every run directory under {@code DIR/experiments/} whose
 * {@code metrics.jsonl} carries the alarm is one case:
 *
 * <pre>
 *   gold curve     gold/score per step, centred moving average over 5 steps
 *   over-optimised the curve's peak is at least δ = {@value #DROP} above its last value (gold rose, then fell)
 *   alarm          alarm/first_step of the last row (0: never fired)
 *   precision      over-optimised runs among those the alarm fired on      95% Wilson interval
 *   recall         runs the alarm fired on among the over-optimised         95% Wilson interval
 *   false alarms   fired among the healthy runs                              95% Wilson interval
 *   lead           gold-peak step − alarm step on the detected runs (> 0: it fired before gold turned), t interval
 * </pre>
 *
 * Runs are counted as independent trials, though arms of one replicate share their SFT policy; read
 * the intervals as slightly optimistic. {@code experiment onset-alarm} writes
 * {@code experiments/onset-alarm/result.json} and {@code report.html}.
 *
 * <pre>{@code
 * Map<String, Object> r = OnsetEvaluation.run(Path.of("runs/demo"), System.err);
 * }</pre>
 */
public final class OnsetEvaluation {
    /** The experiment's name. */
    public static final String NAME = "onset-alarm";
    /** Gold drop from the peak (in gold-score units) that makes a run over-optimised. */
    public static final double DROP = 0.05;
    /** Centred smoothing window of the gold curve. */
    static final int WINDOW = 5;

    private OnsetEvaluation() {}

    /**
     * One run judged.
     *
     * @param run           the run directory, relative to the base run
     * @param steps         optimisation steps logged
     * @param goldPeakStep  1-based step of the smoothed gold peak
     * @param goldDrop      smoothed peak minus smoothed last value
     * @param overOptimised goldDrop &ge; {@link #DROP}
     * @param alarmStep     1-based step the alarm fired, 0 if it did not
     */
    public record Case(String run, int steps, int goldPeakStep, double goldDrop, boolean overOptimised, long alarmStep) {}

    /** Judges one run's metrics rows (null when it has no alarm or too few steps to judge). */
    public static Case judge(String run, List<Map<String, Double>> rows) {
        if (rows.size() < 2 * WINDOW || rows.get(rows.size() - 1).get("alarm/first_step") == null) {
            return null;
        }
        double[] s = goldCurve(rows);
        int peak = 0;
        for (int i = 1; i < s.length; i++) {
            if (s[i] > s[peak]) {
                peak = i;
            }
        }
        double drop = s[peak] - s[s.length - 1];
        long alarm = Math.round(rows.get(rows.size() - 1).get("alarm/first_step"));
        return new Case(run, rows.size(), peak + 1, drop, drop >= DROP, alarm);
    }

    /** Precision, recall, false-alarm rate and lead over the cases. */
    public static Map<String, Object> summarise(List<Case> cases) {
        int tp = 0, fp = 0, fn = 0, tn = 0;
        List<Double> leads = new ArrayList<>();
        for (Case c : cases) {
            boolean fired = c.alarmStep() > 0;
            if (c.overOptimised() && fired) {
                tp++;
                leads.add((double) (c.goldPeakStep() - c.alarmStep()));
            } else if (fired) {
                fp++;
            } else if (c.overOptimised()) {
                fn++;
            } else {
                tn++;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("runs", cases.size());
        out.put("over_optimised", tp + fn);
        out.put("healthy", fp + tn);
        out.put("true_alarms", tp);
        out.put("false_alarms", fp);
        out.put("missed", fn);
        out.put("precision", Proportion.of(tp, tp + fp));
        out.put("recall", Proportion.of(tp, tp + fn));
        out.put("false_alarm_rate", Proportion.of(fp, fp + tn));
        if (leads.size() >= 2) {
            double[] v = leads.stream().mapToDouble(Double::doubleValue).toArray();
            long[] ids = new long[v.length];
            for (int i = 0; i < ids.length; i++) ids[i] = i;
            Replicates r = Replicates.of("lead", ids, v);
            double[] ci = r.interval(0.95);
            Map<String, Object> lead = new LinkedHashMap<>();   // ordered: result.json is the same on every JVM
            lead.put("mean", r.mean());
            lead.put("lo", ci[0]);
            lead.put("hi", ci[1]);
            lead.put("n", v.length);
            out.put("lead_steps", lead);
        } else if (leads.size() == 1) {
            out.put("lead_steps", new TreeMap<>(Map.of("mean", leads.get(0), "n", 1)));
        }
        return out;
    }

    /** Judges every run under {@code baseRun/experiments/}, writes the result and report, returns the result. */
    public static Map<String, Object> run(Path baseRun, PrintStream log) throws IOException {
        Path root = baseRun.resolve("experiments");
        List<Case> cases = new ArrayList<>();
        Map<Case, double[]> curves = new LinkedHashMap<>();
        if (Files.isDirectory(root)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(root)) {
                files = walk.filter(p -> p.getFileName().toString().equals("metrics.jsonl")).sorted().toList();
            }
            for (Path f : files) {
                List<Map<String, Double>> rows = RlaifPipeline.metricsRows(f);
                Case c = judge(baseRun.relativize(f.getParent()).toString().replace('\\', '/'), rows);
                if (c != null) {
                    cases.add(c);
                    curves.put(c, goldCurve(rows));
                }
            }
        }
        Map<String, Object> out = summarise(cases);
        out.put("drop_threshold", DROP);
        out.put("smoothing_window", WINDOW);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Case c : cases) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", c.run());
            m.put("steps", c.steps());
            m.put("gold_peak_step", c.goldPeakStep());
            m.put("gold_drop", c.goldDrop());
            m.put("over_optimised", c.overOptimised());
            m.put("alarm_step", c.alarmStep());
            rows.add(m);
        }
        out.put("cases", rows);
        Path dir = root.resolve(NAME);
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve("result.json"), RlaifConfig.MAPPER.writeValueAsString(out));
        report(out, cases, curves).write(dir.resolve("report.html"));
        log.println(String.format(Locale.ROOT, "[experiment] %s: %d runs (%d over-optimised): precision %s, recall %s, "
                        + "false alarms %s", NAME, cases.size(), (int) out.get("over_optimised"),
                ((Proportion) out.get("precision")).format(), ((Proportion) out.get("recall")).format(),
                ((Proportion) out.get("false_alarm_rate")).format()));
        return out;
    }

    private static HtmlReport report(Map<String, Object> out, List<Case> cases, Map<Case, double[]> curves) {
        HtmlReport r = new HtmlReport("Onset alarm against gold");
        r.paragraph("Every policy-optimisation run of the lab computes a gold-free alarm live (KL growth, length growth, "
                + "ensemble disagreement, proxy–judge gap, entropy collapse). Here the gold score, which the alarm never "
                + "sees, says whether the run really over-optimised: its smoothed gold curve peaked at least "
                + DROP + " above where it ended.");
        r.table(List.of("measure", "value [95% interval] (count/n)"), List.of(
                List.of("precision (fired runs that over-optimised)", ((Proportion) out.get("precision")).format()),
                List.of("recall (over-optimised runs it fired on)", ((Proportion) out.get("recall")).format()),
                List.of("false alarms (healthy runs it fired on)", ((Proportion) out.get("false_alarm_rate")).format()),
                List.of("lead: gold-peak step − alarm step", String.valueOf(out.getOrDefault("lead_steps", "n/a")))));
        List<List<String>> rows = new ArrayList<>();
        for (Case c : cases) {
            rows.add(List.of(c.run(), Integer.toString(c.steps()), Integer.toString(c.goldPeakStep()),
                    String.format(Locale.ROOT, "%+.3f", c.goldDrop()), c.overOptimised() ? "yes" : "no",
                    c.alarmStep() > 0 ? Long.toString(c.alarmStep()) : "-"));
        }
        r.section("Runs");
        r.table(List.of("run", "steps", "gold peak step", "gold drop", "over-optimised", "alarm step"), rows);
        LineChart chart = new LineChart("Smoothed gold of the over-optimised runs (markers: alarm)", "step", "gold");
        int shown = 0;
        for (Map.Entry<Case, double[]> e : curves.entrySet()) {
            if (!e.getKey().overOptimised() || shown == 8) {
                continue;
            }
            double[] x = new double[e.getValue().length];
            for (int i = 0; i < x.length; i++) x[i] = i + 1;
            chart.series(e.getKey().run(), x, e.getValue());
            if (e.getKey().alarmStep() > 0) {
                chart.marker(e.getKey().alarmStep(), "alarm");
            }
            shown++;
        }
        if (shown > 0) {
            r.chart(chart);
        }
        return r;
    }

    /** The run's gold/score per step, centred-smoothed over {@link #WINDOW} steps. */
    static double[] goldCurve(List<Map<String, Double>> rows) {
        double[] g = new double[rows.size()];
        for (int i = 0; i < g.length; i++) {
            Double v = rows.get(i).get("gold/score");
            g[i] = v == null ? Double.NaN : v;
        }
        return centred(g, WINDOW);
    }

    /** Centred moving average (NaN skipped; shorter windows at the ends). */
    static double[] centred(double[] v, int window) {
        int h = window / 2;
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double s = 0;
            int n = 0;
            for (int j = Math.max(0, i - h); j <= Math.min(v.length - 1, i + h); j++) {
                if (!Double.isNaN(v[j])) {
                    s += v[j];
                    n++;
                }
            }
            out[i] = n == 0 ? Double.NaN : s / n;
        }
        return out;
    }
}
