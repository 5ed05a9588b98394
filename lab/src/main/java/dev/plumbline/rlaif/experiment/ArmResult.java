// What one arm of a sweep recorded: its stage summaries, evaluation and PPO metrics.
package dev.plumbline.rlaif.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The outputs of one finished arm (or of the base run), read back from its directory. Missing
 * values read as NaN, so a table built from an arm that stopped early shows gaps, not zeros.
 *
 * <pre>{@code
 * ArmResult r = ArmResult.load("eps-0.2", Path.of("runs/demo/experiments/label-noise/eps-0.2"));
 * r.eval("ppo", "gold_score");            // held-out gold reward of the PPO policy
 * r.stage("train-rm", "held_out_accuracy_vs_gold");
 * r.series("val/mean_length");            // per PPO step
 * }</pre>
 */
public final class ArmResult {
    private final String name;
    private final Path dir;
    private final JsonNode config;
    private final List<JsonNode> metrics;

    private ArmResult(String name, Path dir, JsonNode config, List<JsonNode> metrics) {
        this.name = name;
        this.dir = dir;
        this.config = config;
        this.metrics = metrics;
    }

    /** Reads an arm's directory. */
    public static ArmResult load(String name, Path dir) throws IOException {
        JsonNode cfg = RlaifConfig.MAPPER.readTree(dir.resolve("config.json").toFile());
        List<JsonNode> rows = new ArrayList<>();
        Path m = dir.resolve("metrics.jsonl");
        if (Files.exists(m)) {
            for (String line : Files.readAllLines(m)) {
                if (!line.isBlank()) {
                    rows.add(RlaifConfig.MAPPER.readTree(line));
                }
            }
        }
        return new ArmResult(name, dir, cfg, rows);
    }

    /** The arm's name. */
    public String name() {
        return name;
    }

    /** The arm's run directory. */
    public Path dir() {
        return dir;
    }

    /** A config value by dotted path, e.g. {@code "labeler.noise"}. */
    public JsonNode config(String dotted) {
        JsonNode n = config;
        for (String k : dotted.split("\\.")) {
            n = n.path(k);
        }
        return n;
    }

    /** A number from a stage's summary ({@code stages/STAGE.json}), NaN when absent. */
    public double stage(String stage, String key) throws IOException {
        Path f = dir.resolve("stages").resolve(stage + ".json");
        if (!Files.exists(f)) {
            return Double.NaN;
        }
        return number(RlaifConfig.MAPPER.readTree(f.toFile()).path(key));
    }

    /** A number from the evaluation: {@code which} is "sft" or "ppo"; NaN when evaluation did not run. */
    public double eval(String which, String key) throws IOException {
        Path f = dir.resolve("stages").resolve(RlaifPipeline.EVAL + ".json");
        if (!Files.exists(f)) {
            return Double.NaN;
        }
        JsonNode e = RlaifConfig.MAPPER.readTree(f.toFile());
        return number(which == null ? e.path(key) : e.path(which).path(key));
    }

    /** A PPO metric for every step (NaN where a step did not record it). */
    public double[] series(String key) {
        double[] v = new double[metrics.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = number(metrics.get(i).path(key));
        }
        return v;
    }

    /** PPO steps recorded. */
    public int steps() {
        return metrics.size();
    }

    private static double number(JsonNode n) {
        return n == null || n instanceof MissingNode || !n.isNumber() ? Double.NaN : n.asDouble();
    }
}
