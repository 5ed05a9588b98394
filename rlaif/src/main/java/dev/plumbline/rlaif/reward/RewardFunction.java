// The reward PPO optimises, built from pθ (or an ensemble): raw score, log-sigmoid, or log-odds against a
// reference response, with optional uncertainty and length penalties.
package dev.plumbline.rlaif.reward;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * r(x, y) from k ≥ 1 scorers (a single {@link PreferenceModel} is k = 1). Each member i gives a base
 * reward g_i by {@link Kind}; then
 * <pre>
 * r(x, y) = mean_i g_i(x, y) − α · std_i g_i(x, y) − β · len(y)
 * </pre>
 * with population std over members (0 for one member), len(y) in characters (a trailing {@code "<eos>"}
 * text not counted), α the uncertainty penalty and β the length penalty (both default 0).
 *
 * <ul>
 *   <li>{@link Kind#RAW}: g_i = f_i(x, y)</li>
 *   <li>{@link Kind#LOG_SIGMOID}: g_i = log σ(f_i(x, y))</li>
 *   <li>{@link Kind#LOG_ODDS_VS_REFERENCE}: g_i = f_i(x, y) − f_i(x, y_ref(x)) = log-odds that y beats the
 *       reference response under member i; removes each member's per-prompt offset (needs a reference per prompt)</li>
 *   <li>{@link Kind#LENGTH_ONLY}: g_i = len(y) — a control that ignores pθ (its raw scores are still
 *       reported): how much of a policy's proxy gain length alone buys (Singhal et al. 2023)</li>
 * </ul>
 *
 * <pre>{@code
 * RewardFunction r = RewardFunction.builder(RewardFunction.Kind.LOG_ODDS_VS_REFERENCE)
 *         .ensemble(ens).uncertaintyPenalty(0.5).lengthPenalty(0.01)
 *         .references(Map.of("12+34=", "46")).build();
 * double[] rewards = r.rewards(prompts, responses);
 * }</pre>
 */
public final class RewardFunction {

    /** How a member's score becomes a base reward. */
    public enum Kind { RAW, LOG_SIGMOID, LOG_ODDS_VS_REFERENCE, LENGTH_ONLY }

    private final Kind kind;
    private final List<RewardScorer> members;
    private final double uncertaintyPenalty;
    private final double lengthPenalty;
    private final Map<String, String> references;

    private RewardFunction(Builder b) {
        this.kind = b.kind;
        this.members = List.copyOf(b.members);
        this.uncertaintyPenalty = b.uncertaintyPenalty;
        this.lengthPenalty = b.lengthPenalty;
        this.references = Map.copyOf(b.references);
    }

    /** A builder for {@code kind}; add a model or ensemble before {@link Builder#build()}. */
    public static Builder builder(Kind kind) {
        if (kind == null) throw new IllegalArgumentException("RewardFunction: kind is null");
        return new Builder(kind);
    }

    /** The kind. */
    public Kind kind() {
        return kind;
    }

    /** α. */
    public double uncertaintyPenalty() {
        return uncertaintyPenalty;
    }

    /** β. */
    public double lengthPenalty() {
        return lengthPenalty;
    }

    /** Settings for a run's config.json. */
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind.name());
        m.put("members", members.size());
        m.put("uncertainty_penalty", uncertaintyPenalty);
        m.put("length_penalty", lengthPenalty);
        m.put("references", references.size());
        return m;
    }

    /**
     * Rewards with the raw scores they came from, from one pass over the members.
     *
     * @param rewards r(x_i, y_i)
     * @param rawMean mean over members of f(x_i, y_i)
     * @param rawStd  population std over members of f(x_i, y_i) (0 for one member)
     */
    public record Evaluation(double[] rewards, double[] rawMean, double[] rawStd) {}

    /**
     * r(x_i, y_i) for each i, without a graph.
     *
     * @throws IllegalArgumentException for empty/mismatched lists, or (LOG_ODDS_VS_REFERENCE) a prompt without a reference
     */
    public double[] rewards(List<String> prompts, List<String> responses) {
        return evaluate(prompts, responses).rewards();
    }

    /** {@link #rewards} together with the members' raw scores (each member scores each pair once). */
    public Evaluation evaluate(List<String> prompts, List<String> responses) {
        PreferenceModel.checkPairs(prompts, responses);
        int n = prompts.size();
        List<String> ps = prompts, rs = responses;
        if (kind == Kind.LOG_ODDS_VS_REFERENCE) {
            ps = new ArrayList<>(prompts);
            rs = new ArrayList<>(responses);
            for (String p : prompts) {
                String ref = references.get(p);
                if (ref == null) throw new IllegalArgumentException("RewardFunction: no reference response for prompt \"" + p + "\"");
                ps.add(p);
                rs.add(ref);
            }
        }
        double[][] g = new double[members.size()][n];
        double[][] raw = new double[members.size()][n];
        for (int m = 0; m < members.size(); m++) {
            float[] f = members.get(m).score(ps, rs);
            for (int i = 0; i < n; i++) {
                raw[m][i] = f[i];
                g[m][i] = switch (kind) {
                    case RAW -> f[i];
                    case LOG_SIGMOID -> logSigmoid(f[i]);
                    case LOG_ODDS_VS_REFERENCE -> (double) f[i] - f[i + n];
                    case LENGTH_ONLY -> PreferenceModel.responseLength(responses.get(i));
                };
            }
        }
        PreferenceEnsemble.Scores s = PreferenceEnsemble.meanStd(g);
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = s.mean()[i] - uncertaintyPenalty * s.std()[i]
                    - lengthPenalty * PreferenceModel.responseLength(responses.get(i));
        }
        PreferenceEnsemble.Scores f = PreferenceEnsemble.meanStd(raw);
        return new Evaluation(r, f.mean(), f.std());
    }

    /** log σ(x) = min(x, 0) − log(1 + e^(−|x|)), stable for large |x|. */
    static double logSigmoid(double x) {
        return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** Settings of a {@link RewardFunction}. */
    public static final class Builder {
        private final Kind kind;
        private final List<RewardScorer> members = new ArrayList<>();
        private double uncertaintyPenalty;
        private double lengthPenalty;
        private final Map<String, String> references = new LinkedHashMap<>();

        private Builder(Kind kind) {
            this.kind = kind;
        }

        /** Scores from one model (k = 1). */
        public Builder model(RewardScorer model) {
            if (model == null) throw new IllegalArgumentException("RewardFunction: model is null");
            members.add(model);
            return this;
        }

        /** Scores from every member of an ensemble. */
        public Builder ensemble(PreferenceEnsemble ensemble) {
            if (ensemble == null) throw new IllegalArgumentException("RewardFunction: ensemble is null");
            members.addAll(ensemble.members());
            return this;
        }

        /** α ≥ 0: reward −= α · std over members; needs at least two members when positive. */
        public Builder uncertaintyPenalty(double alpha) {
            if (!(alpha >= 0) || Double.isInfinite(alpha)) throw new IllegalArgumentException("uncertaintyPenalty must be finite and >= 0, got " + alpha);
            this.uncertaintyPenalty = alpha;
            return this;
        }

        /** β ≥ 0: reward −= β · len(y) in characters. */
        public Builder lengthPenalty(double beta) {
            if (!(beta >= 0) || Double.isInfinite(beta)) throw new IllegalArgumentException("lengthPenalty must be finite and >= 0, got " + beta);
            this.lengthPenalty = beta;
            return this;
        }

        /** Reference responses y_ref by prompt, for {@link Kind#LOG_ODDS_VS_REFERENCE}. */
        public Builder references(Map<String, String> byPrompt) {
            if (byPrompt == null) throw new IllegalArgumentException("references is null");
            references.putAll(byPrompt);
            return this;
        }

        /** The reward function; checks that the settings fit together. */
        public RewardFunction build() {
            if (members.isEmpty()) throw new IllegalArgumentException("RewardFunction: no model or ensemble given");
            if (uncertaintyPenalty > 0 && members.size() < 2) {
                throw new IllegalArgumentException("RewardFunction: an uncertainty penalty needs an ensemble of >= 2 members, got "
                        + members.size());
            }
            if (kind == Kind.LOG_ODDS_VS_REFERENCE && references.isEmpty()) {
                throw new IllegalArgumentException("RewardFunction: LOG_ODDS_VS_REFERENCE needs reference responses");
            }
            return new RewardFunction(this);
        }
    }
}
