// Runs one failure-mode experiment as several paired replicate seeds and calls each hypothesis from its interval.
package dev.plumbline.rlaif.experiment;

import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.report.HtmlReport;
import dev.plumbline.tensor.io.AtomicFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An experiment run as {@code n} replicates over one base run: replicate {@code i} runs every arm
 * with seed {@code s_i} ({@link ExperimentOptions#withSeed}: labeler, pθ, PPO and evaluation draw
 * from it, the base run's SFT policy and pairs are shared), so arms are paired within a replicate.
 * Each replicate is an ordinary sweep under {@code experiments/NAME/seed-S/} with its own
 * {@code result.json} and report, and resumes like one. Then:
 *
 * <ul>
 *   <li>every numeric metric of every arm gets its mean over replicates with a 95% t interval;</li>
 *   <li>every {@link Hypothesis} gets its per-replicate effect (a paired difference), the effect's
 *       mean, 95% t interval, p-value and the smallest effect the run could have detected with 80%
 *       power, and a verdict: reproduced, contradicted or inconclusive;</li>
 *   <li>{@code experiments/NAME/replicates.json} and {@code replicates.html} hold both tables.</li>
 * </ul>
 *
 * <pre>{@code
 * Map<String, Object> r = ReplicatedExperiment.run(Path.of("runs/demo"), LengthBiasExperiment.NAME,
 *         ExperimentOptions.defaults(), 5, LengthBiasExperiment::run, LengthBiasExperiment.HYPOTHESES, System.err);
 * // r.get("hypotheses"): [{id, claim, verdict, mean, ci95, p_value, min_detectable_effect_80, ...}]
 * }</pre>
 *
 * The replicate seeds are a fixed function of the experiment's name and the base run's seed
 * ({@link Replicates#seeds}), so the same command reproduces the same replicates.
 */
public final class ReplicatedExperiment {
    private ReplicatedExperiment() {}

    /** One replicate of an experiment: the experiments' own {@code run(base, options, log)}. */
    @FunctionalInterface
    public interface Runner {
        /** Runs (or resumes) the experiment with options {@code o} and returns its result map. */
        Map<String, Object> run(Path baseRun, ExperimentOptions o, PrintStream log) throws IOException;
    }

    /**
     * Runs {@code n ≥ 2} replicates (resuming finished ones) and writes the summary.
     *
     * @return the summary also written to {@code experiments/NAME/replicates.json}
     */
    public static Map<String, Object> run(Path baseRun, String name, ExperimentOptions o, int n, Runner experiment,
                                          List<Hypothesis> hypotheses, PrintStream log) throws IOException {
        return run(baseRun, name, o, seedsFor(baseRun, name, n), experiment, hypotheses, log);
    }

    /** As {@link #run(Path, String, ExperimentOptions, int, Runner, List, PrintStream)} with given seeds (tests). */
    public static Map<String, Object> run(Path baseRun, String name, ExperimentOptions o, long[] seeds, Runner experiment,
                                          List<Hypothesis> hypotheses, PrintStream log) throws IOException {
        int n = seeds.length;
        if (n < 2) {
            throw new IllegalArgumentException("replicates: " + name + " needs at least 2 seeds for an interval, got " + n);
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            log.printf(Locale.ROOT, "[experiment] %s: replicate %d of %d, seed %d%n", name, i + 1, n, seeds[i]);
            results.add(experiment.run(baseRun, o.withSeed(seeds[i]), log));
        }
        Map<String, Object> out = summarise(name, seeds, results, hypotheses);
        Path root = baseRun.resolve("experiments").resolve(name);
        Files.createDirectories(root);
        AtomicFiles.writeString(root.resolve("replicates.json"), RlaifConfig.MAPPER.writerWithDefaultPrettyPrinter()
                .writeValueAsString(out));
        report(out).write(root.resolve("replicates.html"));
        for (Object h : (List<?>) out.get("hypotheses")) {
            Map<?, ?> m = (Map<?, ?>) h;
            log.printf(Locale.ROOT, "[experiment] %s: %s — %s (effect %s)%n", name, m.get("id"), m.get("verdict"),
                    m.get("summary"));
        }
        return out;
    }

    /**
     * The replicate seeds of experiment {@code name} over {@code baseRun}: derived from the name and
     * the base run's {@code seed} in its {@code config.json}.
     */
    public static long[] seedsFor(Path baseRun, String name, int n) throws IOException {
        Path cfg = baseRun.resolve("config.json");
        long baseSeed = Files.exists(cfg) ? RlaifConfig.MAPPER.readTree(cfg.toFile()).path("seed").asLong(1) : 1;
        return Replicates.seeds(name + "/base-seed-" + baseSeed, n);
    }

    /**
     * The summary of replicate results (pure: no files), as {@link #run} writes it: arm metrics with
     * intervals and each hypothesis's effect and verdict.
     */
    public static Map<String, Object> summarise(String name, long[] seeds, List<Map<String, Object>> results,
                                                List<Hypothesis> hypotheses) {
        if (seeds.length != results.size()) {
            throw new IllegalArgumentException(name + ": " + seeds.length + " seeds but " + results.size() + " results");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiment", name);
        out.put("replicates", seeds.length);
        List<Long> seedList = new ArrayList<>();
        for (long s : seeds) {
            seedList.add(s);
        }
        out.put("seeds", seedList);
        out.put("interval", "two-sided 95% Student t over replicates; effects are paired within a replicate");
        List<Map<String, Object>> hs = new ArrayList<>();
        for (Hypothesis h : hypotheses) {
            double[] v = new double[results.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = h.measure().applyAsDouble(results.get(i));
            }
            Replicates r = Replicates.of(h.effect(), seeds, v);
            Hypothesis.Verdict verdict = h.verdict(r);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", h.id());
            m.put("claim", h.claim());
            m.put("anchor", h.anchor());
            m.put("effect", h.effect());
            m.put("predicted", h.direction() == Hypothesis.Direction.HIGHER ? "> 0" : "< 0");
            m.put("verdict", verdict.label());
            m.put("mean", finite(r.mean()));
            m.put("sd", finite(r.sd()));
            double[] ci = r.n() < 2 ? new double[] {Double.NaN, Double.NaN} : r.interval(0.95);
            m.put("ci95", List.of(finite(ci[0]), finite(ci[1])));
            m.put("p_value", finite(r.pValue()));
            m.put("min_detectable_effect_80", finite(r.minimumDetectableEffect(0.95, 0.8)));
            m.put("per_seed", list(v));
            m.put("summary", String.format(Locale.ROOT, "%+.4f, 95%% [%+.4f, %+.4f], p %.3g, n %d", r.mean(), ci[0],
                    ci[1], r.pValue(), r.n()));
            hs.add(m);
        }
        out.put("hypotheses", hs);
        out.put("arms", armSummaries(results));
        return out;
    }

    // every list-of-rows key (e.g. "arms", "arms_all_labels") → its rows' numeric metrics, summarised
    private static Map<String, Object> armSummaries(List<Map<String, Object>> results) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> first = results.get(0);
        for (Map.Entry<String, Object> e : first.entrySet()) {
            if (!(e.getValue() instanceof List<?> rows) || rows.isEmpty() || !(rows.get(0) instanceof Map<?, ?>)) {
                continue;
            }
            List<Map<String, Object>> armsOut = new ArrayList<>();
            for (int a = 0; a < rows.size(); a++) {
                Map<String, Object> row0 = Hypothesis.arm(first, e.getKey(), a);
                Map<String, Object> arm = new LinkedHashMap<>();
                arm.put("arm", label(row0, a));
                Set<String> keys = new LinkedHashSet<>(row0.keySet());
                for (String k : keys) {
                    if (!(row0.get(k) instanceof Number)) {
                        continue;
                    }
                    double[] v = new double[results.size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = Hypothesis.number(Hypothesis.arm(results.get(i), e.getKey(), a), k);
                    }
                    Replicates r = Replicates.of(k, new long[v.length], v);
                    double[] ci = r.n() < 2 ? new double[] {Double.NaN, Double.NaN} : r.interval(0.95);
                    Map<String, Object> stat = new LinkedHashMap<>();
                    stat.put("mean", finite(r.mean()));
                    stat.put("lo", finite(ci[0]));
                    stat.put("hi", finite(ci[1]));
                    arm.put(k, stat);
                }
                armsOut.add(arm);
            }
            out.put(e.getKey(), armsOut);
        }
        return out;
    }

    private static String label(Map<String, Object> row, int index) {
        for (String k : List.of("arm", "epsilon", "gold_pairs", "injected")) {
            if (row.containsKey(k)) {
                return k.equals("arm") ? String.valueOf(row.get(k)) : k + "=" + row.get(k);
            }
        }
        return "#" + index;
    }

    private static List<Double> list(double[] v) {
        List<Double> l = new ArrayList<>();
        for (double x : v) {
            l.add(finite(x));
        }
        return l;
    }

    // JSON has no NaN: a missing value is written as null
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    @SuppressWarnings("unchecked")
    private static HtmlReport report(Map<String, Object> s) {
        HtmlReport rep = new HtmlReport("Replicates: " + s.get("experiment"));
        rep.paragraph(s.get("replicates") + " replicates (seeds " + s.get("seeds") + "), every arm of a replicate run "
                + "with its seed over the same SFT policy and pairs. Intervals: " + s.get("interval") + ". A hypothesis "
                + "is reproduced when its interval lies wholly on the predicted side of 0, contradicted when wholly on "
                + "the other, inconclusive otherwise; 'detectable' is the smallest true effect these replicates would "
                + "have found with 80% power.");
        rep.section("Hypotheses");
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Object> h : (List<Map<String, Object>>) s.get("hypotheses")) {
            List<?> ci = (List<?>) h.get("ci95");
            rows.add(List.of((String) h.get("claim"), (String) h.get("anchor"), (String) h.get("effect"),
                    (String) h.get("predicted"), fmt(h.get("mean")), "[" + fmt(ci.get(0)) + ", " + fmt(ci.get(1)) + "]",
                    fmt(h.get("p_value")), fmt(h.get("min_detectable_effect_80")), ((String) h.get("verdict"))));
        }
        rep.table(List.of("claim", "anchor", "effect per replicate", "predicted", "mean", "95% interval", "p",
                "detectable", "verdict"), rows);
        for (Map.Entry<String, Object> e : ((Map<String, Object>) s.get("arms")).entrySet()) {
            rep.section("Arms (" + e.getKey() + "): mean [95% interval] over replicates");
            List<Map<String, Object>> arms = (List<Map<String, Object>>) e.getValue();
            List<String> header = new ArrayList<>();
            header.add("metric");
            for (Map<String, Object> a : arms) {
                header.add((String) a.get("arm"));
            }
            List<List<String>> table = new ArrayList<>();
            for (String k : arms.get(0).keySet()) {
                if (k.equals("arm")) {
                    continue;
                }
                List<String> row = new ArrayList<>();
                row.add(k);
                for (Map<String, Object> a : arms) {
                    Map<String, Object> m = (Map<String, Object>) a.get(k);
                    row.add(m == null ? "" : fmt(m.get("mean")) + " [" + fmt(m.get("lo")) + ", " + fmt(m.get("hi")) + "]");
                }
                table.add(row);
            }
            rep.table(header, table);
        }
        return rep;
    }

    private static String fmt(Object v) {
        return v instanceof Number n ? String.format(Locale.ROOT, "%.4g", n.doubleValue()) : "–";
    }
}
