// Options every failure-mode experiment accepts: PPO length and the values a sweep visits.
package dev.plumbline.rlaif.experiment;

import dev.plumbline.rlaif.pipeline.RlaifConfig;

import java.util.List;

/**
 * Options shared by the experiments.
 *
 * <pre>{@code
 * ExperimentOptions o = ExperimentOptions.defaults().withPpoSteps(30).withValues(List.of(0.0, 0.4));
 * }</pre>
 *
 * @param ppoSteps PPO iterations per arm; 0 keeps the base run's {@code ppo.steps}
 * @param values   the swept values (noise rates, injected biases, gold-pair counts…); empty means
 *                 the experiment's own defaults
 * @param klCoef   the fixed KL coefficient of every arm's PPO, or null for {@link #DEFAULT_KL_COEF}
 * @param evalPrompts held-out prompts each arm is evaluated on (at least the base run's)
 * @param seed     the replicate's master seed, or null for the base run's: with a seed every arm
 *                 draws its labeler, pθ, PPO and evaluation randomness (and task prompts) from it
 *                 while reusing the base run's SFT policy and pairs, and the sweep goes to
 *                 {@code experiments/NAME/seed-SEED/}, so replicates of one experiment sit side by
 *                 side and arms of the same replicate are paired
 * @param algorithm the policy optimiser every arm runs (ppo, rloo, grpo, online-dpo, d-rlaif), or null for the base
 *                 run's; another than ppo puts the sweep in {@code experiments/NAME-ALGORITHM/}
 */
