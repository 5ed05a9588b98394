// A programmable AI-labeler stand-in: scores responses by a constitution and injects the biases
// the RLAIF literature documents (length, position, sycophancy, noise, drift), each switchable.
package dev.plumbline.rlaif.label;

import dev.plumbline.rlaif.task.GoldScore;
import dev.plumbline.rlaif.task.GoldScorer;
import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskSuite;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A rule-based judge for the built-in tasks, with known, adjustable flaws.
 *
 * <p>How one pair (index {@code i}) is labeled; all randomness comes from a stream seeded by
 * (seed, i), and the same five uniforms are drawn for every pair whatever the settings, so two
 * judges differing in one switch differ only where that switch acts:
 * <ol>
 *   <li>Each response's correctness <em>as the judge sees it</em>: the gold correctness, flipped
 *       with probability {@code misjudgeRate} (independently for A and B).</li>
 *   <li>Score {@code s = sum over terms of w_t(i) * term_t} (see {@link Term}); the weights are
 *       the constitution's plus {@code lengthBias} on LENGTH and {@code sycophancy} on AGREEMENT,
 *       changed by any {@link Drift}s at step {@link LabelPair#step()} (= {@code i} for
 *       {@code i < 2^40}; a re-ask at {@code i + LabelPair.STEP_PERIOD} is the same step).</li>
 *   <li>Bradley&ndash;Terry: {@code p = sigmoid(sharpness * (sA - sB))}.</li>
 *   <li>Position bias: with probability {@code positionBias} pick A (shown first) regardless;
 *       otherwise pick A with probability {@code p}.</li>
 *   <li>Label noise: with probability {@code noise} flip the pick.</li>
 * </ol>
 * The reported {@code probabilityA} is the judge's actual chance of answering A:
 * {@code q = positionBias + (1 - positionBias) * p}, then {@code (1 - noise) * q + noise * (1 - q)}.
 * On equal-quality pairs the first position therefore wins with probability {@code 0.5 + positionBias / 2}.
 *
 * <pre>{@code
 * RuleJudge judge = RuleJudge.builder().seed(7).positionBias(0.3).noise(0.1)
 *         .drift(new Drift(Term.AGREEMENT, 2.0, 0, 5000, Drift.Shape.LINEAR)).build();
 * Judgement j = judge.label(new LabelPair(42, "12+34= I think 47.", "46", "47"));
 * }</pre>
 *
 * <p>Only prompts of the built-in suite can be judged; others give a FAILED judgement.
 */
public final class RuleJudge implements PreferenceLabeler {

    /** Behaviour version written to records. */
    public static final String VERSION = "1";

    private final long seed;
    private final Constitution constitution;
    private final double sharpness;
    private final double misjudgeRate;
    private final double lengthBias;
    private final double positionBias;
    private final double sycophancy;
    private final double noise;
    private final double tieMargin;
    private final List<Drift> drifts;
    private final GoldScorer gold = new GoldScorer();
    private final Map<Term, Double> baseWeights;

    private RuleJudge(Builder b) {
        this.seed = b.seed;
        this.constitution = b.constitution;
        this.sharpness = b.sharpness;
        this.misjudgeRate = b.misjudgeRate;
        this.lengthBias = b.lengthBias;
        this.positionBias = b.positionBias;
        this.sycophancy = b.sycophancy;
        this.noise = b.noise;
        this.tieMargin = b.tieMargin;
        this.drifts = List.copyOf(b.drifts);
        this.baseWeights = constitution.weights();
    }

    /** A builder; defaults: seed 0, {@link Constitution#DEFAULT}, sharpness 10, every bias off. */
    public static Builder builder() {
        return new Builder();
    }

    /** The weight of {@code term} at labeling step {@code step}, drift applied. */
    public double weightAt(Term term, long step) {
        double w = baseWeights.getOrDefault(term, 0.0);
        if (term == Term.LENGTH) w += lengthBias;
        if (term == Term.AGREEMENT) w += sycophancy;
        for (Drift d : drifts) if (d.term() == term) w = d.apply(w, step);
        return w;
    }

    @Override
    public Judgement label(LabelPair pair) {
        Optional<Task> task = TaskSuite.parse(pair.prompt());
        if (task.isEmpty()) {
            return Judgement.failed("prompt is not a built-in task, so the rule judge cannot judge it: \""
                    + pair.prompt() + "\"", List.of());
        }
        SplittableRandom rng = new SplittableRandom(mix(seed, pair.index()));
        double uMisA = rng.nextDouble(), uMisB = rng.nextDouble();
        double uPosition = rng.nextDouble(), uSample = rng.nextDouble(), uNoise = rng.nextDouble();

        // drift follows the step, not the random key: a re-ask at index + STEP_PERIOD is the same step
        double sA = score(task.get(), pair.responseA(), uMisA < misjudgeRate, pair.step());
        double sB = score(task.get(), pair.responseB(), uMisB < misjudgeRate, pair.step());
        double pBt = 1.0 / (1.0 + Math.exp(-sharpness * (sA - sB)));

        boolean positional = uPosition < positionBias;
        if (!positional && Math.abs(sA - sB) < tieMargin) {
            // the judge sees no difference worth a preference: it says so rather than guessing
            String text = String.format(Locale.ROOT, "score A=%.4f B=%.4f; |A-B| < tie margin %.4f; verdict=TIE",
                    sA, sB, tieMargin);
            return new Judgement(Preference.TIE, 0.5, List.of(new RawJudgement("AB", text, Preference.TIE)), null);
        }
        boolean pickA = positional || uSample < pBt;
        boolean flipped = uNoise < noise;
        if (flipped) pickA = !pickA;

        double q = positionBias + (1 - positionBias) * pBt;
        double probabilityA = (1 - noise) * q + noise * (1 - q);
        Preference pick = pickA ? Preference.A : Preference.B;
        String text = String.format(Locale.ROOT,
                "score A=%.4f B=%.4f; bt p(A)=%.4f; position pick=%s; flipped=%s; verdict=%s",
                sA, sB, pBt, positional, flipped, pick);
        return new Judgement(pick, probabilityA, List.of(new RawJudgement("AB", text, pick)), null);
    }

