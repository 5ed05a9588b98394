// The policy optimisers the pipeline can run, by the id that --algorithm and config.json use.
package dev.plumbline.rlaif.rl;

import java.util.Arrays;
import java.util.Locale;

/**
 * The policy optimisers of the pipeline's policy-optimisation stage.
 *
 * <pre>{@code
 * Algorithm a = Algorithm.parse("grpo");   // GRPO
 * a.id();                                  // "grpo"
 * }</pre>
 */
public enum Algorithm {
    /** PPO with a critic, GAE and the KL penalty in the reward ({@link dev.plumbline.rlaif.ppo.PpoTrainer}). */
    PPO,
    /** REINFORCE leave-one-out, no critic ({@link RlooTrainer}). */
    RLOO,
    /** Group-relative policy optimisation, no critic, KL as a loss term ({@link GrpoTrainer}). */
    GRPO;

    /** The lower-case id ({@code ppo}, {@code rloo}, {@code grpo}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses an id (case-insensitive). */
    public static Algorithm parse(String s) {
        for (Algorithm a : values()) {
            if (a.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown algorithm '" + s + "': expected one of "
                + Arrays.stream(values()).map(Algorithm::id).toList());
    }
}
