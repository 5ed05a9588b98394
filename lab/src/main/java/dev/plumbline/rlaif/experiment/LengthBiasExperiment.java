// Experiment 3 of the failure-mode lab: a labeler that likes long answers teaches PPO to pad (verbosity hacking).
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
 * Length bias → verbosity hacking, and two mitigations. Arms over the base run's SFT policy and pairs:
 * <ul>
 *   <li>{@code unbiased}: the labeler with {@code lengthBias = 0};</li>
 *   <li>{@code biased}: {@code lengthBias = L} (default {@value #DEFAULT_BIAS}; it outweighs the
 *       constitution's "nothing but the answer" principle, so padded answers now win);</li>
 *   <li>{@code biased-length-penalty}: the biased arm's labels and pθ, PPO with
 *       {@code reward.lengthPenalty = }{@value #PENALTY} per character (length-penalised reward);</li>
 *   <li>{@code length-only}: the biased arm's labels, but PPO's reward is the response length alone
 *       ({@code reward.kind = length_only}, normalised on SFT samples like any reward) — the control
 *       of Singhal et al.: its gain in the biased pθ's score ({@code proxy_score}, raw pθ) against the
 *       biased arm's shows how much of the proxy gain length alone buys.</li>
 * </ul>
 * A fourth, free mitigation is read off the biased arm: early stopping when the mean response
 * length has drifted more than {@value #DRIFT_LIMIT} (relative) from its start, a signal that
 * needs no gold labels; the table shows the gold score at that step.
 *
 * <pre>{@code
 * LengthBiasExperiment.run(Path.of("runs/demo"), ExperimentOptions.defaults(), System.err);
 * }</pre>
 */
public final class LengthBiasExperiment {
    private LengthBiasExperiment() {}

    /** Experiment name (CLI and directory). */
    public static final String NAME = "length-bias";

    /** The claims this experiment tests; arms: unbiased, biased, biased-length-penalty, length-only. */
    public static final List<Hypothesis> HYPOTHESES = List.of(
            Hypothesis.armDifference("biased-labeler-lengthens-answers",
                    "a length-biased labeler makes the optimised policy's answers longer",
                    "Singhal et al. 2023 (A Long Way to Go)", "arms", 1, 0, "eval_length_ppo", Hypothesis.Direction.HIGHER),
            Hypothesis.armDifference("length-penalty-shortens-answers",
                    "a per-character penalty in the reward removes (some of) the padding", "Singhal et al. 2023",
                    "arms", 2, 1, "eval_length_ppo", Hypothesis.Direction.LOWER),
            Hypothesis.armDifference("biased-labeler-costs-gold",
                    "the padding the biased labeler buys costs gold reward", "Singhal et al. 2023",
                    "arms", 1, 0, "gold_ppo", Hypothesis.Direction.LOWER),
            new Hypothesis("length-alone-buys-most-proxy-gain",
                    "optimising length alone buys at least half of the proxy (biased pθ) gain that optimising pθ buys",
                    "Singhal et al. 2023 (length-only reward recovers most of RLHF's reward gain)",
                    "proxy gain of length-only − 0.5 × proxy gain of biased (proxy gain = pθ score PPO − SFT on eval)",
                    Hypothesis.Direction.HIGHER, r -> proxyGain(Hypothesis.arm(r, "arms", 3))
                            - 0.5 * proxyGain(Hypothesis.arm(r, "arms", 1))));
    /** Default LENGTH weight of the biased labeler. */
    public static final double DEFAULT_BIAS = 1.0;
    /** Length penalty (normalised reward per character) of the mitigation arm. */
    public static final double PENALTY = 0.1;
    /** Relative length drift that triggers early stopping ({@link EarlyStop}). */
    public static final double DRIFT_LIMIT = OverOptimizationExperiment.LENGTH_DRIFT_LIMIT;

    /** Runs (or resumes) the experiment; {@code values}, when given, holds the one bias L. */
    public static Map<String, Object> run(Path baseRun, ExperimentOptions o, PrintStream log) throws IOException {
        Sweep sweep = Sweep.over(baseRun, o.sweepName(NAME), log, RlaifPipeline.SFT, RlaifPipeline.SAMPLE);
        double bias = o.valuesOr(List.of(DEFAULT_BIAS)).get(0);
        ArmResult unbiased = sweep.run(Arm.of("unbiased", "labeler without length bias", RlaifPipeline.LABEL, c -> {
            c.labeler.lengthBias = 0;
            o.applyTo(c);
        }));
        ArmResult biased = sweep.run(Arm.of("biased", "labeler with length bias " + bias, RlaifPipeline.LABEL, c -> {
            c.labeler.lengthBias = bias;
            o.applyTo(c);
        }));
        ArmResult penalised = sweep.run(Arm.of("biased-length-penalty", "biased labels, PPO reward minus "
                + PENALTY + " per character", RlaifPipeline.PPO, c -> c.reward.lengthPenalty = PENALTY).after("biased"));
        // from the reward-model stage so the normaliser is fitted to lengths (pθ itself retrains to the biased arm's)
        ArmResult lengthOnly = sweep.run(Arm.of("length-only", "biased labels, PPO reward = response length alone",
                RlaifPipeline.REWARD_MODEL, c -> c.reward.kind = "length_only").after("biased"));
        List<ArmResult> arms = List.of(unbiased, biased, penalised, lengthOnly);

        // early stopping on length drift (no ensemble here, so that is the only signal), read off the biased arm
        double[] gold = biased.series("gold/score");
        Integer stopStep = EarlyStop.find(biased).step();
        int stop = stopStep == null ? -1 : stopStep - 1;

        List<Map<String, Object>> rows = new ArrayList<>();
        for (ArmResult r : arms) {
            double[] l = r.series("val/mean_length");
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("arm", r.name());
            row.put("labeler_length_bias", r.config("labeler.lengthBias").asDouble());
            row.put("length_penalty", r.config("reward.lengthPenalty").asDouble());
            row.put("labels_agree_with_gold", r.stage(RlaifPipeline.LABEL, "agreement_with_gold"));
            row.put("rm_accuracy_vs_gold", r.stage(RlaifPipeline.REWARD_MODEL, "held_out_accuracy_vs_gold"));
            row.put("ppo_length_first_steps", Series.head(l, 3));
            row.put("ppo_length_last_steps", Series.tail(l, 3));
            row.put("eval_length_sft", r.eval("sft", "mean_length"));
            row.put("eval_length_ppo", r.eval("ppo", "mean_length"));
            row.put("gold_sft", r.eval("sft", "gold_score"));
            row.put("gold_ppo", r.eval("ppo", "gold_score"));
            row.put("proxy_sft", r.eval("sft", "proxy_score"));
            row.put("proxy_ppo", r.eval("ppo", "proxy_score"));
            rows.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiment", NAME);
        out.put("arms", rows);
        out.put("length_growth_unbiased", growth(rows.get(0)));
        out.put("length_growth_biased", growth(rows.get(1)));
        out.put("length_growth_biased_with_penalty", growth(rows.get(2)));
        out.put("length_only_share_of_proxy_gain", proxyGain(rows.get(3)) / proxyGain(rows.get(1)));
        out.put("early_stop_step", stop < 0 ? null : stop + 1);
        out.put("early_stop_gold", stop < 0 ? null : Series.meanOf(gold, Math.max(0, stop - 2), stop + 1));
        out.put("biased_final_gold", Series.tail(gold, 3));
        AtomicFiles.writeString(sweep.root().resolve("result.json"), RlaifConfig.MAPPER.writeValueAsString(out));

        HtmlReport rep = new HtmlReport("Length bias: a labeler that likes long answers teaches the policy to pad");
        double gU = growth(rows.get(0)), gB = growth(rows.get(1)), gP = growth(rows.get(2));
        rep.paragraph(String.format(Locale.ROOT, "Each line is a policy being trained against a reward model that learned "
                + "from a labeler with or without a taste for longer answers. Over training the average answer grew by "
                + "%s characters with the length-biased labeler, against %s with the unbiased one and %s when the reward "
                + "charged %.2f per character: the policy learns whatever the labeler rewards, including length that "
                + "the task does not ask for.", s3(gB), s3(gU), s3(gP), PENALTY));
        LineChart lenChart = new LineChart("Mean response length over PPO", "PPO step", "characters");
        LineChart goldChart = new LineChart("Gold score over PPO (3-step average)", "PPO step", "gold score");
        for (ArmResult r : arms) {
            double[] x = Series.steps(r.steps());
            lenChart.series(r.name(), x, r.series("val/mean_length"));
            goldChart.series(r.name(), x, Series.smooth(r.series("gold/score"), 3));
        }
        if (stop >= 0) {
            goldChart.marker(stop + 1, "early stop (length drift)");
        }
        rep.chart(lenChart).chart(goldChart);
        List<List<String>> table = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            table.add(List.of((String) r.get("arm"), f3((Double) r.get("labeler_length_bias")),
                    f3((Double) r.get("length_penalty")), f3((Double) r.get("labels_agree_with_gold")),
                    f3((Double) r.get("rm_accuracy_vs_gold")), f3((Double) r.get("ppo_length_first_steps")),
                    f3((Double) r.get("ppo_length_last_steps")), f3((Double) r.get("gold_sft")),
                    f3((Double) r.get("gold_ppo")), s3(proxyGain(r))));
        }
        rep.table(List.of("arm", "length bias", "length penalty", "labels vs gold", "pθ acc vs gold",
                "length, first PPO steps", "length, last PPO steps", "gold SFT (eval)", "gold PPO (eval)",
                "proxy gain (pθ, eval)"), table);
        rep.paragraph(String.format(Locale.ROOT, "Length-only control: a policy optimised for length alone gained %s in the "
                + "biased pθ's score, against %s for the policy optimised for pθ itself (share %s).",
                s3(proxyGain(rows.get(3))), s3(proxyGain(rows.get(1))), f3((Double) out.get("length_only_share_of_proxy_gain"))));
        rep.paragraph(stop < 0
                ? "Early stopping on length drift: the biased run's mean length never drifted more than "
                        + Math.round(100 * DRIFT_LIMIT) + "% from its start, so it would not have stopped."
                : String.format(Locale.ROOT, "Early stopping on length drift (a signal that needs no gold labels): the "
                        + "biased run would have stopped at step %d, with gold %s there against %s at its end.",
                        stop + 1, f3((Double) out.get("early_stop_gold")), f3((Double) out.get("biased_final_gold"))));
        rep.paragraph(o.describePpo(sweep.baseConfig()));
        rep.write(sweep.root().resolve("report.html"));
        log.printf(Locale.ROOT, "[experiment] length bias: PPO length growth %s unbiased, %s biased, %s biased + penalty%n",
                s3(gU), s3(gB), s3(gP));
        return out;
    }

    /** pθ's raw score of the PPO policy minus the SFT policy's on the eval prompts (NaN when missing). */
    static double proxyGain(Map<String, Object> row) {
        return Hypothesis.number(row, "proxy_ppo") - Hypothesis.number(row, "proxy_sft");
    }

    private static double growth(Map<String, Object> row) {
        return (Double) row.get("ppo_length_last_steps") - (Double) row.get("ppo_length_first_steps");
    }
}
