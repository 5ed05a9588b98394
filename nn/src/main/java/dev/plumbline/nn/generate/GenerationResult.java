package dev.plumbline.nn.generate;

import dev.plumbline.tensor.Tensor;

/**
 * What {@link Sampler#generate} returns. With Tp the padded prompt length and N the number of
 * decoding steps taken (≤ maxNewTokens; fewer when every row hit EOS):
 *
 * @param sequences      (B, Tp + N) I32: left-padded prompt then response (PAD after a row's EOS)
 * @param attentionMask  (B, Tp + N) F32: 1 for real prompt and response tokens
 * @param positionIds    (B, Tp + N) I32: the positions the tokens were generated at
 * @param promptLength   Tp
 * @param responses      (B, N) I32: the response part of {@code sequences}
 * @param responseMask   (B, N) F32: 1 for generated tokens (the EOS included), 0 after
 * @param logProbs       (B, N) F32: each sampled token's log-prob under the config's
 *                       {@link SamplingTransform}; 0 where the mask is 0
 * @param responseLengths generated tokens per row
 */
public record GenerationResult(Tensor sequences, Tensor attentionMask, Tensor positionIds, int promptLength,
                               Tensor responses, Tensor responseMask, Tensor logProbs, int[] responseLengths) {

    /** Rows B. */
    public int batch() {
        return responses.size(0);
    }

    /** Decoding steps N. */
    public int steps() {
        return responses.size(1);
    }

    /** Row r's generated tokens (without padding). */
    public int[] response(int r) {
        int n = steps();
        int[] all = responses.toIntArray();
        return java.util.Arrays.copyOfRange(all, r * n, r * n + responseLengths[r]);
    }
}
