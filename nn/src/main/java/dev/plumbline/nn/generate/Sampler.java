package dev.plumbline.nn.generate;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.GPTCache;
import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.random.Generator;

import java.util.List;

/**
 * Batched autoregressive decoding from a {@link GPT}: left-pads the prompts, prefills them into a
 * KV cache, then feeds one token per step; greedy or sampled through a {@link SamplingTransform}
 * with uniforms from a Philox {@link Generator} (same seed → same samples); a row stops at EOS and
 * is PAD-filled afterwards; decoding ends when every row stopped or after maxNewTokens.
 *
 * <pre>{@code
 * SamplingConfig cfg = SamplingConfig.sample(new SamplingTransform(0.9f, 40, 0.95f), 32, eos, pad);
 * GenerationResult out = Sampler.generate(gpt, List.of(promptA, promptB), cfg, new Generator(7));
 * Tensor lp = Sampler.responseLogProbs(gpt, out, cfg.transform());   // same values, with a graph
 * }</pre>
 */
public final class Sampler {
    private Sampler() {}

    /**
     * Decodes continuations of {@code prompts} (each non-empty; token ids in [0, V)).
     *
     * @throws IllegalArgumentException if the longest prompt plus maxNewTokens exceeds the context length
     */
    public static GenerationResult generate(GPT model, List<int[]> prompts, SamplingConfig cfg, Generator gen) {
        if (!cfg.greedy() && gen == null) {
            throw new IllegalArgumentException("Sampler: sampling needs a Generator (got null); use greedy() for none");
        }
        Device dev = model.device();
        PaddedBatch batch = PaddedBatch.leftPad(prompts, cfg.padId(), dev);
        int b = batch.batch(), tp = batch.length(), maxNew = cfg.maxNewTokens();
        int ctx = model.contextLength();
        if (tp + maxNew > ctx) {
            throw new IllegalArgumentException("Sampler: prompt length " + tp + " + maxNewTokens " + maxNew + " = "
                    + (tp + maxNew) + " exceeds the model's contextLength " + ctx);
        }
        int total = tp + maxNew;
        // host copies of the growing sequence: ids, mask, positions (B, total)
        int[] ids = new int[b * total], pos = new int[b * total];
        float[] mask = new float[b * total];
        copyRows(batch.ids().toIntArray(), ids, b, tp, total);
        copyRows(batch.positionIds().toIntArray(), pos, b, tp, total);
        float[] pm = batch.attentionMask().toFloatArray();
        for (int r = 0; r < b; r++) {
            System.arraycopy(pm, r * tp, mask, r * total, tp);
        }
        int[] nextPos = batch.lengths().clone();           // position of each row's next token
        int[] respLen = new int[b];
        float[] logProbs = new float[b * maxNew];
        boolean[] done = new boolean[b];
        boolean wasTraining = model.isTraining();
        model.eval();
        int steps = 0;
        GPTCache cache = cfg.useCache() ? GPTCache.create(model, b, total) : null;
        try (NoGrad ng = NoGrad.enter()) {
            for (int s = 0; s < maxNew; s++) {
                try (Scope step = Scope.open()) {
                    int len = tp + s;                        // tokens so far
                    Tensor logits;
                    if (cache == null) {                     // full re-run over [0, len)
                        logits = model.forward(slice(dev, ids, b, total, 0, len), sliceI(dev, pos, b, total, 0, len),
                                sliceF(dev, mask, b, total, 0, len), null);
                    } else if (s == 0) {                     // prefill the prompt
                        logits = model.forward(batch.ids(), batch.positionIds(), batch.attentionMask(), cache);
                    } else {                                 // one new token per row
                        logits = model.forward(slice(dev, ids, b, total, len - 1, len), sliceI(dev, pos, b, total, len - 1, len),
                                sliceF(dev, mask, b, total, len - 1, len), cache);
                    }
                    Tensor lastLogits = logits.select(1, logits.size(1) - 1).contiguous();   // (B, V) next-token logits
                    int[] next = cfg.greedy() ? argmax(lastLogits) : sample(cfg.transform().apply(lastLogits), gen);
                    for (int r = 0; r < b; r++) {
                        if (done[r]) {
                            next[r] = cfg.padId();
                        }
                    }
                    float[] lp = cfg.transform().logProbs(lastLogits, Tensor.fromArray(dev, next, b)).toFloatArray();
                    for (int r = 0; r < b; r++) {
                        int at = r * total + len;
                        ids[at] = next[r];
                        if (done[r]) {
                            mask[at] = 0f;
                            pos[at] = Math.max(nextPos[r] - 1, 0);
                            continue;
                        }
                        mask[at] = 1f;
                        pos[at] = nextPos[r]++;
                        logProbs[r * maxNew + s] = lp[r];
                        respLen[r]++;
                        if (next[r] == cfg.eosId()) {
                            done[r] = true;
                        }
                    }
                }
                steps = s + 1;
                if (allDone(done)) {
                    break;
                }
            }
        } finally {
            if (cache != null) {
                cache.close();
            }
            model.train(wasTraining);
        }
        return result(dev, ids, mask, pos, logProbs, respLen, b, tp, total, maxNew, steps);
    }

