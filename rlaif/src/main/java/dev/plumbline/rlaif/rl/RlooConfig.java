// RLOO's own knobs; the rest (steps, batch, lr, KL, clipping, sampling) are the shared policy-optimisation ones.
package dev.plumbline.rlaif.rl;

/**
 * What only RLOO has, in TRL's vocabulary ({@code rloo_k}, {@code normalize_advantage}). The
 * shared knobs live in {@link dev.plumbline.rlaif.ppo.PpoConfig}: {@code batchSize} counts
 * responses (so {@code batchSize / numGenerations} prompts per step), the KL penalty
 * {@code klCoef}·Σ_t kl_t is subtracted from each response's score as in PPO (fixed or adaptive),
 * and {@code clipRange}, {@code epochs}, {@code minibatchSize}, {@code lr} mean what they mean there.
 *
 * <pre>{@code
 * RlaifConfig c = new RlaifConfig();
 * c.algorithm = "rloo";
 * c.rloo.numGenerations = 4;
 * }</pre>
 */
public final class RlooConfig {
    /** k: responses sampled per prompt (≥ 2; TRL's {@code rloo_k}). Must divide {@code ppo.batchSize}. */
    public int numGenerations = 4;
    /** Whiten the leave-one-out advantages over the batch (TRL's {@code normalize_advantage}). */
    public boolean normalizeAdvantages = false;
}
