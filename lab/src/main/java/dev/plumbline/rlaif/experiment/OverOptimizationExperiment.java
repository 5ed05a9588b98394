// Experiment 1 of the failure-mode lab: PPO with a weak KL penalty, gold and proxy against √KL.
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

/**
 * Over-optimisation: starting from a run's SFT policy, PPO runs with a weak KL penalty for longer
 * than usual against an ensemble of {@value #ENSEMBLE} preference models; the proxy reward keeps
 * rising with the distance d = √KL(π‖π_ref) while the gold reward rises, peaks and falls. Gao et
 * al.'s RL form R(d) = d(α − β ln d) is fitted to the gold gain ({@link GaoFit}).
 *
 * <p>Mitigations, each an arm reusing the weak-KL arm's pθ ensemble:
 * <ul>
 *   <li>{@code adaptive-kl}: the same start coefficient under Ziegler et al.'s adaptive controller
 *       (target KL {@value #KL_TARGET}, horizon {@value #KL_HORIZON} samples) instead of a fixed one;</li>
 *   <li>{@code uncertainty-penalty}: reward = ensemble mean − {@value #UNCERTAINTY_PENALTY}·ensemble std,
 *       so responses the members disagree on (off the labeled distribution) pay;</li>
 *   <li>early stopping, read off the weak-KL arm: stop when ensemble disagreement on the current
 *       samples exceeds {@value #DISAGREEMENT_LIMIT}× its start, or mean length drifts more than
 *       {@value #LENGTH_DRIFT_LIMIT} from its start (both need no gold labels).</li>
 * </ul>
 *
 * <pre>{@code
 * Map<String, Object> r = OverOptimizationExperiment.run(Path.of("runs/demo"), 120, 0.002, System.err);
 * }</pre>
 *
 * Writes {@code DIR/experiments/overoptimization/}: one run directory per arm ({@code weak-kl/},
 * {@code adaptive-kl/}, {@code uncertainty-penalty/}: config, PPO metrics), {@code result.json} and
 * {@code report.html}. The base run must have finished {@code label}.
 */
public final class OverOptimizationExperiment {
    private OverOptimizationExperiment() {}

    /** Experiment name (CLI and directory). */
    public static final String NAME = "overoptimization";
    /** pθ ensemble members (disagreement is the distribution-shift signal). */
    public static final int ENSEMBLE = 3;
    /** Adaptive controller settings of the adaptive-kl arm. */
    public static final double KL_TARGET = 4.0, KL_HORIZON = 100;
    /** α of the uncertainty-penalised reward (raw pθ units per unit of ensemble std). */
    public static final double UNCERTAINTY_PENALTY = 1.0;
    /** Early-stopping thresholds. */
    public static final double DISAGREEMENT_LIMIT = 1.5, LENGTH_DRIFT_LIMIT = 0.25;

