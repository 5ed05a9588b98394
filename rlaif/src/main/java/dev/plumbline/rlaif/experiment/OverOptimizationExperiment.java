// Experiment 1 of the failure-mode lab: PPO with a weak KL penalty, gold and proxy against √KL.
package dev.plumbline.rlaif.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;
import dev.plumbline.rlaif.report.HtmlReport;
import dev.plumbline.rlaif.report.LineChart;
import dev.plumbline.tensor.io.AtomicFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Over-optimisation: starting from a run's SFT policy and preference model, PPO runs with a weak
 * KL penalty for longer than usual; the proxy reward keeps rising with the distance
 * d = √KL(π‖π_ref) while the gold reward rises, peaks and falls. Gao et al.'s RL form
 * R(d) = d(α − β ln d) is fitted to the gold gain ({@link GaoFit}).
 *
 * <pre>{@code
 * Map<String, Object> r = OverOptimizationExperiment.run(Path.of("runs/demo"), 120, 0.002, System.err);
 * }</pre>
 *
 * Writes {@code DIR/experiments/overoptimization/}: its own run directory (config, PPO metrics),
 * {@code result.json} and {@code report.html}. The base run must have finished {@code train-rm}.
 */
public final class OverOptimizationExperiment {
    private OverOptimizationExperiment() {}

    private static final String[] SHARED = {"sft", "rm", "pairs.jsonl", "preferences.jsonl"};
    private static final String[] STAGES = {RlaifPipeline.SFT, RlaifPipeline.SAMPLE, RlaifPipeline.LABEL,
        RlaifPipeline.REWARD_MODEL};

    /**
     * Runs (or resumes) the experiment.
     *
     * @param baseRun a run directory whose stages up to train-rm are done
     * @param steps   PPO iterations
     * @param klCoef  the (weak) KL coefficient
     */
    public static Map<String, Object> run(Path baseRun, int steps, double klCoef, PrintStream log) throws IOException {
        RlaifPipeline base = RlaifPipeline.open(baseRun, null, log);
        for (String s : STAGES) {
            if (!base.runDirectory().isDone(s)) {
                throw new IllegalStateException("experiment overoptimization needs stage '" + s + "' done in " + baseRun
                        + ": run 'plumbline demo' (or the stages up to train-rm) there first");
            }
        }
        Path dir = baseRun.resolve("experiments").resolve("overoptimization");
        if (!Files.exists(dir.resolve("config.json"))) {
            // the experiment's own run: the base run's models and data, a weak KL, longer PPO
            Files.createDirectories(dir.resolve("stages"));
            for (String f : SHARED) {
                copyTree(baseRun.resolve(f), dir.resolve(f));
            }
            for (String s : STAGES) {
                Files.copy(baseRun.resolve("stages").resolve(s + ".json"), dir.resolve("stages").resolve(s + ".json"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            RlaifConfig cfg = base.config();
            cfg.ppo.klCoef = klCoef;
            cfg.ppo.adaptiveKl = false;
            cfg.ppo.steps = steps;
            AtomicFiles.writeString(dir.resolve("config.json"), cfg.toJson());
        }
        RlaifPipeline exp = RlaifPipeline.open(dir, null, log);
        exp.ppo();

        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
            if (!line.isBlank()) {
                rows.add(RlaifConfig.MAPPER.readTree(line));
            }
        }
        int n = rows.size();
        double[] d = new double[n], gold = new double[n], proxy = new double[n], step = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = rows.get(i).path("objective/sqrt_kl").asDouble();
            gold[i] = rows.get(i).path("gold/score").asDouble();
            proxy[i] = rows.get(i).path("objective/scores").asDouble();
            step[i] = rows.get(i).path("step").asDouble();
        }
        double gold0 = gold.length == 0 ? 0 : gold[0];     // step 1 samples the unchanged SFT policy (d = 0)
        double[] gain = new double[n];
        for (int i = 0; i < n; i++) {
            gain[i] = gold[i] - gold0;
        }
        GaoFit fit = GaoFit.fit(d, gain);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("steps", n);
        out.put("kl_coef", klCoef);
        out.put("gold_at_start", gold0);
        out.put("gold_max", max(gold));
        out.put("gold_final", gold[n - 1]);
        out.put("proxy_final", proxy[n - 1]);
        out.put("sqrt_kl_final", d[n - 1]);
        out.put("fit_alpha", fit.alpha());
        out.put("fit_beta", fit.beta());
        out.put("fit_r2", fit.r2());
        out.put("fit_peak_sqrt_kl", fit.peakD());
        out.put("fit_peak_gold_gain", fit.peakGain());
        AtomicFiles.writeString(dir.resolve("result.json"), RlaifConfig.MAPPER.writeValueAsString(out));

        double dMax = Math.max(1e-3, max(d));
        double[] fd = new double[60], fr = new double[60];
        for (int i = 0; i < fd.length; i++) {
            fd[i] = dMax * (i + 1) / fd.length;
            fr[i] = fit.predict(fd[i]);
        }
        HtmlReport r = new HtmlReport("Over-optimisation: gold and proxy reward against √KL");
        r.paragraph("PPO optimised the learned reward (proxy) with a weak KL penalty. The proxy reward is what the "
                + "policy was paid; the gold reward is the truth it never saw. When gold peaks and then falls while "
                + "the proxy keeps rising, the policy has started exploiting the reward model's mistakes.");
        r.chart(new LineChart("Gold gain and proxy vs √KL(π‖π_ref)", "√KL", "reward").points(true)
                .series("gold gain", d, gain).series("proxy (normalised)", d, proxy)
                .series(String.format(Locale.ROOT, "fit d(%.2f − %.2f ln d)", fit.alpha(), fit.beta()), fd, fr));
        r.chart(new LineChart("Over PPO steps", "step", "reward").series("gold", step, gold).series("proxy", step, proxy));
        List<List<String>> table = new ArrayList<>();
        out.forEach((k, v) -> table.add(List.of(k, v instanceof Double ? String.format(Locale.ROOT, "%.4f", (Double) v)
                : String.valueOf(v))));
        r.table(List.of("quantity", "value"), table);
        r.paragraph("Gao et al. (2022) found that gold reward under RL follows R(d) = d(α − β ln d) in the distance d "
                + "from the initial policy; β > 0 means there is a peak, after which more optimisation makes the "
                + "policy worse by the gold measure.");
        r.write(dir.resolve("report.html"));
        log.printf(Locale.ROOT, "[experiment] over-optimisation: gold %.3f → max %.3f → final %.3f, proxy final %+.2f at "
                + "√KL %.2f; fit α=%.3f β=%.3f (R² %.2f), peak at √KL %.2f%n", gold0, max(gold), gold[n - 1], proxy[n - 1],
                d[n - 1], fit.alpha(), fit.beta(), fit.r2(), fit.peakD());
        return out;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (Files.isDirectory(from)) {
            try (var walk = Files.walk(from)) {
                for (Path p : walk.toList()) {
                    Path q = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(q);
                    } else {
                        Files.copy(p, q, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } else if (Files.exists(from)) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
