// GRPO's own knobs; the rest (steps, batch, lr, clipping epochs, sampling) are the shared policy-optimisation ones.
package dev.plumbline.rlaif.rl;

/**
 * What only GRPO has, in TRL's GRPOConfig vocabulary ({@code num_generations}, {@code beta},
 * {@code epsilon}, {@code epsilon_high}, {@code loss_type}, {@code scale_rewards}). The shared
 * knobs live in {@link dev.plumbline.rlaif.ppo.PpoConfig}: {@code batchSize} counts responses
 * ({@code batchSize / numGenerations} prompts per step), {@code epochs} is TRL's
 * {@code num_iterations} over {@code minibatchSize} responses, and {@code lr}, {@code temperature},
 * {@code maxNewTokens}, {@code gradClip}, {@code missingEosPenalty} mean what they mean there.
 * GRPO keeps the KL to π_ref out of the reward: it is the k3 term β·kl_t of the loss.
 *
 * <pre>{@code
 * RlaifConfig c = new RlaifConfig();
 * c.algorithm = "grpo";
 * c.grpo.lossType = "dr_grpo";
 * c.grpo.scaleRewards = "none";   // Dr. GRPO
 * }</pre>
 */
public final class GrpoConfig {
    /** G: responses sampled per prompt (≥ 2). Must divide {@code ppo.batchSize}. */
    public int numGenerations = 4;
    /**
     * Weight of the k3 KL term. TRL now defaults to 0; we keep the published 0.04 because the lab
     * measures how far the policy drifts from π_ref under a biased reward.
     */
    public double beta = 0.04;
    /** Lower clip range ε_low of the ratio. */
    public double epsilon = 0.2;
    /** Upper clip range ε_high (DAPO's clip-higher raises it, e.g. to 0.28). */
    public double epsilonHigh = 0.2;
    /** grpo (per-response mean), bnpo / dapo (per-token mean) or dr_grpo (fixed denominator). */
    public String lossType = "grpo";
    /** group (divide by the group's std), batch, or none (Dr. GRPO). */
    public String scaleRewards = "group";
}
