// Online DPO from AI feedback: two responses per prompt from the current policy, the judge picks, a DPO step.
package dev.plumbline.rlaif.rl;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.Module;
import dev.plumbline.nn.optim.AdamW;
import dev.plumbline.nn.optim.Optimizer;
import dev.plumbline.rlaif.label.BatchLabeling;
import dev.plumbline.rlaif.label.Judgement;
import dev.plumbline.rlaif.label.LabelPair;
import dev.plumbline.rlaif.label.Preference;
import dev.plumbline.rlaif.label.PreferenceLabeler;
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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Online DPO (Guo et al. 2024, "Direct Language Model Alignment from Online AI Feedback") as TRL's
 * OnlineDPOTrainer runs it:
 *
 * <pre>
 * for each of batchSize/2 prompts, two responses y_1, y_2 ~ π          ({@link Rollout}, shared)
 *   feedback  judge: the run's labeler says which is better (ties and failures are dropped)
 *             reward: the higher reward-model score (ties dropped)
 *   loss      {@link DpoLoss} on log π and log π_ref of (chosen, rejected), epochs × minibatches
 * </pre>
 *
 * There is no critic and no reward in the update: the KL leash is β of the implicit reward. The
 * reward source still scores every response, so {@code objective/scores} means what it means for
 * PPO (the proxy reward) and monitors can compare. Metrics: the core ones of {@link PolicyOptimizer}
 * plus TRL's {@code rewards/chosen}, {@code rewards/rejected}, {@code rewards/accuracies},
 * {@code rewards/margins}, {@code logps/chosen}, {@code logps/rejected}, {@code objective/scores_margin},
 * {@code beta}, and {@code online_dpo/pairs_used}, {@code online_dpo/ties}, {@code online_dpo/failed}.
 * The pair of step s, prompt i is asked as labeling index {@code s·P + i} (P pairs per step), so a
 * resumed run asks the judge exactly what an uninterrupted one would.
 *
 * <pre>{@code
 * OnlineDpoTrainer dpo = new OnlineDpoTrainer(policy, reference, proxy, judge, prompts, codec, cfg.ppo,
 *                                             cfg.onlineDpo, 8, new Generator(3));
 * Map<String, Double> m = dpo.step();   // "rewards/accuracies", "objective/kl", ...
 * }</pre>
 */
public final class OnlineDpoTrainer implements PolicyOptimizer {
    /** Where a step's preferences come from. */
    enum Feedback { JUDGE, REWARD }

    private final GPT policy, reference;
    private final RewardSource reward;
    private final PreferenceLabeler judge;
    private final PromptSource prompts;
    private final TextCodec codec;
    private final PpoConfig common;
    private final OnlineDpoConfig cfg;
    private final DpoLoss.Type type;
    private final Feedback feedback;
    private final int concurrency;
    private final Generator gen;
    private final AdamW policyOpt;
    private final KlController beta;
    private final KlEstimator estimator;
    private long step;
    private Samples last;

    /**
     * @param policy      π, trained in place
     * @param reference   π_ref, frozen
     * @param reward      scores every response (for {@code objective/scores}; the feedback with {@code feedback: reward})
     * @param judge       the labeler asked for every pair with {@code feedback: judge} (may be null otherwise)
     * @param concurrency judge calls in flight for a concurrent (server) judge
     */
    public OnlineDpoTrainer(GPT policy, GPT reference, RewardSource reward, PreferenceLabeler judge, PromptSource prompts,
                            TextCodec codec, PpoConfig common, OnlineDpoConfig cfg, int concurrency, Generator gen) {
        this.type = DpoLoss.Type.parse(cfg.lossType);
        this.feedback = parseFeedback(cfg.feedback);
        if (!(cfg.beta > 0)) {
            throw new IllegalArgumentException("online-dpo: beta must be > 0, got " + cfg.beta);
        }
        if (common.batchSize % 2 != 0 || common.minibatchSize % 2 != 0) {
            throw new IllegalArgumentException("online-dpo: batchSize " + common.batchSize + " and minibatchSize "
                    + common.minibatchSize + " count responses, two per pair, so both must be even");
        }
        if (feedback == Feedback.JUDGE && judge == null) {
            throw new IllegalArgumentException("online-dpo: feedback 'judge' needs a labeler");
        }
        this.policy = policy;
        this.reference = reference;
        this.reward = reward;
        this.judge = judge;
        this.prompts = prompts;
        this.codec = codec;
        this.common = common;
        this.cfg = cfg;
        this.concurrency = Math.max(1, concurrency);
        this.gen = gen;
        this.estimator = KlEstimator.parse(common.klEstimator);
        this.beta = KlController.fixed(cfg.beta);
        this.policyOpt = new AdamW(policy, common.lr, 0.9, 0.999, 1e-8, 0.0);
    }

