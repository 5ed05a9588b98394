// The rollout every policy optimiser shares: sample with log-probs, score, reference log-probs, per-token KL.
package dev.plumbline.rlaif.rl;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.Lora;
import dev.plumbline.nn.Parameter;
import dev.plumbline.nn.generate.GenerationResult;
import dev.plumbline.nn.generate.Sampler;
import dev.plumbline.nn.generate.SamplingTransform;
import dev.plumbline.nn.optim.GradClip;
import dev.plumbline.rlaif.policy.Policies;
import dev.plumbline.rlaif.policy.TextCodec;
import dev.plumbline.rlaif.ppo.KlEstimator;
import dev.plumbline.rlaif.ppo.PpoLosses;
import dev.plumbline.rlaif.ppo.RewardSource;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.random.Generator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One batch of sampled responses with everything an optimiser needs from it, on the host:
 *
 * <pre>
 *   prompts (B)                 each prompt repeated k times in a row when an optimiser samples groups
 *   mask, oldLogp, refLogp (B,N) response-token mask, log π_old(y_t) under the sampling temperature, log π_ref(y_t)
 *   klTok (B,N)                 the configured estimator of KL(π ‖ π_ref) per token (0 where masked)
 *   seqKl (B)                   Σ_t klTok — what {@code objective/kl} averages, the same for every optimiser
 *   scores (B)                  r(x, y) − missing-EOS penalty
 * </pre>
 *
 * and the helpers the update phase shares: minibatches gathered on the device, log π under the
 * sampling temperature with gradient, entropy, gradient clipping and shuffling.
 *
 * <pre>{@code
 * Rollout r = Rollout.collect(policy, reference, codec, reward, Rollout.repeat(prompts, 4), 1.0, 14, 1.0,
 *                             KlEstimator.K1, gen);
 * Rollout.Minibatch mb = r.minibatch(new int[] {0, 1, 2, 3}, policy.device());
 * Rollout.LogProbs lp = Rollout.logProbs(policy, r, mb, 1.0);   // (4, N) with gradient
 * }</pre>
 */
public final class Rollout {
    /** Rows (B), response steps (N), prompt length (Tp). */
    public final int batch, steps, promptLength;
    public final List<String> prompts;
    public final Policies.Samples samples;
    public final GenerationResult result;
    public final RewardSource.Scored scored;
    public final float[] scores, mask, oldLogp, refLogp, klTok;
    public final double[] seqKl;
    public final int[] lengths;
    private final int[] seq, pos, resp;
    private final float[] att;

    private Rollout(List<String> prompts, Policies.Samples samples, RewardSource.Scored scored, float[] scores,
                    float[] refLogp, KlEstimator estimator) {
        this.prompts = prompts;
        this.samples = samples;
        this.result = samples.result();
        this.scored = scored;
        this.scores = scores;
        this.batch = prompts.size();
        this.steps = result.steps();
        this.promptLength = result.promptLength();
        this.mask = result.responseMask().toFloatArray();
        this.oldLogp = result.logProbs().toFloatArray();
        this.refLogp = refLogp;
        float[] kl = estimator.perToken(Tensor.fromArray(oldLogp, batch, steps), Tensor.fromArray(refLogp, batch, steps))
                .toFloatArray();
        this.seqKl = new double[batch];
        for (int r = 0; r < batch; r++) {
            double s = 0;
            for (int t = 0; t < steps; t++) {
                int k = r * steps + t;
                if (mask[k] == 0f) {
                    kl[k] = 0f;
                } else {
                    s += kl[k];
                }
            }
            seqKl[r] = s;
        }
        this.klTok = kl;
        this.lengths = result.responseLengths();
        this.seq = result.sequences().toIntArray();
        this.pos = result.positionIds().toIntArray();
        this.att = result.attentionMask().toFloatArray();
        this.resp = result.responses().toIntArray();
    }

    /**
     * Samples one response per prompt from {@code policy}, scores it and computes the reference
     * log-probs and the per-token KL.
     *
     * @param missingEosPenalty subtracted from the score of a response that never emits EOS
     */
    public static Rollout collect(GPT policy, GPT reference, TextCodec codec, RewardSource reward, List<String> prompts,
                                  double temperature, int maxNewTokens, double missingEosPenalty, KlEstimator estimator,
                                  Generator gen) {
        return collect(policy, reference, codec, reward, prompts, temperature, maxNewTokens, missingEosPenalty, estimator,
                gen, PhaseClock.start());
    }

    /**
     * {@link #collect(GPT, GPT, TextCodec, RewardSource, List, double, int, double, KlEstimator, Generator)} with its
     * phases charged to {@code clock}: {@link PhaseClock#GENERATE}, {@link PhaseClock#SCORE}, {@link PhaseClock#REFERENCE}.
     */
    public static Rollout collect(GPT policy, GPT reference, TextCodec codec, RewardSource reward, List<String> prompts,
                                  double temperature, int maxNewTokens, double missingEosPenalty, KlEstimator estimator,
                                  Generator gen, PhaseClock clock) {
        Policies.Samples s = Policies.sample(policy, codec, prompts, temperature, maxNewTokens, gen);
        clock.lap(PhaseClock.GENERATE);
        RewardSource.Scored scored = reward.score(prompts, s.responses());
        clock.lap(PhaseClock.SCORE);
        if (scored.rewards().length != prompts.size()) {
            throw new IllegalStateException("reward source returned " + scored.rewards().length + " rewards for "
                    + prompts.size() + " responses");
        }
        float[] scores = scored.rewards().clone();
        for (int r = 0; r < scores.length; r++) {
            if (!s.endedWithEos()[r]) {
                scores[r] -= (float) missingEosPenalty;
            }
        }
        float[] refLogp;
        // π_ref may be the policy itself with its LoRA adapters off (no second copy of the weights)
        try (NoGrad ng = NoGrad.enter(); Lora.Off off = Lora.adaptersOff(reference)) {
            refLogp = Sampler.responseLogProbs(reference, s.result(), new SamplingTransform((float) temperature, 0, 1f))
                    .toFloatArray();
        }
        Rollout r = new Rollout(prompts, s, scored, scores, refLogp, estimator);
        clock.lap(PhaseClock.REFERENCE);
        return r;
    }

