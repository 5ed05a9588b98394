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
        // min(x, 0) − log(1 + e^−|x|) written with min(x, 0) = (x − |x|)/2: the same values (halving
        // is exact), but the |x| terms' gradients cancel at x = 0 (−1/2 + σ(0) = 0), so the slope
        // there is 1/2 = σ(−0) like everywhere else's σ(−x), not clampMax's 1 at its kink
        Tensor a = x.abs();
        return x.mul(0.5f).sub(a.mul(0.5f).add(a.neg().exp().add(1f).log()));
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

    /**
     * Mean loss with a per-pair target and margin: with d = f_w − f_l − m,
     * {@code −[t·log σ(d) + (1 − t)·log σ(−d)]}; t = 1 is {@link #loss(Tensor, Tensor, float)}, t = 0.5
     * (a tie) pulls the two scores together.
     *
     * <pre>{@code
     * Tensor loss = BradleyTerry.loss(fw, fl, Tensor.fromArray(new float[] {1, 0.5f}, 2), Tensor.zeros(2));
     * }</pre>
     *
     * @param chosen   f(x, y_w), (B)
     * @param rejected f(x, y_l), (B)
     * @param target   t in [0, 1], (B)
     * @param margin   m per pair, (B)
     */
    public static Tensor loss(Tensor chosen, Tensor rejected, Tensor target, Tensor margin) {
        for (Tensor t : new Tensor[] {rejected, target, margin}) {
            if (!java.util.Arrays.equals(chosen.shape(), t.shape())) {
                throw new IllegalArgumentException("bradleyTerry: chosen " + java.util.Arrays.toString(chosen.shape())
                        + " and rejected/target/margin " + java.util.Arrays.toString(t.shape()) + " differ in shape");
            }
        }
        Tensor d = chosen.sub(rejected).sub(margin);
        Tensor win = target.mul(logSigmoid(d));
        Tensor lose = target.neg().add(1f).mul(logSigmoid(d.neg()));
        return win.add(lose).neg().mean();
    }

    /** P(chosen ≻ rejected) = σ(f_w − f_l), elementwise. */
    public static Tensor probability(Tensor chosen, Tensor rejected) {
        return chosen.sub(rejected).sigmoid();
    }
}
