package dev.plumbline.nn.generate;

/**
 * How {@link Sampler} decodes: greedy or sampled through a {@link SamplingTransform}, how many new
 * tokens at most, which token ends a row (EOS) and which fills finished rows and left padding (PAD).
 *
 * <pre>{@code
 * SamplingConfig greedy = SamplingConfig.greedy(20, eosId, padId);
 * SamplingConfig nucleus = SamplingConfig.sample(new SamplingTransform(0.8f, 0, 0.9f), 64, eosId, padId);
 * }</pre>
 *
 * @param greedy        take the argmax (ties → lowest id) instead of sampling
 * @param transform     the distribution sampled from, and under which log-probs are reported
 *                      (for greedy decoding: the distribution log-probs are reported under)
 * @param maxNewTokens  at most this many tokens per row (≥ 1)
 * @param eosId         token that finishes a row (it is kept in the response), or −1 for none
 * @param padId         token placed in padding and after a row finished (must be a valid id)
 * @param useCache      prefill + one token per step with a KV cache (true), or re-run the whole
 *                      sequence every step (false; slower, for checking the cache)
 */
public record SamplingConfig(boolean greedy, SamplingTransform transform, int maxNewTokens, int eosId, int padId,
                             boolean useCache) {

    /** Validates the fields. */
    public SamplingConfig {
        if (transform == null) {
            throw new IllegalArgumentException("SamplingConfig: transform must not be null");
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("SamplingConfig: maxNewTokens must be >= 1, got " + maxNewTokens);
        }
        if (padId < 0) {
            throw new IllegalArgumentException("SamplingConfig: padId must be a valid token id (>= 0), got " + padId);
        }
    }

    /** Greedy decoding; log-probs reported under the plain softmax. */
    public static SamplingConfig greedy(int maxNewTokens, int eosId, int padId) {
        return new SamplingConfig(true, SamplingTransform.identity(), maxNewTokens, eosId, padId, true);
    }

    /** Sampling through {@code transform}. */
    public static SamplingConfig sample(SamplingTransform transform, int maxNewTokens, int eosId, int padId) {
        return new SamplingConfig(false, transform, maxNewTokens, eosId, padId, true);
    }

    /** Same config with the KV cache on or off. */
    public SamplingConfig withCache(boolean on) {
        return new SamplingConfig(greedy, transform, maxNewTokens, eosId, padId, on);
    }
}
