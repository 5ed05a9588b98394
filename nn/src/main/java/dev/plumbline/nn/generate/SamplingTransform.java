package dev.plumbline.nn.generate;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;

import java.util.Arrays;

/**
 * The logits → sampling-distribution transform used by generation, exposed so training (PPO)
 * scores tokens under exactly the distribution they were sampled from: divide by the temperature,
 * keep the top-k logits, then keep the smallest set of most likely tokens whose probability reaches
 * top-p (nucleus); everything else becomes −∞. Same order as Hugging Face's logits warpers.
 *
 * <p>Which tokens survive is decided from the (detached) values of the logits passed in; the
 * gradient flows into the surviving logits. A token outside the kept set gets log-prob −∞.
 * Ties at a top-k or top-p threshold are all kept.
 *
 * <pre>{@code
 * SamplingTransform tf = new SamplingTransform(0.7f, 50, 0.95f);
 * Tensor lp = tf.logProbs(logits, ids);   // logits: (B, T, V), ids: (B, T) I32 → (B, T), differentiable
 * Tensor warped = tf.apply(logits);       // (B, T, V) with −∞ outside the kept set
 * }</pre>
 *
 * @param temperature &gt; 0; 1 leaves logits unscaled
 * @param topK        keep the k largest logits; 0 disables
 * @param topP        keep the nucleus of probability mass p in (0, 1]; 1 disables
 */
public record SamplingTransform(float temperature, int topK, float topP) {

    /** Validates the parameters. */
    public SamplingTransform {
        if (!(temperature > 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("SamplingTransform: temperature must be > 0 and finite, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("SamplingTransform: topK must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("SamplingTransform: topP must be in (0, 1] (1 = off), got " + topP);
        }
    }

    /** The identity transform: plain softmax of the logits. */
    public static SamplingTransform identity() {
        return new SamplingTransform(1f, 0, 1f);
    }

    /** Whether the transform filters tokens (top-k or top-p active). */
    public boolean filters() {
        return topK > 0 || topP < 1f;
    }

    /** logits: (..., V) → (..., V) scaled by 1/temperature with filtered entries −∞. */
    public Tensor apply(Tensor logits) {
        if (logits.dim() == 0 || logits.dtype() != DType.F32) {
            throw new IllegalArgumentException("SamplingTransform: logits must be F32 (..., V), got "
                    + Shape.str(logits.shape()) + " " + logits.dtype());
        }
        Tensor scaled = temperature == 1f ? logits : logits.div(temperature);
        if (!filters()) {
            return scaled;
        }
        int v = logits.size(-1);
        float[] x = scaled.detach().contiguous().toFloatArray();
        float[] keep = new float[x.length];
        for (int r = 0; r < x.length / v; r++) {
            keepMask(x, r * v, v, keep);
        }
        Tensor keepT = Tensor.fromArray(logits.device(), keep, logits.shape());
        Tensor minusInf = Tensor.full(logits.device(), DType.F32, Float.NEGATIVE_INFINITY);
        return Tensor.where(keepT, scaled, minusInf);
    }

    /**
     * log p(ids) under the transformed distribution: logits (..., V), ids (...) I32 → (...);
     * differentiable in logits.
     */
    public Tensor logProbs(Tensor logits, Tensor ids) {
        return apply(logits).gatherLogProbs(ids);
    }

    /** Writes 1 into keep[off .. off+v) for surviving logits of one row (already temperature-scaled). */
    void keepMask(float[] x, int off, int v, float[] keep) {
        float threshold = Float.NEGATIVE_INFINITY;
        float[] sorted = null;
        if (topK > 0 && topK < v) {
            sorted = Arrays.copyOfRange(x, off, off + v);
            Arrays.sort(sorted);
            threshold = sorted[v - topK];                  // k-th largest
        }
        if (topP < 1f) {
            if (sorted == null) {
                sorted = Arrays.copyOfRange(x, off, off + v);
                Arrays.sort(sorted);
            }
            // softmax over the top-k survivors, in double, walking from the largest logit down
            float max = sorted[v - 1];
            double total = 0;
            for (int j = v - 1; j >= 0 && sorted[j] >= threshold; j--) {
                total += Math.exp((double) sorted[j] - max);
            }
            double cumBefore = 0;
            float nucleusMin = sorted[v - 1];
            for (int j = v - 1; j >= 0 && sorted[j] >= threshold; j--) {
                if (cumBefore >= topP) {
                    break;                                 // mass before this token already reaches p
                }
                nucleusMin = sorted[j];
                cumBefore += Math.exp((double) sorted[j] - max) / total;
            }
            threshold = Math.max(threshold, nucleusMin);
        }
        for (int j = 0; j < v; j++) {
            keep[off + j] = x[off + j] >= threshold ? 1f : 0f;
        }
    }
}
