// GRPO: group-relative advantages over G responses per prompt, KL to π_ref as a loss term (Shao et al. 2024).
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
 * GRPO as TRL's GRPOTrainer runs it:
 *
 * <pre>
 * for each prompt, G responses y_1..y_G ~ π
 *   R_i   = score(x, y_i)                                    (no KL in the reward)
 *   A_i   = (R_i − mean_g R) / (std + 1e-4)                  ({@link GroupAdvantages#groupNormalized}; Dr. GRPO: no std)
 *   loss  = {@link GrpoLoss}: clipped token ratios + β·k3 KL, reduced per {@code lossType}
 * </pre>
 *
 * Metrics: the core ones of {@link PolicyOptimizer} plus TRL's GRPO names {@code reward},
 * {@code reward_std}, {@code frac_reward_zero_std}, {@code kl}, {@code completions/mean_length},
 * {@code clip_ratio/low_mean}, {@code clip_ratio/high_mean}, {@code clip_ratio/region_mean}.
 * {@code objective/kl} is the same sequence KL estimate PPO reports, so the optimisers compare.
 *
 * <pre>{@code
 * GrpoTrainer grpo = new GrpoTrainer(policy, reference, reward, prompts, codec, cfg.ppo, cfg.grpo, new Generator(3));
 * Map<String, Double> m = grpo.step();   // "reward_std", "clip_ratio/region_mean", ...
 * }</pre>
 */
public final class GrpoTrainer extends GroupTrainer {
    private final GrpoConfig cfg;
    private final GrpoLoss.Type type;
    private final GroupAdvantages.Scale scale;

    /**
     * @param policy    π, trained in place
     * @param reference π_ref, frozen
     * @param common    the shared policy-optimisation knobs (batch, lr, epochs, sampling)
     */
    public GrpoTrainer(GPT policy, GPT reference, RewardSource reward, PromptSource prompts, TextCodec codec,
                       PpoConfig common, GrpoConfig cfg, Generator gen) {
        super("grpo", policy, reference, reward, prompts, codec, common, cfg.numGenerations, KlController.fixed(cfg.beta),
                gen);
        this.cfg = cfg;
        this.type = GrpoLoss.Type.parse(cfg.lossType);
        this.scale = GroupAdvantages.Scale.parse(cfg.scaleRewards);
        if (!(cfg.epsilon > 0) || !(cfg.epsilonHigh > 0)) {
            throw new IllegalArgumentException("grpo: epsilon and epsilonHigh must be > 0, got " + cfg.epsilon + ", "
                    + cfg.epsilonHigh);
        }
    }

    @Override
    protected float[] advantages(Rollout ro, Map<String, Double> m) {
        double[] r = sequenceRewards(ro, 0);
        double[] std = GroupAdvantages.groupStd(r, k);
        double stdSum = 0;
        int zero = 0;
        for (double s : std) {
            stdSum += s;
            zero += s < 1e-8 ? 1 : 0;
        }
        m.put("reward", Rollout.mean(ro.scores));
        m.put("reward_std", stdSum / std.length);
        m.put("frac_reward_zero_std", (double) zero / std.length);
        double len = 0;
        for (String y : ro.samples.responses()) {
            len += y.length();
        }
        m.put("completions/mean_length", len / ro.batch);
        return GroupAdvantages.groupNormalized(r, k, scale);
    }

    @Override
    protected Tensor loss(Rollout ro, Rollout.Minibatch mb, Rollout.LogProbs lp, Tensor adv, Device dev, Diagnostics d) {
        Tensor ref = Rollout.rowsOf(ro.refLogp, mb.rows(), ro.steps, dev);
        GrpoLoss.Result l = GrpoLoss.compute(lp.logProbs(), mb.oldLogProbs(), ref, adv, mb.mask(), (float) cfg.epsilon,
                (float) cfg.epsilonHigh, (float) cfg.beta, type, common.maxNewTokens);
        d.add("kl", l.kl());
        d.add("clip_ratio/low_mean", l.clipLow());
        d.add("clip_ratio/high_mean", l.clipHigh());
        d.add("clip_ratio/region_mean", l.clipRegion());
        d.add("policy/clipfrac_avg", l.clipRegion());
        return l.loss();
    }

    @Override
    public String algorithm() {
        return "grpo";
    }
}
