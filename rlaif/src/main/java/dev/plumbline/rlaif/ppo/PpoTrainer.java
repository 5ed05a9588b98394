// PPO for a causal LM against a frozen reference policy (Ziegler et al. 2019; Ouyang et al. 2022).
package dev.plumbline.rlaif.ppo;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.Parameter;
import dev.plumbline.nn.ScalarModel;
import dev.plumbline.nn.generate.GenerationResult;
import dev.plumbline.nn.generate.Sampler;
import dev.plumbline.nn.generate.SamplingTransform;
import dev.plumbline.nn.optim.AdamW;
import dev.plumbline.nn.optim.GradClip;
import dev.plumbline.rlaif.policy.Policies;
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
public final class PpoTrainer {
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
    private final SamplingTransform transform;
    private long step;
    private Samples last;

    /** What the last iteration sampled (for monitors: gold scoring, examples). */
    public record Samples(List<String> prompts, List<String> responses, boolean[] endedWithEos, float[] rewards,
                          float[] rawScores, float[] uncertainty) {}

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
        this.transform = new SamplingTransform((float) cfg.temperature, 0, 1f);
        if (cfg.batchSize % cfg.minibatchSize != 0) {
            throw new IllegalArgumentException("ppo: batchSize " + cfg.batchSize + " is not divisible by minibatchSize "
                    + cfg.minibatchSize);
        }
    }

    /** Iterations done so far. */
    public long stepsDone() {
        return step;
    }

    /** The current KL coefficient β. */
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

    /** Restores the iteration counter (after loading a checkpoint). */
    public void setStepsDone(long s) {
        this.step = s;
    }

    /** What the last {@link #step()} sampled. */
    public Samples lastSamples() {
        return last;
    }

    /** Runs one PPO iteration and returns its metrics. */
    public Map<String, Double> step() {
        long t0 = System.nanoTime();
        Map<String, Double> m = new LinkedHashMap<>();
        int b = cfg.batchSize;
        List<String> batchPrompts = prompts.batch(step, b);
        try (Scope iteration = Scope.open()) {
            // ---- rollout ----------------------------------------------------------------------------------
            Policies.Samples s = Policies.sample(policy, codec, batchPrompts, cfg.temperature, cfg.maxNewTokens, gen);
            GenerationResult res = s.result();
            int n = res.steps(), tp = res.promptLength();
            RewardSource.Scored scored = reward.score(batchPrompts, s.responses());
            float[] scores = scored.rewards().clone();
            for (int r = 0; r < b; r++) {
                if (!s.endedWithEos()[r]) {
                    scores[r] -= (float) cfg.missingEosPenalty;
                }
            }
            float[] maskH = res.responseMask().toFloatArray();
            float[] oldLogp = res.logProbs().toFloatArray();           // (B, N) under the sampling transform
            float[] refLogp, oldValues;
            try (NoGrad ng = NoGrad.enter()) {
                refLogp = Sampler.responseLogProbs(reference, res, transform).toFloatArray();
                oldValues = critic.values(res.sequences(), res.attentionMask()).narrow(1, tp - 1, n).contiguous()
                        .toFloatArray();
            }
            // ---- rewards: −β·KL per token, score at the last response token -----------------------------------
            Device dev = policy.device();
            float[] klTok = estimator.perToken(Tensor.fromArray(oldLogp, b, n), Tensor.fromArray(refLogp, b, n))
                    .toFloatArray();
            float beta = (float) kl.coef();
            float[] rewards = new float[b * n];
            double klSum = 0, nonScore = 0;
            int[] lengths = res.responseLengths();
            for (int r = 0; r < b; r++) {
                double rowKl = 0;
                for (int t = 0; t < n; t++) {
                    int k = r * n + t;
                    if (maskH[k] == 0f) {
                        continue;
                    }
                    rowKl += klTok[k];
                    rewards[k] = -beta * klTok[k];
                }
                nonScore += -beta * rowKl;
                klSum += rowKl;
                if (lengths[r] > 0) {
                    rewards[r * n + lengths[r] - 1] += scores[r];
                }
            }
            Gae.Result gae = Gae.compute(rewards, oldValues, maskH, (float) cfg.gamma, (float) cfg.lambda, b, n);
            Tensor maskT = Tensor.fromArray(maskH, b, n);
            float[] adv = cfg.whitenAdvantages
                    ? PpoLosses.whiten(Tensor.fromArray(gae.advantages(), b, n), maskT, true).toFloatArray()
                    : gae.advantages();
            // ---- PPO epochs over shuffled minibatches --------------------------------------------------------
            int[] seq = res.sequences().toIntArray(), pos = res.positionIds().toIntArray();
            float[] att = res.attentionMask().toFloatArray();
            int[] resp = res.responses().toIntArray();
            int total = tp + n;
            double pgSum = 0, vfSum = 0, cfSum = 0, akSum = 0, vcSum = 0, ratioSum = 0, entSum = 0;
            int updates = 0;
            int mb = cfg.minibatchSize;
            for (int e = 0; e < cfg.epochs; e++) {
                int[] perm = permutation(b);
                for (int from = 0; from < b; from += mb) {
                    try (Scope minibatch = Scope.open()) {
                        int[] rows = java.util.Arrays.copyOfRange(perm, from, from + mb);
                        Tensor seqT = Tensor.fromArray(dev, gatherI(seq, rows, total), mb, total);
                        Tensor posT = Tensor.fromArray(dev, gatherI(pos, rows, total), mb, total);
                        Tensor attT = Tensor.fromArray(dev, gatherF(att, rows, total), mb, total);
                        Tensor respT = Tensor.fromArray(dev, gatherI(resp, rows, n), mb, n);
                        Tensor mMask = Tensor.fromArray(dev, gatherF(maskH, rows, n), mb, n);
                        Tensor oldLp = Tensor.fromArray(dev, gatherF(oldLogp, rows, n), mb, n);
                        Tensor advT = Tensor.fromArray(dev, gatherF(adv, rows, n), mb, n);
                        Tensor retT = Tensor.fromArray(dev, gatherF(gae.returns(), rows, n), mb, n);
                        Tensor oldV = Tensor.fromArray(dev, gatherF(oldValues, rows, n), mb, n);

                        // log π(y_t) under the sampling temperature: (mb, N)
                        Tensor logits = policy.forward(seqT, posT, attT, null).narrow(1, tp - 1, n)
                                .div((float) cfg.temperature);
                        Tensor logp = logits.gatherLogProbs(respT).mul(mMask);
                        PpoLosses.PolicyLoss pl = PpoLosses.policy(logp, oldLp, advT, mMask, (float) cfg.clipRange);
                        Tensor values = critic.values(seqT, attT).narrow(1, tp - 1, n);
                        PpoLosses.ValueLoss vl = PpoLosses.value(values, oldV, retT, mMask, (float) cfg.valueClipRange);
                        Tensor loss = pl.loss().add(vl.loss().mul((float) cfg.valueCoef));
                        loss.backward();
                        clip(policy.parameters());
                        clip(critic.parameters());
                        policyOpt.step();
                        criticOpt.step();
                        policyOpt.zeroGrad();
                        criticOpt.zeroGrad();
                        try (NoGrad ng = NoGrad.enter()) {
                            Tensor lsm = logits.logSoftmax();
                            Tensor ent = lsm.exp().mul(lsm).sum(-1, false).neg();   // (mb, N)
                            entSum += PpoLosses.maskedMean(ent, mMask).item();
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
            double meanKl = klSum / b;
            kl.update(meanKl, b);
            double scoreMean = mean(scores), rawMean = mean(scored.rawScores());
            int eosCount = 0;
            double len = 0;
            for (int r = 0; r < b; r++) {
                eosCount += s.endedWithEos()[r] ? 1 : 0;
                len += s.responses().get(r).length();
            }
            step++;
            m.put("step", (double) step);
            m.put("objective/kl", meanKl);
            m.put("objective/entropy", entSum / updates);
            m.put("objective/non_score_reward", nonScore / b);
            m.put("objective/rlhf_reward", scoreMean + nonScore / b);
            m.put("objective/scores", scoreMean);
            m.put("objective/raw_scores", rawMean);
            m.put("policy/approxkl_avg", akSum / updates);
            m.put("policy/clipfrac_avg", cfSum / updates);
            m.put("loss/policy_avg", pgSum / updates);
            m.put("loss/value_avg", vfSum / updates);
            m.put("val/clipfrac_avg", vcSum / updates);
            m.put("policy/entropy_avg", entSum / updates);
            m.put("val/ratio", ratioSum / updates);
            m.put("val/num_eos_tokens", (double) eosCount);
            m.put("val/mean_length", len / b);
            m.put("kl_coef", (double) beta);
            if (scored.uncertainty() != null) {
                m.put("reward/uncertainty", mean(scored.uncertainty()));
            }
            m.put("time/step_seconds", (System.nanoTime() - t0) / 1e9);
            last = new Samples(batchPrompts, s.responses(), s.endedWithEos(), scores, scored.rawScores(),
                    scored.uncertainty());
        }
        return m;
    }

    private void clip(List<Parameter> params) {
        if (cfg.gradClip > 0) {
            GradClip.clipGradNorm(params, cfg.gradClip);
        }
    }

    private int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = gen.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static int[] gatherI(int[] src, int[] rows, int width) {
        int[] out = new int[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(src, rows[i] * width, out, i * width, width);
        }
        return out;
    }

    private static float[] gatherF(float[] src, int[] rows, int width) {
        float[] out = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(src, rows[i] * width, out, i * width, width);
        }
        return out;
    }

    private static double mean(float[] v) {
        if (v == null || v.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
    }
}