public record ExperimentOptions(int ppoSteps, List<Double> values, Double klCoef, int evalPrompts, Long seed,
                                String algorithm) {

    /**
     * The KL coefficient the labeler experiments use unless told otherwise. Weaker than the demo's
     * 0.3 on purpose: with 0.3 the policy stays within about half a nat of SFT, learns only the
     * easiest thing the reward says (shorter answers), and every labeler flaw gives the same policy;
     * the flaws only show once the policy is allowed to move far enough to follow the reward.
     */
    public static final double DEFAULT_KL_COEF = 0.05;

    /**
     * Held-out prompts every arm is evaluated on: sampling them costs about a second per thousand,
     * and at 2048 the standard error of a mean gold score is under 0.01, below the differences the
     * experiments look for (256, the demo's number, leaves about 0.02).
     */
    public static final int EVAL_PROMPTS = 2048;  // the default of evalPrompts

    public ExperimentOptions {
        if (ppoSteps < 0) {
            throw new IllegalArgumentException("ppoSteps must be >= 0, got " + ppoSteps);
        }
        if (klCoef != null && !(klCoef >= 0 && klCoef <= 10)) {
            throw new IllegalArgumentException("klCoef must be in [0, 10], got " + klCoef);
        }
        if (evalPrompts < 1) {
            throw new IllegalArgumentException("evalPrompts must be >= 1, got " + evalPrompts);
        }
        values = List.copyOf(values);
        if (algorithm != null) {
            algorithm = dev.plumbline.rlaif.rl.Algorithm.parse(algorithm).id();
        }
    }

    /** Options with the base run's optimiser. */
    public ExperimentOptions(int ppoSteps, List<Double> values, Double klCoef, int evalPrompts, Long seed) {
        this(ppoSteps, values, klCoef, evalPrompts, seed, null);
    }

    /** Options without a replicate seed (the arms use the base run's). */
    public ExperimentOptions(int ppoSteps, List<Double> values, Double klCoef, int evalPrompts) {
        this(ppoSteps, values, klCoef, evalPrompts, null);
    }

    /** The base run's PPO length, each experiment's default values, {@link #DEFAULT_KL_COEF}. */
    public static ExperimentOptions defaults() {
        return new ExperimentOptions(0, List.of(), null, EVAL_PROMPTS, null, null);
    }

    /** With another PPO length. */
    public ExperimentOptions withPpoSteps(int steps) {
        return new ExperimentOptions(steps, values, klCoef, evalPrompts, seed, algorithm);
    }

    /** With other sweep values. */
    public ExperimentOptions withValues(List<Double> v) {
        return new ExperimentOptions(ppoSteps, v, klCoef, evalPrompts, seed, algorithm);
    }

    /** With another fixed KL coefficient. */
    public ExperimentOptions withKlCoef(double beta) {
        return new ExperimentOptions(ppoSteps, values, beta, evalPrompts, seed, algorithm);
    }

    /** With another number of evaluation prompts (tests use fewer). */
    public ExperimentOptions withEvalPrompts(int n) {
        return new ExperimentOptions(ppoSteps, values, klCoef, n, seed, algorithm);
    }

    /** As replicate {@code s}: the arms' master seed and the sweep's directory (see {@link #seed}). */
    public ExperimentOptions withSeed(long s) {
        return new ExperimentOptions(ppoSteps, values, klCoef, evalPrompts, s, algorithm);
    }

    /** With every arm optimised by {@code a} (ppo, rloo, grpo). */
    public ExperimentOptions withAlgorithm(String a) {
        return new ExperimentOptions(ppoSteps, values, klCoef, evalPrompts, seed, a);
    }

    /**
     * The sweep's directory name under {@code experiments/}: {@code NAME}, or {@code NAME/seed-SEED}
     * for a replicate; {@code NAME-ALGORITHM} when an optimiser other than PPO is asked for.
     */
    public String sweepName(String experiment) {
        String name = algorithm == null || algorithm.equals("ppo") ? experiment : experiment + "-" + algorithm;
        return seed == null ? name : name + "/seed-" + seed;
    }

    /** The KL coefficient the arms use. */
    public double kl() {
        return klCoef == null ? DEFAULT_KL_COEF : klCoef;
    }

    /** The values to sweep: the given ones, else {@code defaults}. */
    public List<Double> valuesOr(List<Double> defaults) {
        return values.isEmpty() ? defaults : values;
    }

    /** The arms' PPO settings in words, for reports. */
    public String describePpo(RlaifConfig base) {
        int steps = ppoSteps > 0 ? ppoSteps : base.ppo.steps;
        String who = algorithm == null ? base.algorithm : algorithm;
        String kl = who.equals("grpo")
                ? String.format(java.util.Locale.ROOT, "GRPO's KL term weighs %s (grpo.beta)", base.grpo.beta)
                : String.format(java.util.Locale.ROOT, "a fixed KL coefficient of %s (the demo uses %s)", kl(), base.ppo.klCoef);
        return String.format(java.util.Locale.ROOT, "Every arm trains %s for %d steps of %d samples with %s, so that "
                + "the policy moves far enough from SFT for the reward's flaws to matter.",
                who.toUpperCase(java.util.Locale.ROOT), steps, base.ppo.batchSize, kl);
    }

    /**
     * Applies only the policy-optimisation length (no change when 0), the evaluation prompts and the
     * replicate seed (when given), keeping the base run's KL settings (the optimiser comparison runs
     * at the demo's own settings).
     */
    public void applySeedAndLength(RlaifConfig c) {
        if (ppoSteps > 0) {
            c.ppo.steps = ppoSteps;
        }
        if (seed != null) {
            c.seed = seed;
        }
        c.eval.prompts = Math.max(c.eval.prompts, evalPrompts);
    }

    /**
     * Applies the PPO length (no change when 0), the fixed KL coefficient, the evaluation prompts and
     * the replicate seed (when given) to an arm's config.
     */
    public void applyTo(RlaifConfig c) {
        if (ppoSteps > 0) {
            c.ppo.steps = ppoSteps;
        }
        if (seed != null) {
            c.seed = seed;
        }
        c.ppo.klCoef = kl();
        c.ppo.adaptiveKl = false;
        c.eval.prompts = Math.max(c.eval.prompts, evalPrompts);
        if (algorithm != null) {
            c.algorithm = algorithm;
        }
    }
}
