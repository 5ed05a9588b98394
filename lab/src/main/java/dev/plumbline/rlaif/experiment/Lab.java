// The whole failure-mode lab in one call: base run, every experiment with its seeds, one index report.
package dev.plumbline.rlaif.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plumbline.rlaif.audit.Proportion;
import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;
import dev.plumbline.rlaif.report.HtmlReport;
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

/**
 * Runs the failure-mode lab over one base run: the base run's stages (if not done), then every
 * replicated experiment ({@link #REPLICATED}: paired seeds, hypotheses, verdicts), the
 * over-optimisation sweep, compute accounting and the {@linkplain OnsetEvaluation onset alarm
 * against gold}; then writes {@code lab.json} and {@code lab.html} in the base run — one table of every
 * hypothesis's verdict with its interval, linking each experiment's page. Every piece resumes, so a
 * killed lab rerun with the same plan continues where it stopped and a finished one only redraws the
 * index.
 *
 * <pre>{@code
 * RlaifPipeline base = RlaifPipeline.open(Path.of("runs/lab-quick"), RlaifConfig.quick(), System.err);
 * Map<String, Object> index = Lab.run(base, Lab.Plan.quick(), System.err);
 * }</pre>
 */
public final class Lab {
    private Lab() {}

    /** An experiment run as paired replicates, with the hypotheses it tests. */
    public record Replicated(ReplicatedExperiment.Runner runner, List<Hypothesis> hypotheses) {}

    /** The replicated experiments, in the order the lab runs them. */
    public static final Map<String, Replicated> REPLICATED;

    static {
        Map<String, Replicated> m = new LinkedHashMap<>();
        m.put(LabelNoiseExperiment.NAME, new Replicated(LabelNoiseExperiment::run, LabelNoiseExperiment.HYPOTHESES));
        m.put(LengthBiasExperiment.NAME, new Replicated(LengthBiasExperiment::run, LengthBiasExperiment.HYPOTHESES));
        m.put(SycophancyExperiment.NAME, new Replicated(SycophancyExperiment::run, SycophancyExperiment.HYPOTHESES));
        m.put(PositionBiasExperiment.NAME, new Replicated(PositionBiasExperiment::run, PositionBiasExperiment.HYPOTHESES));
        m.put(BootstrappingExperiment.NAME, new Replicated(BootstrappingExperiment::run, BootstrappingExperiment.HYPOTHESES));
        m.put(AlgorithmsExperiment.NAME, new Replicated(AlgorithmsExperiment::run, AlgorithmsExperiment.HYPOTHESES));
        m.put(DriftExperiment.NAME, new Replicated(DriftExperiment::run, DriftExperiment.HYPOTHESES));
        REPLICATED = java.util.Collections.unmodifiableMap(m);
    }

    /**
     * How big a lab to run.
     *
     * @param seeds               paired replicates per replicated experiment, &ge; 2
     * @param ppoSteps            optimisation steps per arm of the replicated experiments (0: the base run's)
     * @param overOptimizationSteps steps of the over-optimisation sweep's arms
     * @param evalPrompts         held-out prompts per arm
     */
    public record Plan(int seeds, int ppoSteps, int overOptimizationSteps, int evalPrompts) {
        public Plan {
            if (seeds < 2) throw new IllegalArgumentException("lab: seeds must be >= 2 for an interval, got " + seeds);
            if (ppoSteps < 0 || overOptimizationSteps < 1 || evalPrompts < 1) {
                throw new IllegalArgumentException("lab: ppoSteps >= 0, overOptimizationSteps >= 1 and evalPrompts >= 1, got "
                        + ppoSteps + ", " + overOptimizationSteps + ", " + evalPrompts);
            }
        }

        /** The lab: 5 seeds, the base run's PPO length, 120 over-optimisation steps, 2048 eval prompts. */
        public static Plan full() {
            return new Plan(5, 0, 120, ExperimentOptions.EVAL_PROMPTS);
        }

        /** The quick lab (over {@link RlaifConfig#quick()}): 3 seeds, 24 steps, 60 over-optimisation steps, 512 prompts. */
        public static Plan quick() {
            return new Plan(3, 24, 60, 512);
        }

        /** With another number of seeds. */
        public Plan withSeeds(int n) {
            return new Plan(n, ppoSteps, overOptimizationSteps, evalPrompts);
        }
    }

    /** Runs (or resumes) the lab and writes {@code lab.json} and {@code lab.html}; returns the index. */
    public static Map<String, Object> run(RlaifPipeline base, Plan plan, PrintStream log) throws IOException {
        Path dir = base.runDirectory().root();
        Map<String, Object> seconds = new LinkedHashMap<>();
        long t = System.nanoTime();
        base.runAll();
        seconds.put("base_run", (System.nanoTime() - t) / 1e9);
        ExperimentOptions o = new ExperimentOptions(plan.ppoSteps(), List.of(), null, plan.evalPrompts());
        for (Map.Entry<String, Replicated> e : REPLICATED.entrySet()) {
            t = System.nanoTime();
            log.println("[lab     ] " + e.getKey() + " (" + plan.seeds() + " seeds)");
            ReplicatedExperiment.run(dir, e.getKey(), o, plan.seeds(), e.getValue().runner(), e.getValue().hypotheses(), log);
            seconds.put(e.getKey(), (System.nanoTime() - t) / 1e9);
        }
        t = System.nanoTime();
        log.println("[lab     ] " + OverOptimizationExperiment.NAME);
        OverOptimizationExperiment.run(dir, plan.overOptimizationSteps(), 0.002, log);
        seconds.put(OverOptimizationExperiment.NAME, (System.nanoTime() - t) / 1e9);
        ComputeAccounting.run(dir, log);
        Map<String, Object> onset = OnsetEvaluation.run(dir, log);
        return index(dir, plan, seconds, onset, log);
    }

