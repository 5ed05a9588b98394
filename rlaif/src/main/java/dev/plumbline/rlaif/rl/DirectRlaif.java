// Direct RLAIF: another optimiser's update, with the judge's score of each response as the reward.
package dev.plumbline.rlaif.rl;

import dev.plumbline.nn.Module;
import dev.plumbline.nn.optim.Optimizer;
import dev.plumbline.rlaif.ppo.KlController;

import java.util.Map;

/**
 * An optimiser (RLOO, GRPO or PPO) built over a {@link JudgeReward}, reported and checkpointed as
 * {@code d-rlaif}. Adds {@code judge/win_rate_vs_ref} (mean P(y ≻ y_ref) of the step) and
 * {@code judge/failed} (failed judgements of the step) to the inner optimiser's metrics.
 *
 * <pre>{@code
 * JudgeReward r = new JudgeReward(judge, answers, 8);
 * PolicyOptimizer d = new DirectRlaif(new RlooTrainer(policy, reference, r, prompts, codec, cfg.ppo, cfg.rloo, gen), r);
 * }</pre>
 */
public final class DirectRlaif implements PolicyOptimizer {
    private final PolicyOptimizer inner;
    private final JudgeReward reward;

    /** @param inner an optimiser whose reward source is {@code reward} */
    public DirectRlaif(PolicyOptimizer inner, JudgeReward reward) {
        if (inner instanceof DirectRlaif) {
            throw new IllegalArgumentException("d-rlaif: the inner optimiser cannot itself be d-rlaif");
        }
        this.inner = inner;
        this.reward = reward;
    }

    /** The optimiser that does the update. */
    public PolicyOptimizer inner() {
        return inner;
    }

    @Override
    public Map<String, Double> step() {
        long failedBefore = reward.failures();
        reward.atStep(inner.stepsDone());
        Map<String, Double> m = inner.step();
        Samples s = inner.lastSamples();
        m.put("judge/win_rate_vs_ref", Rollout.mean(s.rawScores()));
        m.put("judge/failed", (double) (reward.failures() - failedBefore));
        return m;
    }

    @Override
    public Samples lastSamples() {
        return inner.lastSamples();
    }

    @Override
    public long stepsDone() {
        return inner.stepsDone();
    }

    @Override
    public void setStepsDone(long steps) {
        inner.setStepsDone(steps);
    }

    @Override
    public KlController klController() {
        return inner.klController();
    }

    @Override
    public Map<String, Module> modules() {
        return inner.modules();
    }

    @Override
    public Map<String, Optimizer> optimizers() {
        return inner.optimizers();
    }

    /** {@code d-rlaif} (the checkpoint also records it, so a run cannot resume under another optimiser). */
    @Override
    public String algorithm() {
        return Algorithm.D_RLAIF.id();
    }
}
