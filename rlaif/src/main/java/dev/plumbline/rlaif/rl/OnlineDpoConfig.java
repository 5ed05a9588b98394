// Online DPO's own knobs; the rest (steps, batch, lr, epochs, sampling) are the shared policy-optimisation ones.
package dev.plumbline.rlaif.rl;

/**
 * What only online DPO has, in TRL's OnlineDPOConfig vocabulary ({@code beta}, {@code loss_type})
 * plus where its preferences come from. The shared knobs live in
 * {@link dev.plumbline.rlaif.ppo.PpoConfig}: {@code batchSize} counts responses (two per prompt, so
 * {@code batchSize / 2} pairs per step), {@code minibatchSize} responses per gradient step (both
 * even), {@code epochs} passes over the step's pairs, and {@code lr}, {@code temperature},
 * {@code maxNewTokens}, {@code gradClip}, {@code missingEosPenalty} mean what they mean there.
 *
 * <pre>{@code
 * RlaifConfig c = new RlaifConfig();
 * c.algorithm = "online-dpo";
 * c.onlineDpo.lossType = "ipo";
 * c.onlineDpo.feedback = "judge";   // the run's labeler decides each pair
 * }</pre>
 */
public final class OnlineDpoConfig {
    /** β of the implicit reward β·log(π/π_ref): the strength of the leash to π_ref (TRL default 0.1). */
    public double beta = 0.1;
    /** sigmoid (DPO) or ipo. */
    public String lossType = "sigmoid";
    /**
     * Who says which of the two responses is better: {@code judge} (the run's labeler, asked online —
     * RLAIF proper) or {@code reward} (the higher reward-model score, as TRL's reward-model mode).
     */
    public String feedback = "judge";
}
