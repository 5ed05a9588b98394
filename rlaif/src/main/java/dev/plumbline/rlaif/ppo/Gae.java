package dev.plumbline.rlaif.ppo;

/**
 * Generalised advantage estimation (Schulman et al., 2016) over response tokens.
 *
 * <pre>
 * δ_t = r_t + γ·V_{t+1} − V_t          (V past the last response token is 0)
 * A_t = δ_t + γλ·A_{t+1}
 * R_t = A_t + V_t                      (the value target)
 * </pre>
 * Computed on the host: a backward recurrence over at most a few hundred tokens per row.
 *
 * <pre>{@code
 * Gae.Result r = Gae.compute(rewards, values, mask, 1.0f, 0.95f, batch, time);
 * }</pre>
 */
public final class Gae {
    private Gae() {}

    /** Advantages and returns, row-major (B, T), zero where the mask is zero. */
    public record Result(float[] advantages, float[] returns) {}

    /**
     * @param rewards per-token rewards (B·T), row-major
     * @param values  value estimates (B·T)
     * @param mask    1 for response tokens, 0 for padding after the response ends (B·T)
     * @param gamma   discount γ
     * @param lambda  GAE λ
     */
    public static Result compute(float[] rewards, float[] values, float[] mask, float gamma, float lambda, int b, int t) {
        if (rewards.length != b * t || values.length != b * t || mask.length != b * t) {
            throw new IllegalArgumentException("gae: rewards, values and mask must each have B*T = " + b * t
                    + " elements, got " + rewards.length + ", " + values.length + ", " + mask.length);
        }
        float[] adv = new float[b * t];
        float[] ret = new float[b * t];
        for (int row = 0; row < b; row++) {
            float next = 0f, lastGae = 0f;
            for (int i = t - 1; i >= 0; i--) {
                int k = row * t + i;
                if (mask[k] == 0f) {
                    next = 0f;
                    lastGae = 0f;
                    continue;
                }
                float delta = rewards[k] + gamma * next - values[k];
                lastGae = delta + gamma * lambda * lastGae;
                adv[k] = lastGae;
                ret[k] = lastGae + values[k];
                next = values[k];
            }
        }
        return new Result(adv, ret);
    }
}
