// k preference models trained from different seeds on bootstrap resamples: mean score, spread, pair disagreement.
package dev.plumbline.rlaif.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * An ensemble of reward scorers. For k members with scores f_1..f_k on (x, y):
 * <pre>
 * mean = (1/k) Σ f_i        std = √((1/k) Σ (f_i − mean)²)       (population std; 0 for k = 1)
 * disagreement(x, a, b) = population std over members of σ(f_i(x, a) − f_i(x, b))
 * </pre>
 * std is the uncertainty signal a reward can penalise; disagreement is the same idea on a pair and
 * is free of each member's arbitrary score offset.
 *
 * <pre>{@code
 * PreferenceEnsemble ens = PreferenceEnsemble.train(4, i -> new PreferenceModel(cfg, 100 + i), examples, trainerCfg);
 * PreferenceEnsemble.Scores s = ens.scores(prompts, responses);    // s.mean()[i], s.std()[i]
 * double[] d = ens.disagreement(prompts, responsesA, responsesB);
 * }</pre>
 */
public final class PreferenceEnsemble implements RewardScorer {

    /** Mean and population std over members, per input row. */
    public record Scores(double[] mean, double[] std) {
    }

    private final List<RewardScorer> members;
    private final List<PreferenceModelReport> reports;

    /** An ensemble of existing scorers (at least one). */
    public PreferenceEnsemble(List<? extends RewardScorer> members) {
        this(members, List.of());
    }

    private PreferenceEnsemble(List<? extends RewardScorer> members, List<PreferenceModelReport> reports) {
        if (members == null || members.isEmpty()) throw new IllegalArgumentException("PreferenceEnsemble: no members");
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i) == null) throw new IllegalArgumentException("PreferenceEnsemble: member " + i + " is null");
        }
        this.members = List.copyOf(members);
        this.reports = List.copyOf(reports);
    }

    /**
     * Trains {@code k} members: the trainer's seeded split holds out the same pairs for every member;
     * member i gets {@code newMember.apply(i)} (give each its own seed) and a bootstrap resample (n draws
     * with replacement, seeded by {@code config.seed() + i}) of the training part, shuffled with that seed.
     */
    public static PreferenceEnsemble train(int k, IntFunction<PreferenceModel> newMember, List<PreferenceExample> examples,
                                           PreferenceModelTrainer.Config config) {
        if (k < 1) throw new IllegalArgumentException("PreferenceEnsemble: k must be >= 1, got " + k);
        if (newMember == null) throw new IllegalArgumentException("PreferenceEnsemble: newMember is null");
        PreferenceModelTrainer.Split split = new PreferenceModelTrainer(config).split(examples);
        List<PreferenceModel> models = new ArrayList<>(k);
        List<PreferenceModelReport> reports = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            PreferenceModelTrainer.Config ci = config.withSeed(config.seed() + i);
            List<PreferenceExample> boot = bootstrap(split.train(), new SplittableRandom(ci.seed() * 0x9E3779B97F4A7C15L + 1));
            PreferenceModel m = newMember.apply(i);
            reports.add(new PreferenceModelTrainer(ci).train(m, boot, split.heldOut()));
            models.add(m);
        }
        return new PreferenceEnsemble(models, reports);
    }

    /** n draws with replacement from {@code data}. */
    static List<PreferenceExample> bootstrap(List<PreferenceExample> data, SplittableRandom rng) {
        List<PreferenceExample> out = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) out.add(data.get(rng.nextInt(data.size())));
        return out;
    }

    /** The members, in order. */
    public List<RewardScorer> members() {
        return members;
    }

    /** k. */
    public int size() {
        return members.size();
    }

    /** Training reports of members built by {@link #train}, in member order; empty otherwise. */
    public List<PreferenceModelReport> reports() {
        return reports;
    }

    /** Each member's scores: [member][row]. */
    public float[][] memberScores(List<String> prompts, List<String> responses) {
        PreferenceModel.checkPairs(prompts, responses);
        float[][] out = new float[members.size()][];
        for (int m = 0; m < out.length; m++) {
            out[m] = members.get(m).score(prompts, responses);
            if (out[m].length != prompts.size()) {
                throw new IllegalStateException("ensemble member " + m + " returned " + out[m].length + " scores for "
                        + prompts.size() + " rows");
            }
        }
        return out;
    }

    /** Mean and std over members of f(x_i, y_i). */
    public Scores scores(List<String> prompts, List<String> responses) {
        return meanStd(memberScores(prompts, responses));
    }

    /** The mean score (as float, so an ensemble is itself a {@link RewardScorer}). */
    @Override
    public float[] score(List<String> prompts, List<String> responses) {
        double[] mean = scores(prompts, responses).mean();
        float[] out = new float[mean.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) mean[i];
        return out;
    }

    /** Mean over members of σ(f_i(x, a) − f_i(x, b)), per pair. */
    public double[] probability(List<String> prompts, List<String> a, List<String> b) {
        return meanStd(memberProbabilities(prompts, a, b)).mean();
    }

    /** Population std over members of σ(f_i(x, a) − f_i(x, b)), per pair. */
    public double[] disagreement(List<String> prompts, List<String> a, List<String> b) {
        return meanStd(memberProbabilities(prompts, a, b)).std();
    }

    private double[][] memberProbabilities(List<String> prompts, List<String> a, List<String> b) {
        PreferenceModel.checkPairs(prompts, a);
        PreferenceModel.checkPairs(prompts, b);
        List<String> ps = new ArrayList<>(prompts), rs = new ArrayList<>(a);
        ps.addAll(prompts);
        rs.addAll(b);
        float[][] f = memberScores(ps, rs);
        int n = prompts.size();
        double[][] p = new double[f.length][n];
        for (int m = 0; m < f.length; m++) {
            for (int i = 0; i < n; i++) p[m][i] = PreferenceModel.sigmoid((double) f[m][i] - f[m][i + n]);
        }
        return p;
    }

    /** Column-wise mean and population std of [member][row] values. */
    static Scores meanStd(float[][] v) {
        double[][] d = new double[v.length][];
        for (int m = 0; m < v.length; m++) {
            d[m] = new double[v[m].length];
            for (int i = 0; i < v[m].length; i++) d[m][i] = v[m][i];
        }
        return meanStd(d);
    }

    static Scores meanStd(double[][] v) {
        int k = v.length, n = v[0].length;
        double[] mean = new double[n], std = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (double[] row : v) s += row[i];
            mean[i] = s / k;
            double ss = 0;
            for (double[] row : v) ss += (row[i] - mean[i]) * (row[i] - mean[i]);
            std[i] = Math.sqrt(ss / k);
        }
        return new Scores(mean, std);
    }
}
