package dev.plumbline.rlaif.reward;

import dev.plumbline.tensor.Tensor;

/**
 * The Bradley–Terry preference model: P(y_w ≻ y_l | x) = σ(f(x, y_w) − f(x, y_l)), trained with
 * the loss −log σ(f_w − f_l − m) (an optional margin m, as in Llama 2's reward model).
 *
 * <pre>{@code
 * Tensor loss = BradleyTerry.loss(scoresChosen, scoresRejected, 0f);   // scalar
 * loss.backward();
 * }</pre>
 */
public final class BradleyTerry {
    private BradleyTerry() {}

    /** log σ(x), stable for large |x|: min(x, 0) − log(1 + e^(−|x|)). */
    public static Tensor logSigmoid(Tensor x) {
        return x.clampMax(0f).sub(x.abs().neg().exp().add(1f).log());
    }

    /**
     * Mean loss over the batch.
     *
     * @param chosen   f(x, y_w), (B)
     * @param rejected f(x, y_l), (B)
     * @param margin   required score gap m ≥ 0
     */
    public static Tensor loss(Tensor chosen, Tensor rejected, float margin) {
        if (!java.util.Arrays.equals(chosen.shape(), rejected.shape())) {
            throw new IllegalArgumentException("bradleyTerry: chosen " + java.util.Arrays.toString(chosen.shape())
                    + " and rejected " + java.util.Arrays.toString(rejected.shape()) + " scores differ in shape");
        }
        Tensor d = chosen.sub(rejected);
        if (margin != 0f) {
            d = d.sub(margin);
        }
        return logSigmoid(d).neg().mean();
    }

    /** P(chosen ≻ rejected) = σ(f_w − f_l), elementwise. */
    public static Tensor probability(Tensor chosen, Tensor rejected) {
        return chosen.sub(rejected).sigmoid();
    }
}
