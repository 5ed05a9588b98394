// PPO for a causal LM against a frozen reference policy (Ziegler et al. 2019; Ouyang et al. 2022).
package dev.plumbline.rlaif.ppo;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.Module;
import dev.plumbline.nn.ScalarModel;
import dev.plumbline.nn.optim.AdamW;
import dev.plumbline.nn.optim.Optimizer;
import dev.plumbline.rlaif.rl.PolicyOptimizer;
import dev.plumbline.rlaif.rl.PhaseClock;
import dev.plumbline.rlaif.rl.Rollout;
import dev.plumbline.rlaif.policy.TextCodec;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.random.Generator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One PPO iteration = sample a batch of responses, score them, shape per-token rewards with the
 * KL penalty, estimate advantages with GAE, then {@code epochs} passes of clipped policy and value
 * updates over shuffled minibatches.
 *
 * <pre>
 * per token t of a response (B, N):
 *   kl_t   = estimator(log π_old(y_t), log π_ref(y_t))
 *   r_t    = −β·kl_t            (+ score(x, y) at the last response token)
 *   A, R   = GAE(r, V_old; γ, λ)
 *   loss   = L_clip(π) + c_v · L_clip(V)
 * </pre>
 *
 * The details that make it work are all here: the reward at the last token, the KL penalty per
 * token with a fixed or adaptive β, advantage whitening, clipped value loss, a penalty for
 * responses that never end, and log-probs recomputed under the sampling temperature (so the ratio
 * is exactly 1 on the first minibatch). Metrics use TRL's names.
 *
 * <pre>{@code
 * PpoTrainer ppo = new PpoTrainer(policy, reference, critic, reward, prompts, codec, cfg, new Generator(3));
 * for (int i = 0; i < cfg.steps; i++) {
 *     Map<String, Double> m = ppo.step();   // "objective/kl", "policy/clipfrac_avg", ...
 * }
 * }</pre>
 */
public final class PpoTrainer implements PolicyOptimizer {
    private final GPT policy, reference;
    private final ScalarModel critic;
    private final RewardSource reward;
    private final PromptSource prompts;
    private final TextCodec codec;
    private final PpoConfig cfg;
    private final Generator gen;
    private final AdamW policyOpt, criticOpt;
    private final KlController kl;
    private final KlEstimator estimator;
    private long step;
    private PolicyOptimizer.Samples last;

    /**
     * @param policy    π, trained in place
     * @param reference π_ref, frozen
     * @param critic    value model V(s_t), trained in place
     */
    public PpoTrainer(GPT policy, GPT reference, ScalarModel critic, RewardSource reward, PromptSource prompts,
                      TextCodec codec, PpoConfig cfg, Generator gen) {
        this.policy = policy;
        this.reference = reference;
        this.critic = critic;
        this.reward = reward;
        this.prompts = prompts;
        this.codec = codec;
        this.cfg = cfg;
        this.gen = gen;
        this.policyOpt = new AdamW(policy, cfg.lr, 0.9, 0.999, 1e-8, 0.0);
        this.criticOpt = new AdamW(critic, cfg.criticLr, 0.9, 0.999, 1e-8, 0.0);
        this.kl = cfg.adaptiveKl ? KlController.adaptive(cfg.klCoef, cfg.klTarget, cfg.klHorizon)
                : KlController.fixed(cfg.klCoef);
        this.estimator = KlEstimator.parse(cfg.klEstimator);
        if (cfg.batchSize % cfg.minibatchSize != 0) {
            throw new IllegalArgumentException("ppo: batchSize " + cfg.batchSize + " is not divisible by minibatchSize "
                    + cfg.minibatchSize);
        }
    }

    @Override
    public long stepsDone() {
        return step;
    }

    @Override
    public KlController klController() {
        return kl;
    }

    /** The policy optimizer (for checkpoints). */
    public AdamW policyOptimizer() {
        return policyOpt;
    }

    /** The critic optimizer (for checkpoints). */
    public AdamW criticOptimizer() {
        return criticOpt;
    }

    @Override
    public void setStepsDone(long s) {
        this.step = s;
    }

    @Override
    public PolicyOptimizer.Samples lastSamples() {
        return last;
    }