    /** Each prompt {@code k} times in a row: {@code [a, b] → [a, a, a, b, b, b]} for k = 3. */
    public static List<String> repeat(List<String> prompts, int k) {
        List<String> out = new ArrayList<>(prompts.size() * k);
        for (String p : prompts) {
            for (int i = 0; i < k; i++) {
                out.add(p);
            }
        }
        return out;
    }

    /** Rows of the rollout as device tensors: sequences, positions, attention, responses, mask, old log-probs. */
    public record Minibatch(int[] rows, Tensor sequences, Tensor positions, Tensor attention, Tensor responses,
                            Tensor mask, Tensor oldLogProbs) {}

    /** Gathers {@code rows} onto {@code dev}. */
    public Minibatch minibatch(int[] rows, Device dev) {
        int total = promptLength + steps, m = rows.length;
        return new Minibatch(rows,
                Tensor.fromArray(dev, gatherI(seq, rows, total), m, total),
                Tensor.fromArray(dev, gatherI(pos, rows, total), m, total),
                Tensor.fromArray(dev, gatherF(att, rows, total), m, total),
                Tensor.fromArray(dev, gatherI(resp, rows, steps), m, steps),
                Tensor.fromArray(dev, gatherF(mask, rows, steps), m, steps),
                Tensor.fromArray(dev, gatherF(oldLogp, rows, steps), m, steps));
    }

    /** Any per-row (B, width) host array gathered to {@code rows} on {@code dev}. */
    public static Tensor rowsOf(float[] src, int[] rows, int width, Device dev) {
        return width == 1 ? Tensor.fromArray(dev, gatherF(src, rows, 1), rows.length)
                : Tensor.fromArray(dev, gatherF(src, rows, width), rows.length, width);
    }

    /** The logits (mb, N, V) of the response positions under the sampling temperature, and log π(y_t) (mb, N), masked. */
    public record LogProbs(Tensor logits, Tensor logProbs) {}

    /** log π(y_t) of the minibatch's responses under the current policy, with gradient. */
    public static LogProbs logProbs(GPT policy, Rollout r, Minibatch mb, double temperature) {
        Tensor logits = policy.forward(mb.sequences(), mb.positions(), mb.attention(), null)
                .narrow(1, r.promptLength - 1, r.steps).div((float) temperature);
        return new LogProbs(logits, logits.gatherLogProbs(mb.responses()).mul(mb.mask()));
    }

    /** Mean entropy of π over the masked response positions (no gradient). */
    public static double entropy(Tensor logits, Tensor mask) {
        try (NoGrad ng = NoGrad.enter()) {
            Tensor lsm = logits.logSoftmax();
            Tensor ent = lsm.exp().mul(lsm).sum(-1, false).neg();   // (mb, N)
            return PpoLosses.maskedMean(ent, mask).item();
        }
    }

    /** Clips the gradient norm of {@code params} to {@code maxNorm} (no-op when ≤ 0). */
    public static void clip(List<Parameter> params, double maxNorm) {
        if (maxNorm > 0) {
            GradClip.clipGradNorm(params, maxNorm);
        }
    }

    /** A uniformly random permutation of 0..n−1 (Fisher–Yates from {@code gen}). */
    public static int[] permutation(int n, Generator gen) {
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

    /** {@code n} rows of {@code perm} from {@code from}. */
    public static int[] rows(int[] perm, int from, int n) {
        return Arrays.copyOfRange(perm, from, from + n);
    }

    /** What this rollout sampled, with the rewards the optimiser used. */
    public PolicyOptimizer.Samples samples(float[] rewards) {
        return new PolicyOptimizer.Samples(prompts, samples.responses(), samples.endedWithEos(), rewards,
                scored.rawScores(), scored.uncertainty());
    }

    /**
     * The metrics every optimiser reports with the same meaning: mean sequence KL, scores, length,
     * EOS count and the reward model's uncertainty.
     */
    public void putCoreMetrics(Map<String, Double> m) {
        double klSum = 0, len = 0;
        int eos = 0;
        for (int r = 0; r < batch; r++) {
            klSum += seqKl[r];
            len += samples.responses().get(r).length();
            eos += samples.endedWithEos()[r] ? 1 : 0;
        }
        m.put("objective/kl", klSum / batch);
        m.put("objective/scores", mean(scores));
        m.put("objective/raw_scores", mean(scored.rawScores()));
        m.put("val/num_eos_tokens", (double) eos);
        m.put("val/mean_length", len / batch);
        if (scored.uncertainty() != null) {
            m.put("reward/uncertainty", mean(scored.uncertainty()));
        }
    }

    /** Mean of a float array in double (NaN when empty or null). */
    public static double mean(float[] v) {
        if (v == null || v.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
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
}