    /** Reads every experiment's summary under {@code dir/experiments/} and writes the index. */
    static Map<String, Object> index(Path dir, Plan plan, Map<String, Object> seconds, Map<String, Object> onset,
                                     PrintStream log) throws IOException {
        Path ex = dir.resolve("experiments");
        List<Map<String, Object>> hypotheses = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        int reproduced = 0, contradicted = 0, inconclusive = 0;
        for (String name : REPLICATED.keySet()) {
            Path f = ex.resolve(name).resolve("replicates.json");
            if (!Files.exists(f)) {
                continue;
            }
            JsonNode r = RlaifConfig.MAPPER.readTree(f.toFile());
            for (JsonNode h : r.path("hypotheses")) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("experiment", name);
                m.put("id", h.path("id").asText());
                m.put("claim", h.path("claim").asText());
                m.put("anchor", h.path("anchor").asText());
                m.put("predicted", h.path("predicted").asText());
                m.put("mean", h.path("mean").asDouble());
                m.put("ci95", List.of(h.path("ci95").path(0).asDouble(), h.path("ci95").path(1).asDouble()));
                m.put("min_detectable_effect_80", h.path("min_detectable_effect_80").asDouble());
                m.put("n", h.path("per_seed").size());
                String verdict = h.path("verdict").asText();
                m.put("verdict", verdict);
                hypotheses.add(m);
                switch (verdict) {
                    case "reproduced" -> reproduced++;
                    case "contradicted" -> contradicted++;
                    default -> inconclusive++;
                }
                rows.add(List.of(name, h.path("claim").asText(), h.path("anchor").asText(), h.path("predicted").asText(),
                        String.format(Locale.ROOT, "%+.3f [%+.3f, %+.3f]", h.path("mean").asDouble(),
                                h.path("ci95").path(0).asDouble(), h.path("ci95").path(1).asDouble()),
                        String.format(Locale.ROOT, "%.3f", h.path("min_detectable_effect_80").asDouble()),
                        Integer.toString(h.path("per_seed").size()), verdict));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        // sorted maps: lab.json is the same on every JVM
        out.put("plan", new TreeMap<>(Map.of("seeds", plan.seeds(), "ppo_steps", plan.ppoSteps(),
                "overoptimization_steps", plan.overOptimizationSteps(), "eval_prompts", plan.evalPrompts())));
        out.put("verdicts", new TreeMap<>(Map.of("reproduced", reproduced, "contradicted", contradicted,
                "inconclusive", inconclusive)));
        out.put("hypotheses", hypotheses);
        out.put("onset_alarm", onsetSummary(onset));
        out.put("seconds_this_invocation", seconds);
        AtomicFiles.writeString(dir.resolve("lab.json"), RlaifConfig.MAPPER.writeValueAsString(out));

        HtmlReport r = new HtmlReport("The failure-mode lab");
        r.paragraph(String.format(Locale.ROOT, "%d hypotheses, each tested on %d paired replicate seeds: %d reproduced, "
                        + "%d contradicted, %d inconclusive. A verdict is reproduced when the 95%% interval of the paired "
                        + "effect lies wholly on the predicted side of 0, contradicted when wholly on the other; the "
                        + "'smallest detectable' column is the effect these seeds could have seen with 80%% power.",
                hypotheses.size(), plan.seeds(), reproduced, contradicted, inconclusive));
        r.table(List.of("experiment", "claim", "anchor", "predicted", "effect [95% CI]", "smallest detectable", "seeds",
                "verdict"), rows);
        r.section("Experiments");
        for (String name : REPLICATED.keySet()) {
            if (Files.exists(ex.resolve(name).resolve("replicates.html"))) {
                r.link(name + ": arms over seeds, hypotheses", "experiments/" + name + "/replicates.html");
            }
        }
        for (String name : List.of(OverOptimizationExperiment.NAME, "compute", OnsetEvaluation.NAME)) {
            if (Files.exists(ex.resolve(name).resolve("report.html"))) {
                r.link(name, "experiments/" + name + "/report.html");
            }
        }
        r.section("Onset alarm against gold");
        r.paragraph("Over every run of the lab whose metrics carry the alarm: " + onsetLine(onset) + ".");
        r.write(dir.resolve("lab.html"));
        log.printf(Locale.ROOT, "[lab     ] %d hypotheses: %d reproduced, %d contradicted, %d inconclusive; index %s%n",
                hypotheses.size(), reproduced, contradicted, inconclusive, dir.resolve("lab.html").toAbsolutePath());
        return out;
    }

    private static Map<String, Object> onsetSummary(Map<String, Object> onset) {
        Map<String, Object> m = new LinkedHashMap<>(onset);
        m.remove("cases");
        return m;
    }

    static String onsetLine(Map<String, Object> onset) {
        return String.format(Locale.ROOT, "%s runs, %s over-optimised by gold; precision %s, recall %s, false alarms %s, "
                        + "lead (gold-peak step − alarm step) %s", onset.get("runs"), onset.get("over_optimised"),
                ((Proportion) onset.get("precision")).format(), ((Proportion) onset.get("recall")).format(),
                ((Proportion) onset.get("false_alarm_rate")).format(), onset.getOrDefault("lead_steps", "n/a"));
    }
}