    static Feedback parseFeedback(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "judge" -> Feedback.JUDGE;
            case "reward" -> Feedback.REWARD;
            default -> throw new IllegalArgumentException("unknown online-dpo feedback '" + s + "': expected judge or reward");
        };
    }

    @Override
    public Map<String, Double> step() {
        PhaseClock clock = PhaseClock.start();
        Map<String, Double> m = new LinkedHashMap<>();
        int pairs = common.batchSize / 2;
        List<String> batchPrompts = Rollout.repeat(prompts.batch(step, pairs), 2);
        try (Scope iteration = Scope.open()) {
            Rollout ro = Rollout.collect(policy, reference, codec, reward, batchPrompts, common.temperature,
                    common.maxNewTokens, common.missingEosPenalty, estimator, gen, clock);
            Preference[] pref = preferences(ro, pairs);
            clock.lap(feedback == Feedback.JUDGE ? PhaseClock.JUDGE : PhaseClock.SCORE);
            // chosen and rejected row of each usable pair
            int[] chosen = new int[pairs], rejected = new int[pairs];
            int used = 0, ties = 0, failed = 0;
            for (int i = 0; i < pairs; i++) {
                switch (pref[i]) {
                    case A -> { chosen[used] = 2 * i; rejected[used++] = 2 * i + 1; }
                    case B -> { chosen[used] = 2 * i + 1; rejected[used++] = 2 * i; }
                    case TIE -> ties++;
                    case FAILED -> failed++;
                }
            }
            double[] refSum = sequenceSums(ro.refLogp, ro.mask, ro.batch, ro.steps);
            Device dev = policy.device();
            double lossSum = 0, entSum = 0, rc = 0, rr = 0, acc = 0, margin = 0, lpc = 0, lpr = 0;
            int updates = 0;
            int mbPairs = common.minibatchSize / 2;
            for (int e = 0; e < common.epochs && used > 0; e++) {
                int[] perm = Rollout.permutation(used, gen);
                for (int from = 0; from < used; from += mbPairs) {
                    int n = Math.min(mbPairs, used - from);
                    int[] rows = new int[2 * n];
                    float[] refC = new float[n], refR = new float[n];
                    for (int j = 0; j < n; j++) {
                        int p = perm[from + j];
                        rows[j] = chosen[p];
                        rows[n + j] = rejected[p];
                        refC[j] = (float) refSum[chosen[p]];
                        refR[j] = (float) refSum[rejected[p]];
                    }
                    try (Scope minibatch = Scope.open()) {
                        Rollout.Minibatch batch = ro.minibatch(rows, dev);
                        Rollout.LogProbs lp = Rollout.logProbs(policy, ro, batch, common.temperature);
                        Tensor seq = lp.logProbs().sum(1, false);                     // (2n): chosen then rejected
                        Tensor c = seq.narrow(0, 0, n), r = seq.narrow(0, n, n);
                        DpoLoss.Result l = DpoLoss.compute(c, r, Tensor.fromArray(dev, refC, n),
                                Tensor.fromArray(dev, refR, n), (float) cfg.beta, type);
                        l.loss().backward();
                        Rollout.clip(policy.parameters(), common.gradClip);
                        policyOpt.step();
                        policyOpt.zeroGrad();
                        entSum += Rollout.entropy(lp.logits(), batch.mask());
                        lossSum += l.loss().item();
                        rc += l.rewardsChosen();
                        rr += l.rewardsRejected();
                        acc += l.accuracy();
                        margin += l.margin();
                        lpc += c.mean().item();
                        lpr += r.mean().item();
                        updates++;
                    }
                }
            }
            step++;
            m.put("step", (double) step);
            ro.putCoreMetrics(m);
            double scoreMargin = 0;
            for (int j = 0; j < used; j++) {
                scoreMargin += ro.scores[chosen[j]] - ro.scores[rejected[j]];
            }
            double u = Math.max(updates, 1);
            m.put("objective/entropy", entSum / u);
            m.put("objective/scores_margin", used == 0 ? 0.0 : scoreMargin / used);
            m.put("loss/policy_avg", lossSum / u);
            m.put("rewards/chosen", rc / u);
            m.put("rewards/rejected", rr / u);
            m.put("rewards/accuracies", acc / u);
            m.put("rewards/margins", margin / u);
            m.put("logps/chosen", lpc / u);
            m.put("logps/rejected", lpr / u);
            m.put("policy/clipfrac_avg", 0.0);   // DPO does not clip: reported so every optimiser's table has the column
            m.put("online_dpo/pairs_used", (double) used);
            m.put("online_dpo/ties", (double) ties);
            m.put("online_dpo/failed", (double) failed);
            m.put("beta", cfg.beta);
            m.put("kl_coef", cfg.beta);
            clock.lap(PhaseClock.UPDATE);
            clock.put(m);
            last = ro.samples(ro.scores);
        }
        return m;
    }

    /** One preference per pair (rows 2i, 2i+1 as A and B). */
    private Preference[] preferences(Rollout ro, int pairs) {
        Preference[] out = new Preference[pairs];
        if (feedback == Feedback.REWARD) {
            for (int i = 0; i < pairs; i++) {
                float a = ro.scores[2 * i], b = ro.scores[2 * i + 1];
                out[i] = a > b ? Preference.A : b > a ? Preference.B : Preference.TIE;
            }
            return out;
        }
        List<String> ys = ro.samples.responses();
        List<LabelPair> asks = new ArrayList<>(pairs);
        for (int i = 0; i < pairs; i++) {
            asks.add(new LabelPair(step * pairs + i, ro.prompts.get(2 * i), ys.get(2 * i), ys.get(2 * i + 1)));
        }
        List<Judgement> js = BatchLabeling.labelAll(judge, asks, concurrency);
        for (int i = 0; i < pairs; i++) {
            out[i] = js.get(i).preferred();
        }
        return out;
    }

    /** Σ_t mask·v per row of a (B, N) host array, in float64. */
    static double[] sequenceSums(float[] v, float[] mask, int rows, int n) {
        double[] s = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < n; t++) {
                if (mask[r * n + t] != 0f) {
                    s[r] += v[r * n + t];
                }
            }
        }
        return s;
    }

    @Override
    public Samples lastSamples() {
        return last;
    }

    @Override
    public long stepsDone() {
        return step;
    }

    @Override
    public void setStepsDone(long steps) {
        this.step = steps;
    }

    /** β, fixed: DPO's leash is in the loss and does not adapt. */
    @Override
    public KlController klController() {
        return beta;
    }

    @Override
    public Map<String, Module> modules() {
        return Map.of("policy", policy);
    }

    @Override
    public Map<String, Optimizer> optimizers() {
        return Map.of("policy_optimizer", policyOpt);
    }

    @Override
    public String algorithm() {
        return Algorithm.ONLINE_DPO.id();
    }
}
