// DPO's and IPO's losses on summed sequence log-probs of chosen and rejected responses against π_ref.
package dev.plumbline.rlaif.rl;

import dev.plumbline.rlaif.reward.BradleyTerry;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;

import java.util.Arrays;
import java.util.Locale;

/**
 * The direct preference losses (Rafailov et al. 2023; IPO: Azar et al. 2023) as TRL's
 * OnlineDPOTrainer computes them, on whole-response log-probabilities (sums over the response
 * tokens, padding excluded):
 *
 * <pre>
 * // pw, pl: log π(y_w|x), log π(y_l|x) with gradient (P); rw, rl: the same under π_ref (P)
 * h      = (pw − rw) − (pl − rl)                 the implicit reward margin / β
 * DPO    L = mean −log σ(β·h)
 * IPO    L = mean (h − 1/(2β))²
 * rewards/chosen = β·(pw − rw), rewards/rejected = β·(pl − rl)
 * </pre>
 *
 * <pre>{@code
 * DpoLoss.Result l = DpoLoss.compute(pw, pl, rw, rl, 0.1f, DpoLoss.Type.SIGMOID);
 * l.loss().backward();
 * }</pre>
 */
public final class DpoLoss {
    private DpoLoss() {}

    /** Which loss: {@code sigmoid} (DPO) or {@code ipo}. */
    public enum Type {
        /** −log σ(β·h): DPO. */
        SIGMOID,
        /** (h − 1/(2β))²: IPO, which does not push the margin to infinity on deterministic preferences. */
        IPO;

        /** Parses {@code sigmoid} / {@code dpo} or {@code ipo} (case-insensitive). */
        public static Type parse(String s) {
            String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "sigmoid", "dpo" -> SIGMOID;
                case "ipo" -> IPO;
                default -> throw new IllegalArgumentException("unknown DPO loss type '" + s + "': expected sigmoid or ipo");
            };
        }
    }

    /**
     * The loss with TRL's diagnostics: mean implicit rewards of chosen and rejected, the fraction
     * of pairs whose chosen reward is higher, and the mean margin.
     */
    public record Result(Tensor loss, float rewardsChosen, float rewardsRejected, float accuracy, float margin) {}

    /**
     * @param chosen      log π(y_w|x) summed over response tokens, with gradient (P)
     * @param rejected    log π(y_l|x), with gradient (P)
     * @param refChosen   log π_ref(y_w|x) (P)
     * @param refRejected log π_ref(y_l|x) (P)
     * @param beta        β &gt; 0
     */
    public static Result compute(Tensor chosen, Tensor rejected, Tensor refChosen, Tensor refRejected, float beta,
                                 Type type) {
        if (!(beta > 0)) {
            throw new IllegalArgumentException("dpo: beta must be > 0, got " + beta);
        }
        for (Tensor t : new Tensor[] {rejected, refChosen, refRejected}) {
            if (chosen.dim() != 1 || !Arrays.equals(chosen.shape(), t.shape())) {
                throw new IllegalArgumentException("dpo: expected four log-prob vectors (P) of one shape, got chosen "
                        + Arrays.toString(chosen.shape()) + " and " + Arrays.toString(t.shape()));
            }
        }
        Tensor cw = chosen.sub(refChosen), cl = rejected.sub(refRejected);
        Tensor h = cw.sub(cl);                                                    // (P)
        Tensor loss = switch (type) {
            case SIGMOID -> BradleyTerry.logSigmoid(h.mul(beta)).neg().mean();
            case IPO -> h.sub(1f / (2f * beta)).square().mean();
        };
        float rc, rr, acc, margin;
        try (NoGrad ng = NoGrad.enter()) {
            Tensor bw = cw.mul(beta), bl = cl.mul(beta);
            rc = bw.mean().item();
            rr = bl.mean().item();
            acc = bw.gt(bl).mean().item();
            margin = bw.sub(bl).mean().item();
        }
        return new Result(loss, rc, rr, acc, margin);
    }
}