    /** Runs one PPO iteration and returns its metrics. */
    @Override
    public Map<String, Double> step() {
        PhaseClock clock = PhaseClock.start();
        Map<String, Double> m = new LinkedHashMap<>();
        int b = cfg.batchSize;
        List<String> batchPrompts = prompts.batch(step, b);
        try (Scope iteration = Scope.open()) {
            // ---- rollout and score (shared with every optimiser) ---------------------------------------------
            Rollout ro = Rollout.collect(policy, reference, codec, reward, batchPrompts, cfg.temperature,
                    cfg.maxNewTokens, cfg.missingEosPenalty, estimator, gen, clock);
            int n = ro.steps, tp = ro.promptLength;
            float[] scores = ro.scores, maskH = ro.mask;
            float[] oldValues;
            try (NoGrad ng = NoGrad.enter()) {
                oldValues = critic.values(ro.result.sequences(), ro.result.attentionMask()).narrow(1, tp - 1, n)
                        .contiguous().toFloatArray();
            }
            // ---- rewards: −β·KL per token, score at the last response token -----------------------------------
            Device dev = policy.device();
            float beta = (float) kl.coef();
            float[] rewards = new float[b * n];
            double nonScore = 0;
            for (int r = 0; r < b; r++) {
                for (int t = 0; t < n; t++) {
                    int k = r * n + t;
                    if (maskH[k] != 0f) {
                        rewards[k] = -beta * ro.klTok[k];
                    }
                }
                nonScore += -beta * ro.seqKl[r];
                if (ro.lengths[r] > 0) {
                    rewards[r * n + ro.lengths[r] - 1] += scores[r];
                }
            }
            Gae.Result gae = Gae.compute(rewards, oldValues, maskH, (float) cfg.gamma, (float) cfg.lambda, b, n);
            Tensor maskT = Tensor.fromArray(maskH, b, n);
            float[] adv = cfg.whitenAdvantages
                    ? PpoLosses.whiten(Tensor.fromArray(gae.advantages(), b, n), maskT, true).toFloatArray()
                    : gae.advantages();
            // ---- PPO epochs over shuffled minibatches --------------------------------------------------------
            double pgSum = 0, vfSum = 0, cfSum = 0, akSum = 0, vcSum = 0, ratioSum = 0, entSum = 0;
            int updates = 0;
            double firstKl = Double.NaN;
            int mb = cfg.minibatchSize;
            for (int e = 0; e < cfg.epochs; e++) {
                int[] perm = Rollout.permutation(b, gen);
                for (int from = 0; from < b; from += mb) {
                    try (Scope minibatch = Scope.open()) {
                        Rollout.Minibatch batch = ro.minibatch(Rollout.rows(perm, from, mb), dev);
                        Tensor mMask = batch.mask();
                        Tensor advT = Rollout.rowsOf(adv, batch.rows(), n, dev);
                        Tensor retT = Rollout.rowsOf(gae.returns(), batch.rows(), n, dev);
                        Tensor oldV = Rollout.rowsOf(oldValues, batch.rows(), n, dev);

                        // log π(y_t) under the sampling temperature: (mb, N)
                        Rollout.LogProbs lp = Rollout.logProbs(policy, ro, batch, cfg.temperature);
                        PpoLosses.PolicyLoss pl = PpoLosses.policy(lp.logProbs(), batch.oldLogProbs(), advT, mMask,
                                (float) cfg.clipRange);
                        Tensor values = critic.values(batch.sequences(), batch.attention()).narrow(1, tp - 1, n);
                        PpoLosses.ValueLoss vl = PpoLosses.value(values, oldV, retT, mMask, (float) cfg.valueClipRange);
                        Tensor loss = pl.loss().add(vl.loss().mul((float) cfg.valueCoef));
                        loss.backward();
                        Rollout.clip(policy.parameters(), cfg.gradClip);
                        Rollout.clip(critic.parameters(), cfg.gradClip);
                        policyOpt.step();
                        criticOpt.step();
                        policyOpt.zeroGrad();
                        criticOpt.zeroGrad();
                        entSum += Rollout.entropy(lp.logits(), mMask);
                        if (updates == 0) {
                            firstKl = pl.approxKl();   // before any update: must be ~0 (log-probs recomputed exactly)
                        }
                        pgSum += pl.loss().item();
                        vfSum += vl.loss().item();
                        cfSum += pl.clipFraction();
                        akSum += pl.approxKl();
                        vcSum += vl.clipFraction();
                        ratioSum += pl.ratioMean();
                        updates++;
                    }
                }
            }
            step++;
            m.put("step", (double) step);
            ro.putCoreMetrics(m);
            kl.update(m.get("objective/kl"), b);
            double scoreMean = m.get("objective/scores");
            m.put("objective/entropy", entSum / updates);
            m.put("objective/non_score_reward", nonScore / b);
            m.put("objective/rlhf_reward", scoreMean + nonScore / b);
            m.put("policy/approxkl_avg", akSum / updates);
            m.put("policy/clipfrac_avg", cfSum / updates);
            m.put("policy/approxkl_first_minibatch", firstKl);
            m.put("loss/policy_avg", pgSum / updates);
            m.put("loss/value_avg", vfSum / updates);
            m.put("val/clipfrac_avg", vcSum / updates);
            m.put("policy/entropy_avg", entSum / updates);
            m.put("val/ratio", ratioSum / updates);
            m.put("kl_coef", (double) beta);
            clock.lap(PhaseClock.UPDATE);
            clock.put(m);
            last = ro.samples(scores);
        }
        return m;
    }
    @Override
    public Map<String, Module> modules() {
        Map<String, Module> m = new LinkedHashMap<>();
        m.put("policy", policy);
        m.put("critic", critic);
        return m;
    }

    @Override
    public Map<String, Optimizer> optimizers() {
        Map<String, Optimizer> m = new LinkedHashMap<>();
        m.put("policy_optimizer", policyOpt);
        m.put("critic_optimizer", criticOpt);
        return m;
    }

    @Override
    public String algorithm() {
        return "ppo";
    }
}
