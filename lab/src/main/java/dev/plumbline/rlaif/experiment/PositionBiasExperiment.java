// Experiment 5 of the failure-mode lab: inject position bias, measure it back, and debias by asking both orders.
package dev.plumbline.rlaif.experiment;

import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.label.Judgement;
import dev.plumbline.rlaif.label.LabelPair;
import dev.plumbline.rlaif.label.PreferenceLabeler;
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
 * Position bias: the rule judge picks the first-shown response with probability p regardless of
 * content ({@code labeler.positionBias}). For each injected p (default 0, 0.2, 0.5) the experiment
 * <ol>
 *   <li>measures the bias back from the labeler's answers alone ({@link #measure}): every pair is
 *       shown in both orders, so content cancels and first-minus-second picks estimate p;</li>
 *   <li>trains pθ and PPO on the biased labels (arm {@code p-X}) and on labels asked in both orders
 *       and combined ({@code labeler.bothOrders}, arm {@code p-X-both-orders}, the mitigation), and
 *       compares the final gold scores.</li>
 * </ol>
 * The arms switch label noise off ({@code labeler.noise = 0}): a random flip of a first-position
 * pick is a second-position pick, so noise ε would shrink the measured bias to (1 − 2ε)·p.
 *
 * <pre>{@code
 * PositionBiasExperiment.run(Path.of("runs/demo"), ExperimentOptions.defaults(), System.err);
 * }</pre>
 */
public final class PositionBiasExperiment {
    private PositionBiasExperiment() {}

    /** Experiment name (CLI and directory). */
    public static final String NAME = "position-bias";
    /** Injected biases swept by default. */
    public static final List<Double> DEFAULT_BIASES = List.of(0.0, 0.2, 0.5);

    /** The claim this experiment tests, on the most biased arm (the last bias swept). */
    public static final List<Hypothesis> HYPOTHESES = List.of(
            Hypothesis.withinArm("both-orders-debiases-labels",
                    "asking the judge in both orders removes its position picks from the labels",
                    "Zheng et al. 2023 (swap-order consistency of LLM judges)", "arms", -1,
                    "labels_agree_with_gold_both_orders", "labels_agree_with_gold", Hypothesis.Direction.HIGHER),
            Hypothesis.withinArm("both-orders-raises-final-gold",
                    "and the policy trained on the debiased labels ends with more gold", "Zheng et al. 2023",
                    "arms", -1, "gold_ppo_both_orders", "gold_ppo", Hypothesis.Direction.HIGHER));
    /** Offset of the swapped query's index, so index-keyed labelers draw fresh randomness for it. */
    static final long SWAPPED_OFFSET = 1L << 41;

    /**
     * The bias measured from a labeler's answers with every pair shown in both orders.
     *
     * @param estimate  (first-position picks − second-position picks) / answered queries: for a judge
     *                  that picks the first position with probability p regardless of content and
     *                  otherwise judges content (or says TIE), this is p
     * @param halfWidth 95% interval half-width of the estimate (normal approximation, multinomial variance)
     * @param firstRate first-position picks / answered queries
     * @param tieRate   ties / answered queries
     * @param queries   answered queries (failures excluded)
     */
    public record Measurement(double estimate, double halfWidth, double firstRate, double tieRate, int queries) {}

