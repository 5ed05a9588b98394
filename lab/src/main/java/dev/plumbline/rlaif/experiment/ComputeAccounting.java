// Experiment 8 of the failure-mode lab: what each RLAIF stage cost in time and FLOPs.
package dev.plumbline.rlaif.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.PreferenceRecord;
import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;
import dev.plumbline.rlaif.pipeline.RunDirectory;
import dev.plumbline.rlaif.report.HtmlReport;
import dev.plumbline.rlaif.rl.Algorithm;
import dev.plumbline.rlaif.rl.PhaseClock;
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

/**
 * Compute accounting: from a run's stage summaries ({@code stages/NAME.json}, each with
 * {@code seconds} and {@code flops}, the {@link dev.plumbline.tensor.FlopCounter} delta over the
 * stage) and its config, a table with one row per stage — seconds, share of wall time, GFLOP,
 * share of FLOPs, achieved GFLOP/s, and the cost of one unit of the stage's work (an SFT step, a
 * sampled pair, a label, a preference pair trained for one epoch, a PPO step, an evaluated
 * prompt) — so the overhead RLAIF adds to supervised training is a measured number.
 *
 * <pre>{@code
 * Map<String, Object> r = ComputeAccounting.run(Path.of("runs/demo"), System.err);
 * // runs/demo/experiments/compute/result.json and report.html
 * }</pre>
 *
 * <p>Nothing is trained: the experiment only reads. A stage that has not run is shown as
 * "not run"; a stage written before stages recorded FLOPs is shown as "not recorded" (never as
 * zero). For SFT the measurement is checked against the usual estimate of 6·N·tokens (N the
 * parameter count, tokens = steps × batch × context length). The labeler is listed separately:
 * a rule judge costs no model FLOPs, an HTTP judge costs requests, counted from the raw
 * judgements in {@code preferences.jsonl} ({@link PreferenceRecord#rawJudgements()}).
 *
 * <p>The policy-optimisation stage is also split into the phases of one update (generate, score,
 * reference, judge, update; {@link PhaseClock}), for the run's optimiser and — when
 * {@code experiment algorithms} has run — for each optimiser it compared.
 */
public final class ComputeAccounting {
    private ComputeAccounting() {}

    /** The stages accounted for, in pipeline order (the report stage only writes HTML). */
    static final List<String> STAGES = List.of(RlaifPipeline.SFT, RlaifPipeline.SAMPLE, RlaifPipeline.LABEL,
            RlaifPipeline.REWARD_MODEL, RlaifPipeline.PPO, RlaifPipeline.EVAL);

    /** What one unit of a stage's work is, and how many units it did. */
    private record Unit(String name, double count) {}

