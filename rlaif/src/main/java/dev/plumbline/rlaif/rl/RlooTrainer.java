// RLOO: REINFORCE with a leave-one-out baseline over k responses per prompt (Ahmadian et al. 2024), no critic.
package dev.plumbline.rlaif.rl;

import dev.plumbline.nn.GPT;
import dev.plumbline.rlaif.policy.TextCodec;
import dev.plumbline.rlaif.ppo.KlController;
import dev.plumbline.rlaif.ppo.PpoConfig;
import dev.plumbline.rlaif.ppo.PromptSource;
import dev.plumbline.rlaif.ppo.RewardSource;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;

import java.util.Map;

/**
 * RLOO as TRL's RLOOTrainer runs it:
 *
 * <pre>
 * for each prompt, k responses y_1..y_k ~ π
 *   R_i   = score(x, y_i) − β·Σ_t kl_t(y_i)                  (the KL penalty in the reward, as PPO)
 *   A_i   = R_i − mean_{j≠i} R_j                              ({@link GroupAdvantages#leaveOneOut})
 *   loss  = {@link RlooLoss}: clipped ratio of whole sequences, epochs × minibatches
 * </pre>
 *
 * Metrics: the core ones of {@link PolicyOptimizer} plus TRL's {@code objective/rlhf_reward},
 * {@code objective/non_score_reward}, {@code policy/approxkl_avg}, {@code policy/clipfrac_avg},
 * {@code val/ratio}.
 *
 * <pre>{@code
 * RlooTrainer rloo = new RlooTrainer(policy, reference, reward, prompts, codec, cfg.ppo, cfg.rloo, new Generator(3));
 * Map<String, Double> m = rloo.step();
 * }</pre>
 */
public final class RlooTrainer extends GroupTrainer {
    private final RlooConfig cfg;

    /**
     * @param policy    π, trained in place
     * @param reference π_ref, frozen
     * @param common    the shared policy-optimisation knobs (batch, lr, KL, clipping, sampling)
     */
    public RlooTrainer(GPT policy, GPT reference, RewardSource reward, PromptSource prompts, TextCodec codec,
                       PpoConfig common, RlooConfig cfg, Generator gen) {
        super("rloo", policy, reference, reward, prompts, codec, common, cfg.numGenerations,
                common.adaptiveKl ? KlController.adaptive(common.klCoef, common.klTarget, common.klHorizon)
                        : KlController.fixed(common.klCoef), gen);
        this.cfg = cfg;
    }

    @Override
    protected float[] advantages(Rollout ro, Map<String, Double> m) {
        double beta = kl.coef();
        double[] r = sequenceRewards(ro, beta);
        double nonScore = 0, rlhf = 0;
        for (int i = 0; i < r.length; i++) {
            nonScore += -beta * ro.seqKl[i];
            rlhf += r[i];
        }
        m.put("objective/non_score_reward", nonScore / r.length);
        m.put("objective/rlhf_reward", rlhf / r.length);
        float[] a = GroupAdvantages.leaveOneOut(r, k);
        return cfg.normalizeAdvantages ? GroupAdvantages.whiten(a) : a;
    }

    @Override
    protected Tensor loss(Rollout ro, Rollout.Minibatch mb, Rollout.LogProbs lp, Tensor adv, Device dev, Diagnostics d) {
        RlooLoss.Result l = RlooLoss.compute(lp.logProbs(), mb.oldLogProbs(), adv, mb.mask(), (float) common.clipRange);
        d.add("policy/approxkl_avg", l.approxKl());
        d.add("policy/clipfrac_avg", l.clipFraction());
        d.add("val/ratio", l.ratioMean());
        return l.loss();
    }

    @Override
    public String algorithm() {
        return "rloo";
    }
}