    /**
     * Runs (or resumes) the experiment.
     *
     * @param baseRun a run directory whose stages up to label are done
     * @param steps   PPO iterations
     * @param klCoef  the (weak) KL coefficient
     */
    public static Map<String, Object> run(Path baseRun, int steps, double klCoef, PrintStream log) throws IOException {
        Sweep sweep = Sweep.over(baseRun, NAME, log, RlaifPipeline.SFT, RlaifPipeline.SAMPLE, RlaifPipeline.LABEL);
        ArmResult weak = sweep.run(new Arm("weak-kl", "fixed weak KL " + klCoef + ", pθ ensemble of " + ENSEMBLE, null,
                RlaifPipeline.REWARD_MODEL, RlaifPipeline.PPO, c -> {
                    c.rewardModel.ensemble = ENSEMBLE;
                    c.ppo.klCoef = klCoef;
                    c.ppo.adaptiveKl = false;
                    c.ppo.steps = steps;
                }));
        ArmResult adaptive = sweep.run(new Arm("adaptive-kl", "adaptive KL from " + klCoef + ", target " + KL_TARGET,
                "weak-kl", RlaifPipeline.PPO, RlaifPipeline.PPO, c -> {
                    c.ppo.adaptiveKl = true;
                    c.ppo.klTarget = KL_TARGET;
                    c.ppo.klHorizon = KL_HORIZON;
                }));
        ArmResult penalised = sweep.run(new Arm("uncertainty-penalty", "reward minus " + UNCERTAINTY_PENALTY
                + "·ensemble std", "weak-kl", RlaifPipeline.PPO, RlaifPipeline.PPO,
                c -> c.reward.uncertaintyPenalty = UNCERTAINTY_PENALTY));

        int n = weak.steps();
        double[] d = weak.series("objective/sqrt_kl"), gold = weak.series("gold/score"), proxy = weak.series("objective/scores");
        double[] step = Series.steps(n);
        double gold0 = n == 0 ? 0 : gold[0];     // step 1 samples the unchanged SFT policy (d = 0)
        double[] gain = new double[n];
        for (int i = 0; i < n; i++) {
            gain[i] = gold[i] - gold0;
        }
        GaoFit fit = GaoFit.fit(d, gain);
        EarlyStop stop = EarlyStop.find(weak);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("steps", n);
        out.put("kl_coef", klCoef);
        out.put("gold_at_start", gold0);
        out.put("gold_max", Series.max(gold));
        // 5-step averages: one step's 64 samples are too few to call a peak
        out.put("gold_first_5", Series.head(gold, 5));
        out.put("gold_peak_5_step_avg", Series.max(Series.smooth(gold, 5)));
        out.put("gold_peak_step", Series.argmax(Series.smooth(gold, 5)) + 1);
        out.put("gold_last_5", Series.tail(gold, 5));
        out.put("proxy_first_5", Series.head(proxy, 5));
        out.put("proxy_last_5", Series.tail(proxy, 5));
        out.put("gold_final", n == 0 ? Double.NaN : gold[n - 1]);
        out.put("proxy_final", n == 0 ? Double.NaN : proxy[n - 1]);
        out.put("sqrt_kl_final", n == 0 ? Double.NaN : d[n - 1]);
        out.put("fit_alpha", fit.alpha());
        out.put("fit_beta", fit.beta());
        out.put("fit_r2", fit.r2());
        out.put("fit_peak_sqrt_kl", fit.peakD());
        out.put("fit_peak_gold_gain", fit.peakGain());
        List<Map<String, Object>> arms = new ArrayList<>();
        for (ArmResult r : List.of(weak, adaptive, penalised)) {
            double[] g = r.series("gold/score");
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("arm", r.name());
            a.put("gold_last_5", Series.tail(g, 5));
            a.put("gold_max_5_step_avg", Series.max(Series.smooth(g, 5)));
            a.put("proxy_last_5", Series.tail(r.series("objective/scores"), 5));
            a.put("sqrt_kl_final", Series.tail(r.series("objective/sqrt_kl"), 1));
            a.put("kl_coef_final", Series.tail(r.series("kl_coef"), 1));
            a.put("length_last_5", Series.tail(r.series("val/mean_length"), 5));
            arms.add(a);
        }
        out.put("arms", arms);
        out.put("early_stop_step", stop.step());
        out.put("early_stop_reason", stop.reason());
        out.put("early_stop_gold", stop.step() == null ? null : Series.meanOf(gold, Math.max(0, stop.step() - 3), stop.step()));
        AtomicFiles.writeString(sweep.root().resolve("result.json"), RlaifConfig.MAPPER.writeValueAsString(out));

        double dMax = Math.max(1e-3, Series.max(d));
        double[] fd = new double[60], fr = new double[60];
        for (int i = 0; i < fd.length; i++) {
            fd[i] = dMax * (i + 1) / fd.length;
            fr[i] = fit.predict(fd[i]);
        }
        HtmlReport r = new HtmlReport("Over-optimisation: gold and proxy reward against √KL");
        r.paragraph("PPO optimised the learned reward (proxy) with a weak KL penalty, so nothing held the policy near "
                + "where it started; the proxy reward is what the policy was paid, the gold reward is the truth it never saw. "
                + (Series.max(gold) > gold0 && n > 0 && gold[n - 1] < Series.max(gold)
                ? "Gold rose and then fell back while the proxy kept its gains: past the peak, the policy was exploiting "
                        + "the reward model's mistakes rather than getting better."
                : "In this run gold did not rise and then fall, so over-optimisation did not show at this length."));
        LineChart vsKl = new LineChart("Gold gain and proxy vs √KL(π‖π_ref)", "√KL", "reward").points(true)
                .series("gold gain", d, gain).series("proxy (normalised)", d, proxy)
                .series(String.format(Locale.ROOT, "fit d(%.2f − %.2f ln d)", fit.alpha(), fit.beta()), fd, fr);
        r.chart(vsKl);
        LineChart overSteps = new LineChart("Gold over PPO steps (5-step average)", "step", "gold score");
        for (ArmResult a : List.of(weak, adaptive, penalised)) {
            overSteps.series(a.name(), Series.steps(a.steps()), Series.smooth(a.series("gold/score"), 5));
        }
        if (stop.step() != null) {
            overSteps.marker(stop.step(), "early stop");
        }
        r.chart(overSteps);
        r.chart(new LineChart("weak-kl: proxy over PPO steps", "step", "proxy").series("proxy", step, proxy));
        List<List<String>> table = new ArrayList<>();
        out.forEach((k, v) -> {
            if (!(v instanceof List)) {
                table.add(List.of(k, v instanceof Double ? String.format(Locale.ROOT, "%.4f", (Double) v) : String.valueOf(v)));
            }
        });
        r.table(List.of("quantity (weak-kl arm)", "value"), table);
        r.paragraph("Gao et al. (2022) found that gold reward under RL follows R(d) = d(α − β ln d) in the distance d "
                + "from the initial policy; β > 0 means there is a peak, after which more optimisation makes the "
                + "policy worse by the gold measure.");
        r.section("Mitigations");
        r.paragraph("The same reward model with three brakes: an adaptive KL coefficient that rises when the policy strays "
                + "too far, a reward that subtracts the ensemble's disagreement, and stopping early when a gold-free signal "
                + "(ensemble disagreement or length drift) moves. A brake works if its gold stays near the weak-KL peak "
                + "instead of falling with the weak-KL run.");
        List<List<String>> mt = new ArrayList<>();
        for (Map<String, Object> a : arms) {
            mt.add(List.of((String) a.get("arm"), Series.f3((Double) a.get("gold_max_5_step_avg")),
                    Series.f3((Double) a.get("gold_last_5")), Series.f3((Double) a.get("proxy_last_5")),
                    Series.f3((Double) a.get("sqrt_kl_final")), Series.f3((Double) a.get("kl_coef_final")),
                    Series.f3((Double) a.get("length_last_5"))));
        }
        mt.add(List.of("early stop on weak-kl" + (stop.step() == null ? " (never triggered)" : " at step " + stop.step()
                        + " (" + stop.reason() + ")"), "", stop.step() == null ? "n/a"
                        : Series.f3((Double) out.get("early_stop_gold")), "", "", "", ""));
        r.table(List.of("arm", "best gold (5-step avg)", "gold, last 5 steps", "proxy, last 5 steps", "√KL at end",
                "KL coef at end", "length, last 5 steps"), mt);
        r.write(sweep.root().resolve("report.html"));
        log.printf(Locale.ROOT, "[experiment] over-optimisation: gold %.3f → max %.3f → final %.3f, proxy final %+.2f at "
                + "√KL %.2f; fit α=%.3f β=%.3f (R² %.2f), peak at √KL %.2f%n", gold0, Series.max(gold), (Double) out.get("gold_final"),
                (Double) out.get("proxy_final"), (Double) out.get("sqrt_kl_final"), fit.alpha(), fit.beta(), fit.r2(),
                fit.peakD());
        for (Map<String, Object> a : arms) {
            log.printf(Locale.ROOT, "[experiment]   %-20s gold last 5 steps %s (best %s)%n", a.get("arm"),
                    Series.f3((Double) a.get("gold_last_5")), Series.f3((Double) a.get("gold_max_5_step_avg")));
        }
        return out;
    }
}