    /**
     * Reads a run directory and writes {@code runDir/experiments/compute/result.json} and
     * {@code report.html}.
     *
     * @param runDir a run directory with a {@code config.json} (any stages may be missing)
     * @param log    where a one-line summary is printed
     * @return what {@code result.json} holds: {@code stages} (one map per stage), totals, the SFT
     *     cross-check and the labeler's cost
     */
    public static Map<String, Object> run(Path runDir, PrintStream log) throws IOException {
        RlaifPipeline p = RlaifPipeline.open(runDir, null, log);
        RlaifConfig cfg = p.config();
        RunDirectory run = p.runDirectory();

        Map<String, JsonNode> sums = new LinkedHashMap<>();
        for (String s : STAGES) {
            run.summary(s).ifPresent(j -> sums.put(s, j));
        }
        // shares are of the stages that ran (wall time) and of those that recorded FLOPs
        double totalSeconds = 0, totalFlops = 0;
        for (JsonNode j : sums.values()) {
            totalSeconds += j.path("seconds").asDouble(0);
            totalFlops += j.has("flops") ? j.path("flops").asDouble() : 0;
        }
        long parameters = sums.containsKey(RlaifPipeline.SFT) ? sums.get(RlaifPipeline.SFT).path("parameters").asLong(0) : 0;

        List<Map<String, Object>> rows = new ArrayList<>();
        for (String s : STAGES) {
            JsonNode j = sums.get(s);
            Unit unit = unit(s, cfg, j);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("stage", s);
            row.put("status", j == null ? "not run" : "done");
            row.put("unit", unit.name());
            if (j == null) {
                rows.add(row);
                continue;
            }
            double seconds = j.path("seconds").asDouble(Double.NaN);
            boolean recorded = j.has("flops");
            double flops = recorded ? j.path("flops").asDouble() : Double.NaN;
            row.put("units", unit.count());
            row.put("seconds", seconds);
            row.put("wall_share", seconds / totalSeconds);
            row.put("flops_recorded", recorded);
            if (recorded) {
                row.put("flops", (long) flops);
                row.put("gflop", flops / 1e9);
                row.put("flops_share", totalFlops > 0 ? flops / totalFlops : Double.NaN);
                row.put("gflop_per_second", flops / 1e9 / seconds);
                row.put("gflop_per_unit", flops / 1e9 / unit.count());
            }
            row.put("seconds_per_unit", seconds / unit.count());
            if (s.equals(RlaifPipeline.SFT) && parameters > 0) {
                // Kaplan et al.'s estimate: forward 2N and backward 4N FLOPs per token trained on
                double tokens = (double) cfg.sft.steps * cfg.sft.batchSize * cfg.model.contextLength;
                double analytic = 6.0 * parameters * tokens;
                row.put("analytic_flops", analytic);
                if (recorded) {
                    row.put("measured_over_analytic", flops / analytic);
                }
            }
            rows.add(row);
        }

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", runDir.toString());
        out.put("parameters", parameters);
        out.put("total_seconds", totalSeconds);
        out.put("total_flops", (long) totalFlops);
        out.put("stages", rows);
        out.put("labeler", labelerCost(cfg, run, sums.get(RlaifPipeline.LABEL)));
        Path metrics = run.file("metrics.jsonl");
        if (Files.exists(metrics)) {
            out.put("update_phases", phases(metrics));
        }
        List<Map<String, Object>> optimisers = optimisers(runDir.resolve("experiments").resolve(AlgorithmsExperiment.NAME));
        if (!optimisers.isEmpty()) {
            out.put("optimisers", optimisers);
        }

        Path dir = runDir.resolve("experiments").resolve("compute");
        Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve("result.json"), RlaifConfig.MAPPER.writeValueAsString(out));
        report(out, rows, cfg).write(dir.resolve("report.html"));
        log.printf(Locale.ROOT, "[experiment] compute: %d of %d stages run, %.1f s, %.3f GFLOP recorded; %s%n",
                sums.size(), STAGES.size(), totalSeconds, totalFlops / 1e9, dir.resolve("report.html"));
        return out;
    }

    /** The phases of an update in step order; any other phase a metrics file names comes after them. */
    static final List<String> PHASES = List.of(PhaseClock.GENERATE, PhaseClock.SCORE, PhaseClock.REFERENCE,
            PhaseClock.JUDGE, PhaseClock.UPDATE);

    /**
     * Where one policy-optimisation update goes, from the per-step {@code time/PHASE_seconds} and
     * {@code flops/PHASE} of {@code metrics.jsonl} ({@link PhaseClock}): per phase the mean seconds and
     * GFLOP per update and the share of the step's time, plus {@code step} for the whole update.
     * Empty when the metrics predate the phase clock.
     */
    static Map<String, Object> phases(Path metricsFile) throws IOException {
        return phases(List.of(metricsFile));
    }

    /** {@link #phases(Path)} over the steps of several metrics files together. */
    static Map<String, Object> phases(List<Path> metricsFiles) throws IOException {
        Map<String, double[]> acc = new LinkedHashMap<>();    // phase → {seconds, flops}
        int steps = 0;
        List<String> lines = new ArrayList<>();
        for (Path f : metricsFiles) {
            lines.addAll(Files.readAllLines(f));
        }
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode m = RlaifConfig.MAPPER.readTree(line);
            if (!m.has("flops/step")) {
                continue;
            }
            steps++;
            m.fieldNames().forEachRemaining(k -> {
                if (k.startsWith("time/") && k.endsWith("_seconds")) {
                    acc.computeIfAbsent(k.substring(5, k.length() - 8), x -> new double[2])[0] += m.get(k).asDouble();
                } else if (k.startsWith("flops/")) {
                    acc.computeIfAbsent(k.substring(6), x -> new double[2])[1] += m.get(k).asDouble();
                }
            });
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (steps == 0) {
            return out;
        }
        List<String> order = new ArrayList<>();
        for (String ph : PHASES) {
            if (acc.containsKey(ph)) {
                order.add(ph);
            }
        }
        for (String ph : acc.keySet()) {
            if (!order.contains(ph) && !ph.equals("step")) {
                order.add(ph);
            }
        }
        order.add("step");
        double stepSeconds = acc.getOrDefault("step", new double[2])[0];
        for (String ph : order) {
            double[] v = acc.getOrDefault(ph, new double[2]);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("seconds_per_update", v[0] / steps);
            row.put("gflop_per_update", v[1] / 1e9 / steps);
            row.put("time_share", stepSeconds > 0 ? v[0] / stepSeconds : Double.NaN);
            out.put(ph, row);
        }
        out.put("updates", steps);
        return out;
    }

    /**
     * One row per optimiser arm of {@code experiment algorithms} under {@code root} (its arms, or each
     * replicate's {@code seed-S/ARM}): the arm's update phases over all its replicates' steps.
     */
    static List<Map<String, Object>> optimisers(Path root) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        List<Path> sweeps = new ArrayList<>();
        sweeps.add(root);
        try (var dirs = Files.list(root)) {
            dirs.filter(d -> d.getFileName().toString().startsWith("seed-") && Files.isDirectory(d)).sorted()
                    .forEach(sweeps::add);
        }
        for (Algorithm a : AlgorithmsExperiment.ARMS) {
            List<Path> files = new ArrayList<>();
            for (Path sw : sweeps) {
                Path arm = sw.resolve(a.id());
                if (Files.exists(arm.resolve("stages").resolve(RlaifPipeline.PPO + ".json"))
                        && Files.exists(arm.resolve("metrics.jsonl"))) {
                    files.add(arm.resolve("metrics.jsonl"));
                }
            }
            Map<String, Object> ph = files.isEmpty() ? Map.of() : phases(files);
            if (!ph.isEmpty()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("algorithm", a.id());
                row.put("replicates", files.size());
                row.put("phases", ph);
                out.add(row);
            }
        }
        return out;
    }

    /** A stage's unit of work; counts come from the stage's summary where it recorded them, else the config. */
    private static Unit unit(String stage, RlaifConfig cfg, JsonNode sum) {
        JsonNode j = sum == null ? RlaifConfig.MAPPER.createObjectNode() : sum;
        return switch (stage) {
            case RlaifPipeline.SFT -> new Unit("SFT step (" + cfg.sft.batchSize + " demonstrations)", cfg.sft.steps);
            case RlaifPipeline.SAMPLE -> new Unit("sampled pair", j.path("pairs").asDouble(cfg.sampling.pairs));
            case RlaifPipeline.LABEL -> new Unit("label", j.path("pairs").asDouble(cfg.sampling.pairs));
            // one preference pair through one epoch of one ensemble member
            case RlaifPipeline.REWARD_MODEL -> new Unit("preference pair trained (per epoch and member)",
                    j.path("train_pairs").asDouble(Double.NaN) * cfg.rewardModel.epochs
                            * j.path("members").asDouble(cfg.rewardModel.ensemble));
            case RlaifPipeline.PPO -> new Unit(j.path("algorithm").asText(cfg.algorithm).toUpperCase(java.util.Locale.ROOT)
                    + " step (" + cfg.ppo.batchSize + " responses)", j.path("steps").asDouble(cfg.ppo.steps));
            case RlaifPipeline.EVAL -> new Unit("evaluated prompt (SFT and PPO policy)",
                    j.path("prompts").asDouble(cfg.eval.prompts));
            default -> throw new IllegalArgumentException("no unit for stage " + stage);
        };
    }

    /** The labeler's own cost: model FLOPs for local judges, requests for an HTTP judge. */
    private static Map<String, Object> labelerCost(RlaifConfig cfg, RunDirectory run, JsonNode label) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", cfg.labeler.kind);
        if (label != null) {
            m.put("name", label.path("labeler").asText(cfg.labeler.kind));
        }
        Path prefs = run.file("preferences.jsonl");
        if (Files.exists(prefs)) {
            long records = 0, calls = 0, failed = 0;
            for (PreferenceRecord r : Jsonl.read(prefs, PreferenceRecord.class)) {
                records++;
                calls += r.rawJudgements() == null ? 0 : r.rawJudgements().size();
                failed += r.failureReason() != null ? 1 : 0;
            }
            m.put("records", records);
            m.put("judge_calls", calls);   // one per order shown: an HTTP request each for an HTTP judge
            m.put("failed_records", failed);
            m.put("calls_per_label", records == 0 ? Double.NaN : (double) calls / records);
        }
        return m;
    }

    // ---- report -------------------------------------------------------------------------------------

    private static HtmlReport report(Map<String, Object> out, List<Map<String, Object>> rows, RlaifConfig cfg) {
        HtmlReport r = new HtmlReport("Compute accounting: time and FLOPs per RLAIF stage");
        // the two sentences for a reader without ML background
        r.paragraph("Each row is one stage of the pipeline: how long it took and how much arithmetic the computer did "
                + "for it, counted in GFLOP (billions of multiplications and additions). The SFT row is ordinary "
                + "training on example answers; the other rows are the extra work of having an AI judge compare answers, "
                + "teaching a scoring model from those comparisons and improving the model against that score (PPO), "
                + "so their share of the total is the price of learning from AI feedback.");
        List<List<String>> table = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            String stage = (String) row.get("stage");
            if ("not run".equals(row.get("status"))) {
                table.add(List.of(stage, "not run", "not run", "not run", "not run", "not run", "not run",
                        (String) row.get("unit"), "not run", "not run", "not run"));
                continue;
            }
            boolean recorded = (Boolean) row.get("flops_recorded");
            String nr = "not recorded";
            table.add(List.of(stage, fmt("%.2f", row.get("seconds")), pct(row.get("wall_share")),
                    recorded ? fmt("%.3f", row.get("gflop")) : nr, recorded ? pct(row.get("flops_share")) : nr,
                    recorded ? fmt("%.3f", row.get("gflop_per_second")) : nr,
                    fmt("%.0f", row.get("units")), (String) row.get("unit"), fmt("%.4g", row.get("seconds_per_unit")),
                    recorded ? fmt("%.4g", row.get("gflop_per_unit")) : nr, analytic(row)));
        }
        r.table(List.of("stage", "seconds", "share of time", "GFLOP", "share of FLOPs", "GFLOP/s", "units", "unit",
                "seconds per unit", "GFLOP per unit", "6·N·tokens GFLOP (measured / analytic)"), table);
        r.paragraph(String.format(Locale.ROOT, "Total: %.2f s over the stages that ran, %.3f GFLOP recorded. FLOPs count "
                + "the matrix products and attention (forward and backward) the engine executed, not elementwise work; "
                + "shares of FLOPs are of the stages that recorded them. Stages that ran in another process (a resumed "
                + "run) count only that process's work, and the first stage of a process also pays for the JIT "
                + "compiler warming up, which lowers its GFLOP/s.", (Double) out.get("total_seconds"),
                ((Long) out.get("total_flops")) / 1e9));
        r.paragraph(String.format(Locale.ROOT, "Cross-check: training a model of N = %d parameters on a token costs about "
                + "6·N FLOPs (2·N forward, 4·N backward). For SFT, tokens = %d steps × %d sequences × %d positions. The "
                + "measured count differs from it because batches of short demonstrations are cut to their longest "
                + "example (fewer tokens), attention adds T-dependent work, the position embeddings in N do no "
                + "multiplications, and the final evaluation adds a few forward passes.", (Long) out.get("parameters"),
                cfg.sft.steps, cfg.sft.batchSize, cfg.model.contextLength));

        @SuppressWarnings("unchecked")
        Map<String, Object> phases = (Map<String, Object>) out.get("update_phases");
        if (phases != null && !phases.isEmpty()) {
            r.section("Where one policy-optimisation update goes (" + cfg.algorithm + ")");
            r.paragraph("Each update samples responses (generate), scores them with the reward model or the judge "
                    + "(score), computes the reference policy's log-probabilities for the KL (reference), asks the judge "
                    + "online where the optimiser does (judge), and trains (update: advantages, critic and policy "
                    + "gradient steps). Means over the run's " + phases.get("updates") + " updates.");
            r.table(List.of("phase", "seconds per update", "share of the update's time", "GFLOP per update"),
                    phaseRows(phases));
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> opts = (List<Map<String, Object>>) out.get("optimisers");
        if (opts != null) {
            r.section("Per optimiser (experiment algorithms)");
            r.paragraph("The same phases for every arm of experiment algorithms, over all its replicates' updates: "
                    + "seconds per update (share of the update) and GFLOP per update.");
            List<String> head = new ArrayList<>(List.of("optimiser", "replicates"));
            for (String ph : PHASES) {
                head.add(ph + " s (share)");
            }
            head.add("total s per update");
            head.add("GFLOP per update");
            List<List<String>> t = new ArrayList<>();
            for (Map<String, Object> o : opts) {
                @SuppressWarnings("unchecked")
                Map<String, Object> ph = (Map<String, Object>) o.get("phases");
                List<String> row = new ArrayList<>(List.of((String) o.get("algorithm"), String.valueOf(o.get("replicates"))));
                for (String p : PHASES) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> v = (Map<String, Object>) ph.get(p);
                    row.add(v == null ? "—" : fmt("%.3f", v.get("seconds_per_update")) + " (" + pct(v.get("time_share")) + ")");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> st = (Map<String, Object>) ph.get("step");
                row.add(fmt("%.3f", st.get("seconds_per_update")));
                row.add(fmt("%.3f", st.get("gflop_per_update")));
                t.add(row);
            }
            r.table(head, t);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> lab = (Map<String, Object>) out.get("labeler");
        r.section("The labeler's cost");
        String calls = lab.containsKey("judge_calls")
                ? lab.get("judge_calls") + " judge calls for " + lab.get("records") + " labels ("
                        + fmt("%.2f", lab.get("calls_per_label")) + " per label, " + lab.get("failed_records") + " failed)"
                : "no preferences.jsonl, so no judge calls to count";
        if ("http".equals(lab.get("kind"))) {
            r.paragraph("HTTP judge" + (lab.containsKey("name") ? " " + lab.get("name") : "") + ": " + calls + ". Each "
                    + "call is one request to the judge's server; its compute happens there and is not in the FLOPs "
                    + "above, so its cost is requests (and the provider's price per request or token).");
        } else {
            r.paragraph("Rule judge" + (lab.containsKey("name") ? " " + lab.get("name") : "") + ": " + calls + ". It "
                    + "scores responses with fixed rules and runs no model, so labeling is nearly free in FLOPs (the "
                    + "label row's GFLOP is essentially zero); a real AI judge would cost requests or model FLOPs here.");
        }
        return r;
    }

    private static List<List<String>> phaseRows(Map<String, Object> phases) {
        List<List<String>> t = new ArrayList<>();
        for (Map.Entry<String, Object> e : phases.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> v) {
                t.add(List.of(e.getKey(), fmt("%.4f", v.get("seconds_per_update")), pct(v.get("time_share")),
                        fmt("%.4f", v.get("gflop_per_update"))));
            }
        }
        return t;
    }

    private static String analytic(Map<String, Object> row) {
        if (!row.containsKey("analytic_flops")) {
            return "—";
        }
        String a = fmt("%.3f", (Double) row.get("analytic_flops") / 1e9);
        return row.containsKey("measured_over_analytic") ? a + " (" + fmt("%.2f", row.get("measured_over_analytic")) + "×)"
                : a + " (measured: not recorded)";
    }

    /** A number for the table; a missing one (NaN: no seconds or no unit count recorded) as "—". */
    private static String fmt(String f, Object v) {
        return v instanceof Double d && d.isNaN() ? "—" : String.format(Locale.ROOT, f, v);
    }

    private static String pct(Object share) {
        return fmt("%.1f %%", 100 * (Double) share);
    }
}
