// Every knob of an RLAIF run, with defaults sized for the built-in tasks on 2 CPU cores.
package dev.plumbline.rlaif.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.plumbline.rlaif.ppo.PpoConfig;
import dev.plumbline.rlaif.rl.Algorithm;
import dev.plumbline.rlaif.rl.GroupAdvantages;
import dev.plumbline.rlaif.rl.DirectRlaifConfig;
import dev.plumbline.rlaif.rl.DpoLoss;
import dev.plumbline.rlaif.rl.GrpoConfig;
import dev.plumbline.rlaif.rl.GrpoLoss;
import dev.plumbline.rlaif.rl.OnlineDpoConfig;
import dev.plumbline.rlaif.rl.RlooConfig;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The configuration of an RLAIF run, written to {@code config.json} in the run directory. Public
 * fields grouped by stage; every default is what {@code plumbline demo} uses.
 *
 * <pre>{@code
 * RlaifConfig c = new RlaifConfig();
 * c.ppo.steps = 60;
 * c.labeler.positionBias = 0.2;
 * List<String> problems = c.problems();   // empty when valid
 * }</pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public final class RlaifConfig {
    /** Master seed: every stage derives its generator from it. */
    public long seed = 1;
    /** cpu, cuda[:N], opencl[:N] or best. */
    public String device = "cpu";

    /** The built-in task suite. */
    public static final class Tasks {
        /** Task kinds in the mix (ids of TaskKind: reverse, sort_letters, sort_digits, add, subtract, upper, count). */
        public List<String> kinds = List.of("upper", "count", "reverse");
        /** Fraction of prompts that state an opinion. */
        public double opinionRate = 0.3;
        /** Fraction of stated opinions that are right. */
        public double opinionCorrectRate = 0.3;
    }

    /** Policy / preference-model architecture (a small GPT). */
    public static final class Model {
        public int layers = 2;
        public int heads = 4;
        public int dModel = 64;
        public int contextLength = 48;
    }

    /** Supervised fine-tuning on demonstrations. */
    public static final class Sft {
        public int demonstrations = 4000;
        /** Fraction of demonstrations that are flawed (wrong answer or padded), as human demos are. */
        public double flawedFraction = 0.5;
        /** Share of the flawed demonstrations that pad a right answer (the rest are wrong or sycophantic). */
        public double paddedShare = 0.6;
        public int steps = 800;
        public int batchSize = 32;
        public double lr = 3e-3;
        public int warmupSteps = 30;
    }

    /** Response pairs sampled from the SFT policy for labeling. */
    public static final class Sampling {
        public int pairs = 1536;
        public double temperature = 1.0;
        public int maxNewTokens = 14;
        public int batchSize = 128;
    }

    /** The AI labeler. */
    public static final class Labeler {
        /**
         * rule (built-in constitution with bias switches), http (an OpenAI-compatible server) or model
         * (a small preference model trained on gold labels of the first {@link #judgeGoldPairs} pairs:
         * the bootstrapping case).
         */
        public String kind = "rule";
        /**
         * Ask every pair in both orders, (A, B) and (B, A), and keep a label only when the two agree
         * (TIE otherwise): position-bias mitigation, see {@link dev.plumbline.rlaif.label.BothOrders}.
         * Applies to kind rule and model; an http judge always asks both orders itself, so for it
         * this switch changes nothing.
         */
        public boolean bothOrders = false;
        /**
         * For kind=model: the judge is trained on the gold labels of the first this-many pairs of
         * {@code pairs.jsonl} (pairs gold rates equal are skipped) and then labels every pair; &gt; 0.
         */
        public int judgeGoldPairs = 256;
        /**
         * For kind=rule: scheduled changes of one constitution term's weight over the pair index (a
         * judge whose standards drift during labeling); empty = none. Each is applied in list order.
         */
        public List<DriftSpec> drifts = new ArrayList<>();
        public double misjudgeRate = 0.1;
        public double lengthBias = 0.0;
        public double positionBias = 0.0;
        public double sycophancy = 0.0;
        public double noise = 0.05;
        public double sharpness = 8.0;
        /** The rule judge says TIE when its perceived scores differ by less than this (ties are not trained on). */
        public double tieMargin = 0.05;
        /** Constitution weights of the rule judge: correctness, no padding, brevity. */
        public double correctnessWeight = 1.0;
        public double noPaddingWeight = 0.5;
        public double brevityWeight = 0.0;
        /** For kind=http: base URL, model name and the environment variable holding the API key. */
        public String url = "";
        public String model = "";
        public String apiKeyEnv = "PLUMBLINE_JUDGE_API_KEY";
        /** For kind=http: requests in flight at once (records are still written in order, exactly once). */
        public int concurrency = 1;
    }

    /**
     * One drift of the rule judge, in config form ({@link dev.plumbline.rlaif.label.Drift} in the judge):
     * {@code {"term": "no_padding", "toWeight": -0.5, "fromPair": 768, "toPair": 768, "shape": "abrupt"}}.
     * Pair numbers are indices into {@code pairs.jsonl}.
     */
    public static final class DriftSpec {
        /** Term id ({@link dev.plumbline.rlaif.label.Term#id()}): correctness, brevity, no_padding, length, agreement. */
        public String term = "";
        /** The weight the term ends at (it starts at its configured weight). */
        public double toWeight = 0.0;
        /** First pair index at which the weight changes, &ge; 0. */
        public long fromPair = 0;
        /** linear: the pair index where the weight reaches {@code toWeight} (&gt; fromPair); abrupt: ignored, but &ge; fromPair. */
        public long toPair = 0;
        /** linear (a straight line from fromPair to toPair) or abrupt (toWeight from fromPair on). */
        public String shape = "abrupt";

        /** A spec with every field given. */
        public static DriftSpec of(String term, double toWeight, long fromPair, long toPair, String shape) {
            DriftSpec d = new DriftSpec();
            d.term = term;
            d.toWeight = toWeight;
            d.fromPair = fromPair;
            d.toPair = toPair;
            d.shape = shape;
            return d;
        }

        /**
         * The judge's drift.
         *
         * @throws IllegalArgumentException for a spec {@link RlaifConfig#problems()} reports
         */
        public dev.plumbline.rlaif.label.Drift toDrift() {
            return new dev.plumbline.rlaif.label.Drift(dev.plumbline.rlaif.label.Term.fromId(term), toWeight, fromPair,
                    toPair, dev.plumbline.rlaif.label.Drift.Shape.valueOf(shape.toUpperCase(java.util.Locale.ROOT)));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DriftSpec d && java.util.Objects.equals(term, d.term)
                    && Double.compare(toWeight, d.toWeight) == 0 && fromPair == d.fromPair && toPair == d.toPair
                    && java.util.Objects.equals(shape, d.shape);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(term, toWeight, fromPair, toPair, shape);
        }

        @Override
        public String toString() {
            return "{term=" + term + ", toWeight=" + toWeight + ", fromPair=" + fromPair + ", toPair=" + toPair
                    + ", shape=" + shape + "}";
        }
    }

    /** The Bradley–Terry preference model pθ. */
    public static final class RewardModel {
        public int epochs = 3;
        public int batchSize = 32;
        public double lr = 1e-3;
        public double margin = 0.0;
        public double heldOutFraction = 0.15;
        /** Ensemble members (1 = a single model). */
        public int ensemble = 1;
        /** Label budget: train on the labels of the first this many pairs only (0 = all of them). */
        public int maxPairs = 0;
    }

    /** How r(x, y) is built from pθ. */
    public static final class Reward {
        /** raw (f), log_sigmoid (log σ f), log_odds_vs_reference (f − f(y_ref)) or length_only (len(y): a control that ignores pθ). */
        public String kind = "raw";
        /** Normalise to mean 0, std 1 on reference-policy samples before PPO. */
        public boolean normalize = true;
        /** Ensemble uncertainty penalty α·std (0 = off). */
        public double uncertaintyPenalty = 0.0;
        /** Length penalty β per response character (0 = off). */
        public double lengthPenalty = 0.0;
    }

    /** Evaluation on held-out prompts. */
    public static final class Eval {
        public int prompts = 256;
        /** Evaluate by sampling at this temperature (0 = greedy); the default is PPO's sampling temperature. */
        public double temperature = 1.0;
    }

    public Tasks tasks = new Tasks();
    public Model model = new Model();
    public Sft sft = new Sft();
    public Sampling sampling = new Sampling();
    public Labeler labeler = new Labeler();
    public RewardModel rewardModel = new RewardModel();
    public Reward reward = new Reward();
    /**
     * The policy optimiser of the {@code ppo} stage: ppo, rloo, grpo, online-dpo or d-rlaif. The stage keeps its name
     * ({@code ppo/}, {@code metrics.jsonl}) whichever runs.
     */
    public String algorithm = "ppo";
    /** Policy-optimisation knobs shared by every algorithm (PPO's own: critic, GAE, value clipping). */
    public PpoConfig ppo = new PpoConfig();
    /** RLOO's own knobs (used when {@code algorithm} is rloo). */
    public RlooConfig rloo = new RlooConfig();
    /** GRPO's own knobs (used when {@code algorithm} is grpo). */
    public GrpoConfig grpo = new GrpoConfig();
    /** Online DPO's own knobs (used when {@code algorithm} is online-dpo). */
    public OnlineDpoConfig onlineDpo = new OnlineDpoConfig();
    /** Direct RLAIF's own knobs (used when {@code algorithm} is d-rlaif). */
    public DirectRlaifConfig directRlaif = new DirectRlaifConfig();
    public Eval eval = new Eval();
    /** The gold-free onset alarm of every policy-optimisation run ({@link OnsetAlarm}); {@code alarm.earlyStop} stops at it. */
    public OnsetAlarm.Config alarm = new OnsetAlarm.Config();

    /** The JSON mapper for configs (pretty, strict about unknown keys). */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A smaller, faster run for tests and quick looks (seconds instead of minutes). */
    public static RlaifConfig quick() {
        RlaifConfig c = new RlaifConfig();
        c.model.layers = 1;
        c.model.dModel = 48;
        c.sft.demonstrations = 1500;
        c.sft.steps = 220;
        c.sampling.pairs = 256;
        c.rewardModel.epochs = 2;
        c.ppo.steps = 12;
        c.ppo.batchSize = 48;
        c.ppo.minibatchSize = 24;
        c.eval.prompts = 128;
        return c;
    }

    /**
     * Parses a config from JSON, reporting every unknown key and wrongly typed value at once (and
     * then every out-of-range value) before anything runs.
     *
     * @throws IllegalArgumentException listing all problems, one per line
     */
    public static RlaifConfig fromJson(String json, String source) {
        JsonNode given;
        try {
            given = MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var loc = e.getLocation();
            throw new IllegalArgumentException(source + ":" + (loc == null ? "?" : loc.getLineNr() + ":" + loc.getColumnNr())
                    + ": not valid JSON: " + e.getOriginalMessage());
        }
        List<String> problems = new ArrayList<>();
        compareShape(MAPPER.valueToTree(new RlaifConfig()), given, "", problems);
        // default lists are empty, so their elements have no reference shape in the tree above
        JsonNode drifts = given.path("labeler").path("drifts");
        if (drifts.isArray()) {
            JsonNode ref = MAPPER.valueToTree(new DriftSpec());
            for (int i = 0; i < drifts.size(); i++) compareShape(ref, drifts.get(i), "labeler.drifts[" + i + "]", problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source + ": invalid config:\n  " + String.join("\n  ", problems));
        }
        RlaifConfig c;
        try {
            c = MAPPER.treeToValue(given, RlaifConfig.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": invalid config: " + e.getOriginalMessage());
        }
        c.validate(source);
        return c;
    }

    private static void compareShape(JsonNode ref, JsonNode given, String path, List<String> problems) {
        if (!given.isObject()) {
            problems.add((path.isEmpty() ? "config" : path) + ": expected an object");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            JsonNode r = ref.get(e.getKey());
            JsonNode g = e.getValue();
            if (r == null) {
                problems.add(key + ": unknown key");
            } else if (r.isObject()) {
                compareShape(r, g, key, problems);
            } else if (r.isNumber() && !g.isNumber()) {
                problems.add(key + ": expected a number, got " + g.getNodeType().name().toLowerCase());
            } else if ((r.isInt() || r.isLong()) && g.isNumber() && !g.canConvertToLong()) {
                problems.add(key + ": expected an integer, got " + g);
            } else if ((r.isInt() || r.isLong()) && g.isFloatingPointNumber() && g.asDouble() != Math.rint(g.asDouble())) {
                problems.add(key + ": expected an integer, got " + g);
            } else if (r.isBoolean() && !g.isBoolean()) {
                problems.add(key + ": expected true or false, got " + g);
            } else if (r.isArray() && !g.isArray()) {
                problems.add(key + ": expected a list, got " + g);
            } else if (r.isTextual() && !g.isTextual()) {
                problems.add(key + ": expected a string, got " + g);
            }
        }
    }

    /** Every out-of-range value, one message each (empty when valid). */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        positive(p, "model.layers", model.layers);
        positive(p, "model.heads", model.heads);
        positive(p, "model.dModel", model.dModel);
        if (model.heads > 0 && model.dModel % model.heads != 0) {
            p.add("model.dModel (" + model.dModel + ") must be divisible by model.heads (" + model.heads + ")");
        }
        if (model.contextLength < 26 + Math.max(sampling.maxNewTokens, ppo.maxNewTokens)) {
            p.add("model.contextLength (" + model.contextLength + ") must hold the longest prompt (26) plus maxNewTokens ("
                    + Math.max(sampling.maxNewTokens, ppo.maxNewTokens) + ")");
        }
        if (tasks.kinds == null || tasks.kinds.isEmpty()) {
            p.add("tasks.kinds must name at least one task kind");
        } else {
            for (String k : tasks.kinds) {
                try {
                    dev.plumbline.rlaif.task.TaskKind.fromId(k);
                } catch (IllegalArgumentException e) {
                    p.add("tasks.kinds: " + e.getMessage());
                }
            }
        }
        fraction(p, "tasks.opinionRate", tasks.opinionRate);
        fraction(p, "tasks.opinionCorrectRate", tasks.opinionCorrectRate);
        positive(p, "sft.demonstrations", sft.demonstrations);
        fraction(p, "sft.flawedFraction", sft.flawedFraction);
        fraction(p, "sft.paddedShare", sft.paddedShare);
        nonNegative(p, "sft.steps", sft.steps);
        positive(p, "sft.batchSize", sft.batchSize);
        positiveReal(p, "sft.lr", sft.lr);
        positive(p, "sampling.pairs", sampling.pairs);
        positiveReal(p, "sampling.temperature", sampling.temperature);
        positive(p, "sampling.maxNewTokens", sampling.maxNewTokens);
        positive(p, "sampling.batchSize", sampling.batchSize);
        if (!List.of("rule", "http", "model").contains(labeler.kind)) {
            p.add("labeler.kind must be rule, http or model, got '" + labeler.kind + "'");
        }
        positive(p, "labeler.judgeGoldPairs", labeler.judgeGoldPairs);
        driftProblems(p);
        fraction(p, "labeler.misjudgeRate", labeler.misjudgeRate);
        fraction(p, "labeler.positionBias", labeler.positionBias);
        fraction(p, "labeler.noise", labeler.noise);
        if (labeler.concurrency < 1 || labeler.concurrency > 4096) {
            p.add("labeler.concurrency must lie in [1, 4096], got " + labeler.concurrency);
        }
        if (labeler.kind.equals("http") && labeler.url.isBlank()) {
            p.add("labeler.url is required when labeler.kind is http");
        }
        positive(p, "rewardModel.epochs", rewardModel.epochs);
        positive(p, "rewardModel.batchSize", rewardModel.batchSize);
        positiveReal(p, "rewardModel.lr", rewardModel.lr);
        if (!(rewardModel.heldOutFraction >= 0 && rewardModel.heldOutFraction < 1)) {
            p.add("rewardModel.heldOutFraction must be in [0, 1), got " + rewardModel.heldOutFraction);
        }
        positive(p, "rewardModel.ensemble", rewardModel.ensemble);
        nonNegative(p, "rewardModel.maxPairs", rewardModel.maxPairs);
        if (!List.of("raw", "log_sigmoid", "log_odds_vs_reference", "length_only").contains(reward.kind)) {
            p.add("reward.kind must be raw, log_sigmoid, log_odds_vs_reference or length_only, got '" + reward.kind + "'");
        }
        nonNegative(p, "ppo.steps", ppo.steps);
        positive(p, "ppo.batchSize", ppo.batchSize);
        positive(p, "ppo.minibatchSize", ppo.minibatchSize);
        if (ppo.minibatchSize > 0 && ppo.batchSize % ppo.minibatchSize != 0) {
            p.add("ppo.batchSize (" + ppo.batchSize + ") must be divisible by ppo.minibatchSize (" + ppo.minibatchSize + ")");
        }
        positive(p, "ppo.epochs", ppo.epochs);
        positiveReal(p, "ppo.lr", ppo.lr);
        positiveReal(p, "ppo.criticLr", ppo.criticLr);
        if (!(ppo.klCoef >= 0)) {
            p.add("ppo.klCoef must be >= 0, got " + ppo.klCoef);
        }
        if (!List.of("k1", "k2", "k3").contains(ppo.klEstimator.toLowerCase())) {
            p.add("ppo.klEstimator must be k1, k2 or k3, got '" + ppo.klEstimator + "'");
        }
        positiveReal(p, "ppo.clipRange", ppo.clipRange);
        positiveReal(p, "ppo.valueClipRange", ppo.valueClipRange);
        if (!(ppo.gamma > 0 && ppo.gamma <= 1)) {
            p.add("ppo.gamma must be in (0, 1], got " + ppo.gamma);
        }
        if (!(ppo.lambda >= 0 && ppo.lambda <= 1)) {
            p.add("ppo.lambda must be in [0, 1], got " + ppo.lambda);
        }
        positiveReal(p, "ppo.temperature", ppo.temperature);
        positive(p, "ppo.maxNewTokens", ppo.maxNewTokens);
        Algorithm algo = null;
        try {
            algo = Algorithm.parse(algorithm);
        } catch (IllegalArgumentException e) {
            p.add("algorithm: " + e.getMessage());
        }
        if (rloo.numGenerations < 2) {
            p.add("rloo.numGenerations must be >= 2, got " + rloo.numGenerations);
        } else if (algo == Algorithm.RLOO && ppo.batchSize % rloo.numGenerations != 0) {
            p.add("ppo.batchSize (" + ppo.batchSize + " responses per step) must be divisible by rloo.numGenerations ("
                    + rloo.numGenerations + ")");
        }
        if (grpo.numGenerations < 2) {
            p.add("grpo.numGenerations must be >= 2, got " + grpo.numGenerations);
        } else if (algo == Algorithm.GRPO && ppo.batchSize % grpo.numGenerations != 0) {
            p.add("ppo.batchSize (" + ppo.batchSize + " responses per step) must be divisible by grpo.numGenerations ("
                    + grpo.numGenerations + ")");
        }
        if (!(grpo.beta >= 0)) {
            p.add("grpo.beta must be >= 0, got " + grpo.beta);
        }
        positiveReal(p, "grpo.epsilon", grpo.epsilon);
        positiveReal(p, "grpo.epsilonHigh", grpo.epsilonHigh);
        try {
            GrpoLoss.Type.parse(grpo.lossType);
        } catch (IllegalArgumentException e) {
            p.add("grpo.lossType: " + e.getMessage());
        }
        try {
            GroupAdvantages.Scale.parse(grpo.scaleRewards);
        } catch (IllegalArgumentException e) {
            p.add("grpo.scaleRewards: " + e.getMessage());
        }
        p.addAll(alarm.problems());
        positiveReal(p, "onlineDpo.beta", onlineDpo.beta);
        try {
            DpoLoss.Type.parse(onlineDpo.lossType);
        } catch (IllegalArgumentException e) {
            p.add("onlineDpo.lossType: " + e.getMessage());
        }
        if (!List.of("judge", "reward").contains(String.valueOf(onlineDpo.feedback))) {
            p.add("onlineDpo.feedback must be judge or reward, got '" + onlineDpo.feedback + "'");
        }
        if (algo == Algorithm.ONLINE_DPO && (ppo.batchSize % 2 != 0 || ppo.minibatchSize % 2 != 0)) {
            p.add("online-dpo samples two responses per prompt: ppo.batchSize (" + ppo.batchSize
                    + ") and ppo.minibatchSize (" + ppo.minibatchSize + ") must be even");
        }
        Algorithm inner = null;
        try {
            inner = Algorithm.parse(directRlaif.optimizer);
            if (inner != Algorithm.PPO && inner != Algorithm.RLOO && inner != Algorithm.GRPO) {
                p.add("directRlaif.optimizer must be ppo, rloo or grpo, got '" + directRlaif.optimizer + "'");
                inner = null;
            }
        } catch (IllegalArgumentException e) {
            p.add("directRlaif.optimizer: " + e.getMessage());
        }
        if (algo == Algorithm.D_RLAIF && inner != null && inner != Algorithm.PPO) {
            int k = inner == Algorithm.RLOO ? rloo.numGenerations : grpo.numGenerations;
            if (k >= 2 && ppo.batchSize % k != 0) {
                p.add("ppo.batchSize (" + ppo.batchSize + " responses per step) must be divisible by "
                        + inner.id() + ".numGenerations (" + k + ") for d-rlaif with optimizer " + inner.id());
            }
        }
        positive(p, "eval.prompts", eval.prompts);
        if (!(eval.temperature >= 0)) {
            p.add("eval.temperature must be >= 0, got " + eval.temperature);
        }
        return p;
    }

    private void driftProblems(List<String> p) {
        if (labeler.drifts == null) {
            p.add("labeler.drifts must be a list (use [] for none)");
            return;
        }
        if (!labeler.drifts.isEmpty() && !"rule".equals(labeler.kind)) {
            p.add("labeler.drifts only act on the rule judge, but labeler.kind is '" + labeler.kind + "'");
        }
        for (int i = 0; i < labeler.drifts.size(); i++) {
            String at = "labeler.drifts[" + i + "]";
            DriftSpec d = labeler.drifts.get(i);
            if (d == null) {
                p.add(at + " must be an object like {\"term\": \"no_padding\", \"toWeight\": -0.5, \"fromPair\": 768, "
                        + "\"toPair\": 768, \"shape\": \"abrupt\"}");
                continue;
            }
            if (d.term == null || d.term.isEmpty()) {
                p.add(at + ".term is required; known: "
                        + java.util.Arrays.stream(dev.plumbline.rlaif.label.Term.values()).map(dev.plumbline.rlaif.label.Term::id).toList());
            } else {
                try {
                    dev.plumbline.rlaif.label.Term.fromId(d.term);
                } catch (IllegalArgumentException e) {
                    p.add(at + ".term: " + e.getMessage());
                }
            }
            boolean linear = "linear".equals(d.shape);
            if (!linear && !"abrupt".equals(d.shape)) {
                p.add(at + ".shape must be linear or abrupt, got '" + d.shape + "'");
            }
            if (!Double.isFinite(d.toWeight)) {
                p.add(at + ".toWeight must be a finite number, got " + d.toWeight);
            }
            nonNegative(p, at + ".fromPair", d.fromPair);
            nonNegative(p, at + ".toPair", d.toPair);
            if (d.fromPair > d.toPair) {
                p.add(at + ": fromPair (" + d.fromPair + ") must be <= toPair (" + d.toPair + ")");
            } else if (linear && d.fromPair == d.toPair) {
                p.add(at + ": a linear drift needs toPair > fromPair (both are " + d.fromPair
                        + "); use shape abrupt for a sudden change");
            }
        }
    }

    /** Throws listing every problem when the config is not valid. */
    public void validate(String source) {
        List<String> p = problems();
        if (!p.isEmpty()) {
            throw new IllegalArgumentException(source + ": invalid config:\n  " + String.join("\n  ", p));
        }
    }

    private static void positive(List<String> p, String name, long v) {
        if (v <= 0) {
            p.add(name + " must be > 0, got " + v);
        }
    }

    private static void nonNegative(List<String> p, String name, long v) {
        if (v < 0) {
            p.add(name + " must be >= 0, got " + v);
        }
    }

    private static void positiveReal(List<String> p, String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            p.add(name + " must be a finite number > 0, got " + v);
        }
    }

    private static void fraction(List<String> p, String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            p.add(name + " must be in [0, 1], got " + v);
        }
    }

    /** The config as pretty JSON. */
    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
