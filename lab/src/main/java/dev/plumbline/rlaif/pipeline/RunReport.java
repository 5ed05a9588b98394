// Builds report.html for a run from what its stages recorded.
package dev.plumbline.rlaif.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plumbline.rlaif.report.HtmlReport;
import dev.plumbline.rlaif.report.LineChart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run report: stage summaries, PPO curves (proxy vs gold reward, KL, length, entropy, clip
 * fraction) from {@code metrics.jsonl}, labeler agreement with gold, pθ accuracy and calibration,
 * the SFT-vs-PPO evaluation and example samples. Self-contained HTML with inline SVG.
 */
final class RunReport {
    private RunReport() {}

    static Path write(RlaifPipeline p) throws IOException {
        RunDirectory run = p.runDirectory();
        HtmlReport r = new HtmlReport("Plumbline RLAIF run — " + run.root().getFileName());
        String who = p.config().algorithm.toUpperCase(Locale.ROOT);
        r.paragraph("Pipeline: SFT on mixed-quality demonstrations → response pairs → AI labeler → Bradley–Terry "
                + "preference model pθ → reward r(x, y) → " + who + " against the frozen SFT policy. The gold scorer is "
                + "external to the loop: the policy never sees it, so it shows whether optimising the proxy made "
                + "responses truly better.");

        // ---- headline numbers
        JsonNode eval = run.summary(RlaifPipeline.EVAL).orElse(null);
        if (eval != null) {
            r.section("Result");
            List<List<String>> rows = new ArrayList<>();
            for (String k : List.of("gold_score", "correct_rate", "sycophancy_rate", "proxy_score", "mean_length", "eos_rate")) {
                rows.add(List.of(k, num(eval.path("sft").path(k)), num(eval.path("ppo").path(k))));
            }
            r.table(List.of("held-out metric", "SFT policy", who + " policy"), rows);
            r.paragraph(String.format(Locale.ROOT, "%s wins against SFT on %.0f%% of %d held-out prompts by gold score "
                    + "(ties count half).", who, 100 * eval.path("ppo_win_rate_vs_sft").asDouble(), eval.path("prompts").asInt()));
        }

        // ---- PPO curves
        List<JsonNode> metrics = readMetrics(run.file("metrics.jsonl"));
        if (!metrics.isEmpty()) {
            r.section("PPO");
            double[] step = col(metrics, "step");
            boolean alert = false;
            LineChart rewards = new LineChart("Proxy vs gold reward", "PPO step", "reward")
                    .series("proxy (normalised pθ)", step, col(metrics, "objective/scores"))
                    .series("gold score", step, col(metrics, "gold/score"));
            double[] alerts = col(metrics, "alert/proxy_up_gold_down");
            for (int i = 0; i < alerts.length; i++) {
                if (alerts[i] > 0) {
                    rewards.marker(step[i], "alert");
                    alert = true;
                    break;
                }
            }
            if (alert) {
                r.flag("Over-optimisation alert: the proxy reward kept rising while the gold score fell. The policy is "
                        + "learning what the preference model rewards rather than what is right.");
            }
            double[] fired = col(metrics, "alarm/fired");
            for (int i = 0; i < fired.length; i++) {
                if (fired[i] > 0) {
                    rewards.marker(step[i], "onset alarm");
                    r.flag(String.format(java.util.Locale.ROOT, "Onset alarm at step %.0f: a gold-free signal (KL growth, "
                            + "length growth, ensemble disagreement, proxy–judge gap or entropy collapse) crossed its "
                            + "limit. Check the gold curve against it; with alarm.earlyStop the run stops there.", step[i]));
                    break;
                }
            }
            r.chart(rewards);
            if (fired.length > 0 && !Double.isNaN(fired[fired.length - 1])) {
                LineChart signals = new LineChart("Onset alarm signals (1 = at the limit)", "PPO step", "ratio to limit");
                for (String sig : OnsetAlarm.SIGNALS) {
                    double[] v = col(metrics, "alarm/" + sig);
                    if (java.util.Arrays.stream(v).anyMatch(x -> !Double.isNaN(x))) {
                        signals.series(sig, step, v);
                    }
                }
                r.chart(signals);
            }
            r.chart(new LineChart("Gold and proxy against √KL(π‖π_ref)", "√KL", "reward").points(true)
                    .series("proxy", col(metrics, "objective/sqrt_kl"), col(metrics, "objective/scores"))
                    .series("gold", col(metrics, "objective/sqrt_kl"), col(metrics, "gold/score")));
            r.chart(new LineChart("KL(π‖π_ref) per response", "PPO step", "nats").series("objective/kl", step,
                    col(metrics, "objective/kl")));
            r.chart(new LineChart("Response length", "PPO step", "characters").series("val/mean_length", step,
                    col(metrics, "val/mean_length")));
            r.chart(new LineChart("Entropy", "PPO step", "nats/token").series("objective/entropy", step,
                    col(metrics, "objective/entropy")));
            r.chart(new LineChart("Clip fraction and approx. KL", "PPO step", "").series("policy/clipfrac_avg", step,
                    col(metrics, "policy/clipfrac_avg")).series("policy/approxkl_avg", step, col(metrics, "policy/approxkl_avg")));
            r.chart(new LineChart("Sycophancy (agreeing with a wrong stated opinion)", "PPO step", "rate")
                    .series("gold/sycophancy_rate", step, col(metrics, "gold/sycophancy_rate")));
            r.paragraph("The first chart is the core of RLAIF: PPO raises the proxy reward by construction; only the gold "
                    + "curve says whether the responses improved. KL measures how far the policy moved from the SFT "
                    + "policy; rewards bought with a large KL are the ones most likely to be exploits.");
        }

        // ---- labels and preference model
        JsonNode label = run.summary(RlaifPipeline.LABEL).orElse(null);
        JsonNode rm = run.summary(RlaifPipeline.REWARD_MODEL).orElse(null);
        if (label != null || rm != null) {
            r.section("AI labeler and preference model");
            List<List<String>> rows = new ArrayList<>();
            if (label != null) {
                rows.add(List.of("labeler", label.path("labeler").asText()));
                rows.add(List.of("labeler agreement with gold (decisive pairs)", num(label.path("agreement_with_gold"))
                        + " on " + label.path("decisive_pairs").asInt()));
                rows.add(List.of("labeler picks the first-shown response", num(label.path("first_position_rate"))));
                rows.add(List.of("failed labels", label.path("failed").asText()));
            }
            if (rm != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = rm.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getValue().isValueNode()) {
                        rows.add(List.of("pθ " + e.getKey(), num(e.getValue())));
                    }
                }
            }
            r.table(List.of("measure", "value"), rows);
            if (rm != null && rm.has("reliability")) {
                List<Double> conf = new ArrayList<>(), acc = new ArrayList<>();
                for (JsonNode b : rm.get("reliability")) {
                    if (b.path("count").asInt() > 0) {
                        conf.add(b.path("confidence").asDouble());
                        acc.add(b.path("accuracy").asDouble());
                    }
                }
                double[] c = conf.stream().mapToDouble(Double::doubleValue).toArray();
                double[] a = acc.stream().mapToDouble(Double::doubleValue).toArray();
                r.chart(new LineChart("pθ reliability (held-out)", "predicted P(chosen)", "observed accuracy").points(true)
                        .series("pθ", c, a).series("perfect calibration", new double[] {0, 1}, new double[] {0, 1}));
                r.paragraph("A calibrated preference model lies on the diagonal: when it says 80%, it is right 80% of the "
                        + "time. Accuracy against the labeler bounds what PPO can learn from it; accuracy against gold "
                        + "says how much of that is truth.");
            }
        }

        // ---- examples
        if (eval != null && eval.has("examples")) {
            r.section("Samples before and after " + who + " (held-out prompts)");
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode e : eval.get("examples")) {
                rows.add(List.of(e.path("prompt").asText(), e.path("sft").asText(), e.path("ppo").asText()));
            }
            r.table(List.of("prompt", "SFT policy", who + " policy"), rows);
        }

        // ---- failure-mode experiments run over this run (plumbline experiment NAME)
        Path experiments = run.file("experiments");
        if (Files.isDirectory(experiments)) {
            List<Path> done = new ArrayList<>();
            try (var list = Files.list(experiments)) {
                list.filter(d -> Files.exists(d.resolve("report.html"))).sorted().forEach(done::add);
            }
            if (!done.isEmpty()) {
                r.section("Failure-mode experiments");
                r.paragraph("Experiments run over this run's models and data; each report shows its sweep, its table and "
                        + "what it means.");
                for (Path d : done) {
                    r.link(d.getFileName() + ": experiments/" + d.getFileName() + "/report.html",
                            "experiments/" + d.getFileName() + "/report.html");
                }
            }
        }

        // ---- stages
        r.section("Stages");
        List<List<String>> rows = new ArrayList<>();
        for (String s : List.of(RlaifPipeline.SFT, RlaifPipeline.SAMPLE, RlaifPipeline.LABEL, RlaifPipeline.REWARD_MODEL,
                RlaifPipeline.PPO, RlaifPipeline.EVAL)) {
            JsonNode sum = run.summary(s).orElse(null);
            rows.add(List.of(s, sum == null ? "not run" : "done", sum == null ? "" : num(sum.path("seconds"))));
        }
        r.table(List.of("stage", "status", "seconds"), rows);
        r.pre(Files.readString(run.file("config.json")));
        Path out = run.file("report.html");
        r.write(out);
        return out;
    }

    static List<JsonNode> readMetrics(Path f) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(f)) {
            return out;
        }
        for (String line : Files.readAllLines(f)) {
            if (!line.isBlank()) {
                out.add(RlaifConfig.MAPPER.readTree(line));
            }
        }
        return out;
    }

    static double[] col(List<JsonNode> rows, String key) {
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode n = rows.get(i).get(key);
            v[i] = n == null || !n.isNumber() ? Double.NaN : n.asDouble();
        }
        return v;
    }

    private static String num(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return "";
        }
        if (n.isNumber()) {
            double d = n.asDouble();
            return Double.isNaN(d) ? "n/a" : n.isIntegralNumber() ? Long.toString(n.asLong())
                    : String.format(Locale.ROOT, "%.3f", d);
        }
        return n.asText();
    }
}
