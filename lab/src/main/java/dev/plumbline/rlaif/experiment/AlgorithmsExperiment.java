// The optimisers side by side: PPO, RLOO, GRPO, online DPO and direct RLAIF against the same labeler, paired per seed.
package dev.plumbline.rlaif.experiment;

import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;
import dev.plumbline.rlaif.report.HtmlReport;
import dev.plumbline.rlaif.report.LineChart;
import dev.plumbline.rlaif.rl.Algorithm;
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

/**
 * The five optimisers over the base run's SFT policy and pairs: the {@code ppo} arm relabels and
 * retrains pθ with the replicate's seed; {@code rloo} and {@code grpo} reuse its labels and pθ and
 * rerun only policy optimisation and evaluation, so within a replicate they face the same reward;
 * {@code online-dpo} asks the same labeler about pairs of its own responses online (pθ only scores
 * them for the proxy column) and {@code d-rlaif} uses the labeler's preference over the SFT policy's
 * greedy answer as the reward (RLOO's update, no pθ). Everything else is the base run's config (its
 * KL coefficient, steps, batch of responses per step), so each arm samples as many responses per
 * step. Online DPO's leash is its own β ({@code onlineDpo.beta}), not the KL coefficient.
 *
 * <pre>{@code
 * AlgorithmsExperiment.run(Path.of("runs/demo"), ExperimentOptions.defaults(), System.err);
 * }</pre>
 */
public final class AlgorithmsExperiment {
    private AlgorithmsExperiment() {}

    /** Experiment name (CLI and directory). */
    public static final String NAME = "algorithms";

    /** Arms in order: ppo (0), rloo (1), grpo (2), online-dpo (3), d-rlaif (4). */
    static final List<Algorithm> ARMS = List.of(Algorithm.PPO, Algorithm.RLOO, Algorithm.GRPO, Algorithm.ONLINE_DPO,
            Algorithm.D_RLAIF);

    /** The claims this experiment tests. */
    public static final List<Hypothesis> HYPOTHESES = List.of(
            Hypothesis.armDifference("rloo-gold-at-least-ppo",
                    "RLOO gains at least as much gold reward as PPO with a critic",
                    "Ahmadian et al. 2024 (Back to Basics)", "arms", 1, 0, "gold_gain", Hypothesis.Direction.HIGHER),
            Hypothesis.armDifference("grpo-gold-at-least-ppo",
                    "GRPO gains at least as much gold reward as PPO", "Shao et al. 2024 (DeepSeekMath)",
                    "arms", 2, 0, "gold_gain", Hypothesis.Direction.HIGHER),
            Hypothesis.armDifference("rloo-cheaper-than-ppo",
                    "without a critic, an RLOO step costs less time than a PPO step",
                    "Ahmadian et al. 2024", "arms", 1, 0, "seconds_per_step", Hypothesis.Direction.LOWER),
            Hypothesis.armDifference("grpo-cheaper-than-ppo",
                    "without a critic, a GRPO step costs less time than a PPO step", "Shao et al. 2024",
                    "arms", 2, 0, "seconds_per_step", Hypothesis.Direction.LOWER),
            Hypothesis.armDifference("online-dpo-gold-at-least-ppo",
                    "online DPO from AI feedback gains at least as much gold reward as PPO against a reward model",
                    "Guo et al. 2024 (OAIF)", "arms", 3, 0, "gold_gain", Hypothesis.Direction.HIGHER),
            Hypothesis.armDifference("d-rlaif-gold-at-least-ppo",
                    "direct RLAIF (judge score as reward) gains at least as much gold reward as PPO against a reward model",
                    "Lee et al. 2024 (RLAIF vs. RLHF, d-RLAIF)", "arms", 4, 0, "gold_gain", Hypothesis.Direction.HIGHER));

