// Direct RLAIF's own knobs: which critic-free or PPO update consumes the judge's scores.
package dev.plumbline.rlaif.rl;

/**
 * Direct RLAIF replaces the reward model with the judge ({@link JudgeReward}); the update is one
 * of the other optimisers, whose own section ({@code rloo}, {@code grpo} or {@code ppo}) configures it.
 *
 * <pre>{@code
 * RlaifConfig c = new RlaifConfig();
 * c.algorithm = "d-rlaif";
 * c.directRlaif.optimizer = "grpo";
 * }</pre>
 */
public final class DirectRlaifConfig {
    /** The update: rloo (default: critic-free, k responses per prompt), grpo or ppo. */
    public String optimizer = "rloo";
}
