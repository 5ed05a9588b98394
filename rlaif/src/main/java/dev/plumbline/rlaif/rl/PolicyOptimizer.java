// The one interface every policy optimiser of the pipeline implements: PPO, RLOO and GRPO.
package dev.plumbline.rlaif.rl;

import dev.plumbline.nn.Module;
import dev.plumbline.nn.optim.Optimizer;
import dev.plumbline.rlaif.ppo.KlController;

import java.util.List;
import java.util.Map;

/**
 * Policy optimisation against a reward with a KL leash to a frozen reference policy π_ref. One
 * {@link #step()} is the same four phases for every algorithm, and only the middle two differ:
 *
 * <pre>
 *   rollout     sample y ~ π(·|x) with log-probs, log π_ref(y), per-token KL   ({@link Rollout}, shared)
 *   score       r(x, y) from the {@link dev.plumbline.rlaif.ppo.RewardSource} − missing-EOS penalty (shared)
 *   advantages  PPO: GAE over a critic · RLOO: leave-one-out baseline · GRPO: group-normalised
 *   update      clipped ratio objective over minibatches, KL as a reward term (PPO, RLOO) or a loss term (GRPO)
 * </pre>
 *
 * Every implementation reports the same core metrics ({@code objective/kl}, {@code objective/scores},
 * {@code val/mean_length}, {@code policy/clipfrac_avg}, {@code time/step_seconds}) so monitors and
 * reports work with any of them, plus its own in TRL's names. The pipeline checkpoints an
 * optimiser through {@link #modules()} and {@link #optimizers()}.
 *
 * <pre>{@code
 * PolicyOptimizer opt = Algorithm.GRPO.create(policy, reference, reward, prompts, codec, cfg, gen);
 * for (int i = 0; i < cfg.ppo.steps; i++) {
 *     Map<String, Double> m = opt.step();          // "objective/kl", "reward_std", ...
 *     PolicyOptimizer.Samples s = opt.lastSamples();
 * }
 * }</pre>
 */
public interface PolicyOptimizer {

    /** What one iteration sampled (for monitors: gold scoring, examples). */
    record Samples(List<String> prompts, List<String> responses, boolean[] endedWithEos, float[] rewards,
                   float[] rawScores, float[] uncertainty) {}

    /** Runs one iteration (rollout, score, advantages, update) and returns its metrics. */
    Map<String, Double> step();

    /** What the last {@link #step()} sampled, or null before the first. */
    Samples lastSamples();

    /** Iterations done so far. */
    long stepsDone();

    /** Restores the iteration counter (after loading a checkpoint). */
    void setStepsDone(long steps);

    /** The KL coefficient of the penalty (fixed or adaptive), checkpointed with the optimiser. */
    KlController klController();

    /** The trained models by checkpoint name ({@code policy}, and {@code critic} for PPO). */
    Map<String, Module> modules();

    /** The optimizers by checkpoint name ({@code policy_optimizer}, ...). */
    Map<String, Optimizer> optimizers();

    /** The algorithm's id as {@code --algorithm} takes it. */
    String algorithm();
}