    /** Runs (or resumes) the experiment. */
    public static Map<String, Object> run(Path baseRun, ExperimentOptions o, PrintStream log) throws IOException {
        Sweep sweep = Sweep.over(baseRun, o.sweepName(NAME), log, RlaifPipeline.SFT, RlaifPipeline.SAMPLE);
        List<ArmResult> arms = new ArrayList<>();
        for (Algorithm a : ARMS) {
            Arm arm = Arm.of(a.id(), a.id() + (a.asksJudgeOnline() ? " asking the replicate's labeler online"
                            : " against the replicate's labels and pθ"),
                    a == Algorithm.PPO ? RlaifPipeline.LABEL : RlaifPipeline.PPO, c -> {
                        c.algorithm = a.id();
                        o.applySeedAndLength(c);
                    });
            arms.add(sweep.run(a == Algorithm.PPO ? arm : arm.after(Algorithm.PPO.id())));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ArmResult r : arms) {
            double[] kl = r.series("objective/kl");
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("arm", r.name());
            row.put("gold_sft", r.eval("sft", "gold_score"));
            row.put("gold_ppo", r.eval("ppo", "gold_score"));
            row.put("gold_gain", r.eval("ppo", "gold_score") - r.eval("sft", "gold_score"));
            row.put("correct_rate_ppo", r.eval("ppo", "correct_rate"));
            row.put("win_rate_vs_sft", r.eval(null, "ppo_win_rate_vs_sft"));
            row.put("kl_last_steps", Series.tail(kl, 3));
            row.put("length_change", r.eval("ppo", "mean_length") - r.eval("sft", "mean_length"));
            double seconds = r.stage(RlaifPipeline.PPO, "seconds");
            row.put("optimiser_seconds", seconds);
            row.put("seconds_per_step", seconds / Math.max(1, r.steps()));
            rows.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiment", NAME);
        out.put("arms", rows);
        AtomicFiles.writeString(sweep.root().resolve("result.json"), RlaifConfig.MAPPER.writeValueAsString(out));

        HtmlReport rep = new HtmlReport("Optimisers: PPO, RLOO, GRPO, online DPO and direct RLAIF with the same AI labeler");
        rep.paragraph("Each line is the same SFT policy optimised by a different algorithm, each sampling the same "
                + "number of responses per step: PPO, RLOO and GRPO against the same reward model pθ (one labeler, one "
                + "set of labels), online DPO asking that labeler about pairs of its own responses, direct RLAIF "
                + "rewarded by that labeler's preference over the SFT policy's greedy answer.");
        LineChart gold = new LineChart("Gold score during optimisation (3-step average)", "step", "gold score");
        LineChart klChart = new LineChart("KL(π ‖ π_ref) per response", "step", "nats");
        LineChart len = new LineChart("Mean response length", "step", "characters");
        for (ArmResult r : arms) {
            double[] x = Series.steps(r.steps());
            gold.series(r.name(), x, Series.smooth(r.series("gold/score"), 3));
            klChart.series(r.name(), x, r.series("objective/kl"));
            len.series(r.name(), x, r.series("val/mean_length"));
        }
        rep.chart(gold).chart(klChart).chart(len);
        List<List<String>> table = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            table.add(List.of((String) r.get("arm"), f3((Double) r.get("gold_sft")), f3((Double) r.get("gold_ppo")),
                    f3((Double) r.get("gold_gain")), f3((Double) r.get("win_rate_vs_sft")),
                    f3((Double) r.get("kl_last_steps")), f3((Double) r.get("length_change")),
                    f3((Double) r.get("seconds_per_step"))));
        }
        rep.table(List.of("optimiser", "gold SFT", "gold after", "gold gain", "win rate vs SFT", "KL (last steps)",
                "length change", "seconds per step"), table);
        rep.write(sweep.root().resolve("report.html"));
        for (Map<String, Object> r : rows) {
            log.printf(Locale.ROOT, "[experiment] algorithms: %-10s gold gain %+.3f, KL %.2f, length %+.2f, %.2f s/step%n",
                    r.get("arm"), r.get("gold_gain"), r.get("kl_last_steps"), r.get("length_change"),
                    r.get("seconds_per_step"));
        }
        return out;
    }
}