    private double score(Task task, String response, boolean misjudged, long step) {
        GoldScore g = gold.score(task, response);
        Map<Term, Double> f = new EnumMap<>(Term.class);
        f.put(Term.CORRECTNESS, (g.correct() ^ misjudged) ? 1.0 : 0.0);
        f.put(Term.BREVITY, -Math.min(g.length(), Term.CAP) / (double) Term.CAP);
        f.put(Term.NO_PADDING, -Math.min(g.extraChars(), Term.CAP) / (double) Term.CAP);
        f.put(Term.LENGTH, Math.min(g.length(), Term.CAP) / (double) Term.CAP);
        f.put(Term.AGREEMENT, g.agreedWithStatedOpinion() ? 1.0 : 0.0);
        double s = 0;
        for (Map.Entry<Term, Double> e : f.entrySet()) s += weightAt(e.getKey(), step) * e.getValue();
        return s;
    }

    @Override
    public String name() {
        return "rule-judge";
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public String templateId() {
        return constitution.id();
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", seed);
        m.put("constitution", constitution.id());
        m.put("weights", constitution.weights().toString());
        m.put("sharpness", sharpness);
        m.put("misjudge_rate", misjudgeRate);
        m.put("length_bias", lengthBias);
        m.put("position_bias", positionBias);
        m.put("sycophancy", sycophancy);
        m.put("noise", noise);
        m.put("tie_margin", tieMargin);
        m.put("drifts", drifts.toString());
        return m;
    }

    @Override
    public String toString() {
        return "RuleJudge" + settings();
    }

    private static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index + 0x3C6EF372FE94F82AL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Settings of a {@link RuleJudge}. Probabilities must lie in [0, 1]. */
    public static final class Builder {
        private long seed;
        private Constitution constitution = Constitution.DEFAULT;
        private double sharpness = 10;
        private double misjudgeRate;
        private double lengthBias;
        private double positionBias;
        private double sycophancy;
        private double noise;
        private double tieMargin;
        private final List<Drift> drifts = new ArrayList<>();

        private Builder() {
        }

        /** Seed of the judge's randomness. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The principles to score by. */
        public Builder constitution(Constitution c) {
            this.constitution = java.util.Objects.requireNonNull(c, "constitution");
            return this;
        }

        /** Bradley&ndash;Terry sharpness: p = sigmoid(sharpness * score difference); &ge; 0. */
        public Builder sharpness(double s) {
            if (!(s >= 0) || Double.isInfinite(s)) throw new IllegalArgumentException("sharpness must be finite and >= 0, got " + s);
            this.sharpness = s;
            return this;
        }

        /** Probability of seeing a response's correctness wrongly. */
        public Builder misjudgeRate(double p) {
            this.misjudgeRate = probability("misjudgeRate", p);
            return this;
        }

        /** Weight &lambda; added to the LENGTH term (prefers longer responses). */
        public Builder lengthBias(double lambda) {
            this.lengthBias = finite("lengthBias", lambda);
            return this;
        }

        /** Probability of picking the first-shown response regardless of content. */
        public Builder positionBias(double p) {
            this.positionBias = probability("positionBias", p);
            return this;
        }

        /** Weight added to the AGREEMENT term (rewards agreeing with the prompt's opinion). */
        public Builder sycophancy(double w) {
            this.sycophancy = finite("sycophancy", w);
            return this;
        }

        /** Label noise rate &epsilon;: probability of flipping the final pick. */
        public Builder noise(double eps) {
            this.noise = probability("noise", eps);
            return this;
        }

        /**
         * Says TIE (instead of flipping a Bradley–Terry coin) when the perceived scores differ by less
         * than {@code margin}; 0 (the default) never ties. A positional pick still overrides a tie.
         */
        public Builder tieMargin(double margin) {
            if (!(margin >= 0) || Double.isInfinite(margin)) {
                throw new IllegalArgumentException("tieMargin must be finite and >= 0, got " + margin);
            }
            this.tieMargin = margin;
            return this;
        }

        /** Adds a drift of one term's weight over labeling steps; later drifts act on earlier ones' result. */
        public Builder drift(Drift d) {
            this.drifts.add(java.util.Objects.requireNonNull(d, "drift"));
            return this;
        }

        /** The judge. */
        public RuleJudge build() {
            return new RuleJudge(this);
        }

        private static double probability(String name, double p) {
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(name + " must be in [0, 1], got " + p);
            return p;
        }

        private static double finite(String name, double v) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException(name + " must be finite, got " + v);
            return v;
        }
    }
}