    /** Shows every pair in both orders to {@code labeler} and measures its position bias. */
    public static Measurement measure(PreferenceLabeler labeler, List<PairRecord> pairs) {
        List<LabelPair> queries = new ArrayList<>(2 * pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            PairRecord p = pairs.get(i);
            queries.add(new LabelPair(i, p.prompt(), p.responseA(), p.responseB()));
            queries.add(new LabelPair(i + SWAPPED_OFFSET, p.prompt(), p.responseB(), p.responseA()));
        }
        List<Judgement> js = labeler.labelAll(queries);
        int first = 0, second = 0, ties = 0;
        for (Judgement j : js) {
            // in each query the shown-first response is "A"
            switch (j.preferred()) {
                case A -> first++;
                case B -> second++;
                case TIE -> ties++;
                default -> { }
            }
        }
        int n = first + second + ties;
        if (n == 0) {
            return new Measurement(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double f = first / (double) n, s = second / (double) n, d = f - s;
        double var = (f + s - d * d) / n;
        return new Measurement(d, 1.96 * Math.sqrt(Math.max(0, var)), f, ties / (double) n, n);
    }

    /** Runs (or resumes) the experiment. */
    public static Map<String, Object> run(Path baseRun, ExperimentOptions o, PrintStream log) throws IOException {
        Sweep sweep = Sweep.over(baseRun, o.sweepName(NAME), log, RlaifPipeline.SFT, RlaifPipeline.SAMPLE);
        List<Double> ps = o.valuesOr(DEFAULT_BIASES);
        for (double p : ps) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("position-bias: p must lie in [0, 1], got " + p);
            }
        }
        List<PairRecord> pairs = Jsonl.read(baseRun.resolve("pairs.jsonl"), PairRecord.class);
        List<Map<String, Object>> rows = new ArrayList<>();
        int k = ps.size();
        double[] injected = new double[k], measured = new double[k], goldBiased = new double[k], goldDebiased = new double[k];
        for (int i = 0; i < k; i++) {
            double p = ps.get(i);
            String name = String.format(Locale.ROOT, "p-%.2f", p);
            ArmResult biased = sweep.run(Arm.of(name, "labeler picks the first response with probability " + p,
                    RlaifPipeline.LABEL, c -> {
                        c.labeler.positionBias = p;
                        c.labeler.noise = 0;
                        c.labeler.bothOrders = false;
                        o.applyTo(c);
                    }));
            ArmResult debiased = sweep.run(Arm.of(name + "-both-orders", "the same labeler asked in both orders",
                    RlaifPipeline.LABEL, c -> c.labeler.bothOrders = true).after(name));
            PreferenceLabeler labeler = RlaifPipeline.open(biased.dir(), null, log).labeler();
            Measurement m = measure(labeler, pairs);
            injected[i] = p;
            measured[i] = m.estimate();
            goldBiased[i] = biased.eval("ppo", "gold_score");
            goldDebiased[i] = debiased.eval("ppo", "gold_score");
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("injected", p);
            row.put("measured", m.estimate());
            row.put("measured_95_half_width", m.halfWidth());
            row.put("first_position_rate", m.firstRate());
            row.put("tie_rate", m.tieRate());
            row.put("labels_agree_with_gold", biased.stage(RlaifPipeline.LABEL, "agreement_with_gold"));
            row.put("labels_agree_with_gold_both_orders", debiased.stage(RlaifPipeline.LABEL, "agreement_with_gold"));
            row.put("rm_accuracy_vs_gold", biased.stage(RlaifPipeline.REWARD_MODEL, "held_out_accuracy_vs_gold"));
            row.put("rm_accuracy_vs_gold_both_orders", debiased.stage(RlaifPipeline.REWARD_MODEL, "held_out_accuracy_vs_gold"));
            row.put("gold_sft", biased.eval("sft", "gold_score"));
            row.put("gold_ppo", goldBiased[i]);
            row.put("gold_ppo_both_orders", goldDebiased[i]);
            rows.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiment", NAME);
        out.put("arms", rows);
        double worst = 0;
        for (int i = 0; i < k; i++) {
            worst = Math.max(worst, Math.abs(measured[i] - injected[i]));
        }
        out.put("max_abs_measurement_error", worst);
        AtomicFiles.writeString(sweep.root().resolve("result.json"), RlaifConfig.MAPPER.writeValueAsString(out));

        HtmlReport rep = new HtmlReport("Position bias: measured, and removed by asking in both orders");
        rep.paragraph(String.format(Locale.ROOT, "The labeler was made to pick whichever answer it saw first some of the "
                + "time; showing it every pair in both orders and counting how often the first one wins recovers that "
                + "rate to within %.3f. Asking both orders and keeping only the answers that survive the swap "
                + "changed the final gold score by %s at the strongest bias (%s → %s).", worst,
                s3(goldDebiased[k - 1] - goldBiased[k - 1]), f3(goldBiased[k - 1]), f3(goldDebiased[k - 1])));
        rep.chart(new LineChart("Measured vs injected position bias", "injected p", "measured p").points(true)
                .series("measured", injected, measured).series("ideal", injected, injected));
        rep.chart(new LineChart("Final gold against injected bias", "injected p", "gold score (PPO)").points(true)
                .series("labels as asked", injected, goldBiased).series("both orders", injected, goldDebiased));
        List<List<String>> table = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            table.add(List.of(f3((Double) r.get("injected")), f3((Double) r.get("measured")) + " ± "
                            + f3((Double) r.get("measured_95_half_width")), f3((Double) r.get("labels_agree_with_gold")),
                    f3((Double) r.get("labels_agree_with_gold_both_orders")), f3((Double) r.get("rm_accuracy_vs_gold")),
                    f3((Double) r.get("rm_accuracy_vs_gold_both_orders")), f3((Double) r.get("gold_sft")),
                    f3((Double) r.get("gold_ppo")), f3((Double) r.get("gold_ppo_both_orders"))));
        }
        rep.table(List.of("injected p", "measured p (95%)", "labels vs gold", "labels vs gold, both orders",
                "pθ acc vs gold", "pθ acc vs gold, both orders", "gold SFT", "gold PPO", "gold PPO, both orders"), table);
        rep.paragraph("Both orders cost two judge calls per pair, and pairs whose two answers disagree become ties that "
                + "pθ does not train on; label noise is off in every arm so the measurement isolates position.");
        rep.paragraph(o.describePpo(sweep.baseConfig()));
        rep.write(sweep.root().resolve("report.html"));
        log.printf(Locale.ROOT, "[experiment] position bias: injected %s measured %s; gold PPO %s, both orders %s%n",
                ps, Series.list(measured), Series.list(goldBiased),
                Series.list(goldDebiased));
        return out;
    }
}
