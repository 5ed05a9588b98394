// What RLOO and GRPO share: k responses per prompt, no critic, sequence-level advantages, clipped epochs.
package dev.plumbline.rlaif.rl;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.Module;
import dev.plumbline.nn.optim.AdamW;
import dev.plumbline.nn.optim.Optimizer;
import dev.plumbline.rlaif.policy.TextCodec;
import dev.plumbline.rlaif.ppo.KlController;
import dev.plumbline.rlaif.ppo.KlEstimator;
import dev.plumbline.rlaif.ppo.PpoConfig;
import dev.plumbline.rlaif.ppo.PromptSource;
import dev.plumbline.rlaif.ppo.RewardSource;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The critic-free optimisers' step: {@code batchSize / k} prompts, each sampled k times
 * ({@link Rollout}), one advantage per response from its group ({@link #advantages}), then
 * {@code epochs} passes over shuffled minibatches of the algorithm's {@link #loss}. Subclasses
 * write only those two methods and their metrics.
 */
abstract class GroupTrainer implements PolicyOptimizer {
    protected final GPT policy, reference;
    protected final RewardSource reward;
    protected final PromptSource prompts;
    protected final TextCodec codec;
    protected final PpoConfig common;
    protected final Generator gen;
    protected final AdamW policyOpt;
    protected final KlController kl;
    protected final KlEstimator estimator;
    protected final int k;
    private long step;
    private Samples last;

    GroupTrainer(String name, GPT policy, GPT reference, RewardSource reward, PromptSource prompts, TextCodec codec,
                 PpoConfig common, int k, KlController kl, Generator gen) {
        if (k < 2) {
            throw new IllegalArgumentException(name + ": numGenerations must be >= 2, got " + k);
        }
        if (common.batchSize % k != 0) {
            throw new IllegalArgumentException(name + ": batchSize " + common.batchSize
                    + " (responses per step) is not divisible by numGenerations " + k);
        }
        if (common.batchSize % common.minibatchSize != 0) {
            throw new IllegalArgumentException(name + ": batchSize " + common.batchSize
                    + " is not divisible by minibatchSize " + common.minibatchSize);
        }
        this.policy = policy;
        this.reference = reference;
        this.reward = reward;
        this.prompts = prompts;
        this.codec = codec;
        this.common = common;
        this.k = k;
        this.kl = kl;
        this.gen = gen;
        this.estimator = KlEstimator.parse(common.klEstimator);
        this.policyOpt = new AdamW(policy, common.lr, 0.9, 0.999, 1e-8, 0.0);
    }

    /**
     * One advantage per response of the rollout (B), in float64 from the group's rewards. May put
     * metrics of the reward (e.g. {@code reward_std}) into {@code m}.
     */
    protected abstract float[] advantages(Rollout ro, Map<String, Double> m);

    /** Accumulates one minibatch's diagnostics. */
    protected interface Diagnostics {
        void add(String name, double value);
    }

    /** The algorithm's loss on one minibatch; {@code adv} is (mb). */
    protected abstract Tensor loss(Rollout ro, Rollout.Minibatch mb, Rollout.LogProbs lp, Tensor adv, Device dev,
                                   Diagnostics d);

    @Override
    public final Map<String, Double> step() {
        PhaseClock clock = PhaseClock.start();
        Map<String, Double> m = new LinkedHashMap<>();
        int b = common.batchSize;
        List<String> batchPrompts = Rollout.repeat(prompts.batch(step, b / k), k);
        try (Scope iteration = Scope.open()) {
            Rollout ro = Rollout.collect(policy, reference, codec, reward, batchPrompts, common.temperature,
                    common.maxNewTokens, common.missingEosPenalty, estimator, gen, clock);
            double beta = kl.coef();
            Map<String, Double> rewardMetrics = new LinkedHashMap<>();
            float[] adv = advantages(ro, rewardMetrics);
            Device dev = policy.device();
            Map<String, Double> sums = new LinkedHashMap<>();
            Diagnostics d = (name, v) -> sums.merge(name, v, Double::sum);
            double entSum = 0, lossSum = 0;
            int updates = 0;
            int mb = common.minibatchSize;
            for (int e = 0; e < common.epochs; e++) {
                int[] perm = Rollout.permutation(b, gen);
                for (int from = 0; from < b; from += mb) {
                    try (Scope minibatch = Scope.open()) {
                        Rollout.Minibatch batch = ro.minibatch(Rollout.rows(perm, from, mb), dev);
                        Tensor advT = Rollout.rowsOf(adv, batch.rows(), 1, dev);
                        Rollout.LogProbs lp = Rollout.logProbs(policy, ro, batch, common.temperature);
                        Tensor loss = loss(ro, batch, lp, advT, dev, d);
                        loss.backward();
                        Rollout.clip(policy.parameters(), common.gradClip);
                        policyOpt.step();
                        policyOpt.zeroGrad();
                        entSum += Rollout.entropy(lp.logits(), batch.mask());
                        lossSum += loss.item();
                        updates++;
                    }
                }
            }
            step++;
            m.put("step", (double) step);
            ro.putCoreMetrics(m);
            kl.update(m.get("objective/kl"), b);
            m.put("objective/entropy", entSum / updates);
            m.put("loss/policy_avg", lossSum / updates);
            m.putAll(rewardMetrics);
            for (Map.Entry<String, Double> e : sums.entrySet()) {
                m.put(e.getKey(), e.getValue() / updates);
            }
            m.put("kl_coef", beta);
            clock.lap(PhaseClock.UPDATE);
            clock.put(m);
            last = ro.samples(ro.scores);
        }
        return m;
    }

    /** The rollout's sequence rewards in float64: score − klCoef·Σ_t kl_t (klCoef 0: the score alone). */
    protected static double[] sequenceRewards(Rollout ro, double klCoef) {
        double[] r = new double[ro.batch];
        for (int i = 0; i < r.length; i++) {
            r[i] = ro.scores[i] - klCoef * ro.seqKl[i];
        }
        return r;
    }

    @Override
    public final Samples lastSamples() {
        return last;
    }

    @Override
    public final long stepsDone() {
        return step;
    }

    @Override
    public final void setStepsDone(long steps) {
        this.step = steps;
    }

    @Override
    public final KlController klController() {
        return kl;
    }

    @Override
    public final Map<String, Module> modules() {
        return Map.of("policy", policy);
    }

    @Override
    public final Map<String, Optimizer> optimizers() {
        return Map.of("policy_optimizer", policyOpt);
    }
}
