// An endless, seeded stream of training prompts for PPO.
package dev.plumbline.rlaif.ppo;

import java.util.List;

/** Supplies the next batch of prompts (deterministic given its own seed and position). */
@FunctionalInterface
public interface PromptSource {
    /** The prompts of batch {@code step} (the same step always gives the same prompts). */
    List<String> batch(long step, int size);
}