    /**
     * Re-scores a result's responses with a full forward pass and {@code transform}: (B, N)
     * log-probs, 0 where the response mask is 0; differentiable (PPO's new log-probs).
     */
    public static Tensor responseLogProbs(GPT model, GenerationResult res, SamplingTransform transform) {
        int tp = res.promptLength(), n = res.steps();
        Tensor logits = model.forward(res.sequences(), res.positionIds(), res.attentionMask(), null); // (B, Tp+N, V)
        Tensor respLogits = logits.narrow(1, tp - 1, n);                                               // (B, N, V)
        Tensor lp = transform.logProbs(respLogits, res.responses());                                   // (B, N)
        return Tensor.where(res.responseMask(), lp, Tensor.zeros(lp.device(), DType.F32));
    }

    private static GenerationResult result(Device dev, int[] ids, float[] mask, int[] pos, float[] logProbs, int[] respLen,
                                           int b, int tp, int total, int maxNew, int n) {
        int len = tp + n;
        int[] resp = new int[b * n];
        float[] rmask = new float[b * n], rlp = new float[b * n];
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < n; j++) {
                resp[r * n + j] = ids[r * total + tp + j];
                rmask[r * n + j] = mask[r * total + tp + j];
                rlp[r * n + j] = logProbs[r * maxNew + j];
            }
        }
        return new GenerationResult(slice(dev, ids, b, total, 0, len), sliceF(dev, mask, b, total, 0, len),
                sliceI(dev, pos, b, total, 0, len), tp, Tensor.fromArray(dev, resp, b, n),
                Tensor.fromArray(dev, rmask, b, n), Tensor.fromArray(dev, rlp, b, n), respLen);
    }

    /** Greedy pick per row, ties → lowest id. logits: (B, V). */
    private static int[] argmax(Tensor logits) {
        int b = logits.size(0), v = logits.size(1);
        float[] x = logits.toFloatArray();
        int[] out = new int[b];
        for (int r = 0; r < b; r++) {
            int best = 0;
            for (int j = 1; j < v; j++) {
                if (x[r * v + j] > x[r * v + best]) {
                    best = j;
                }
            }
            out[r] = best;
        }
        return out;
    }

    /** Inverse-CDF sampling per row from softmax(warped), one Philox uniform per row. warped: (B, V). */
    static int[] sample(Tensor warped, Generator gen) {
        int b = warped.size(0), v = warped.size(1);
        float[] x = warped.toFloatArray();
        float[] u = Tensor.rand(gen, b).toFloatArray();
        int[] out = new int[b];
        for (int r = 0; r < b; r++) {
            int o = r * v;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                max = Math.max(max, x[o + j]);
            }
            double total = 0;
            for (int j = 0; j < v; j++) {
                total += Math.exp((double) x[o + j] - max);
            }
            double target = u[r] * total, cum = 0;
            int pick = -1, lastKept = -1;
            for (int j = 0; j < v; j++) {
                double p = Math.exp((double) x[o + j] - max);
                if (p == 0) {
                    continue;
                }
                lastKept = j;
                cum += p;
                if (cum > target) {
                    pick = j;
                    break;
                }
            }
            out[r] = pick >= 0 ? pick : lastKept; // rounding at the top end falls back to the last kept token
        }
        return out;
    }

    private static boolean allDone(boolean[] done) {
        for (boolean d : done) {
            if (!d) {
                return false;
            }
        }
        return true;
    }

    private static void copyRows(int[] src, int[] dst, int b, int t, int total) {
        for (int r = 0; r < b; r++) {
            System.arraycopy(src, r * t, dst, r * total, t);
        }
    }

    private static Tensor slice(Device dev, int[] a, int b, int total, int from, int to) {
        return sliceI(dev, a, b, total, from, to);
    }

    private static Tensor sliceI(Device dev, int[] a, int b, int total, int from, int to) {
        int n = to - from;
        int[] out = new int[b * n];
        for (int r = 0; r < b; r++) {
            System.arraycopy(a, r * total + from, out, r * n, n);
        }
        return Tensor.fromArray(dev, out, b, n);
    }

    private static Tensor sliceF(Device dev, float[] a, int b, int total, int from, int to) {
        int n = to - from;
        float[] out = new float[b * n];
        for (int r = 0; r < b; r++) {
            System.arraycopy(a, r * total + from, out, r * n, n);
        }
        return Tensor.fromArray(dev, out, b, n);
    }
}
