// Where PPO's sequence-level reward comes from.
package dev.plumbline.rlaif.ppo;

import java.util.List;

/**
 * The sequence-level reward r(x, y) that PPO maximises (before the KL penalty): the preference
 * model's score, transformed and normalised, or — for sanity checks — the gold scorer.
 *
 * <pre>{@code
 * RewardSource gold = (prompts, responses) -> ...;   // any scorer
 * }</pre>
 */
public interface RewardSource {
    /** Scored responses: the reward PPO uses and, when there is one, an uncertainty per response. */
    record Scored(float[] rewards, float[] rawScores, float[] uncertainty) {}

    /** Scores each (prompt, response) pair. */
    Scored score(List<String> prompts, List<String> responses);

    /** A scorer's raw score as the reward, untransformed, with no uncertainty (e.g. a user's pθ). */
    static RewardSource of(dev.plumbline.rlaif.reward.RewardScorer scorer) {
        return (prompts, responses) -> {
            float[] f = scorer.score(prompts, responses);
            return new Scored(f, f.clone(), null);
        };
    }
}
