// What training a preference model produced: the loss curve, held-out agreement with labeler and gold, calibration.
package dev.plumbline.rlaif.reward;

import java.util.List;

/**
 * The result of {@link PreferenceModelTrainer#train}.
 *
 * <pre>{@code
 * PreferenceModelReport r = new PreferenceModelTrainer(cfg).train(pm, examples);
 * r.heldOut().accuracy();          // agreement with the labeler on held-out pairs
 * r.heldOut().goldAccuracy();      // agreement with gold, NaN when gold is unknown
 * r.heldOut().calibration().ece(); // 10-bin expected calibration error of P(chosen)
 * }</pre>
 *
 * @param trainLoss    mean BT loss of each optimizer step, in order
 * @param epochLoss    mean BT loss of each epoch
 * @param trainPairs   pairs trained on
 * @param steps        optimizer steps taken
 * @param before       held-out evaluation before training (null when nothing is held out)
 * @param heldOut      held-out evaluation after training (null when nothing is held out)
 * @param seconds      wall time of the whole call, evaluations included
 */
public record PreferenceModelReport(List<Double> trainLoss, List<Double> epochLoss, int trainPairs, int steps,
                                    PreferenceEvaluation before, PreferenceEvaluation heldOut, double seconds) {
    public PreferenceModelReport {
        trainLoss = List.copyOf(trainLoss);
        epochLoss = List.copyOf(epochLoss);
    }

    /** Pairs held out (0 when none). */
    public int heldOutPairs() {
        return heldOut == null ? 0 : heldOut.pairs();
    }

    /** One line for logs. */
    public String summary() {
        String h = heldOut == null ? "no held-out pairs"
                : String.format("held-out %d: acc %.3f (before %.3f), gold acc %.3f on %d, ECE %.3f, loss %.4f",
                heldOut.pairs(), heldOut.accuracy(), before.accuracy(), heldOut.goldAccuracy(), heldOut.goldPairs(),
                heldOut.calibration().ece(), heldOut.loss());
        return String.format("pθ: %d pairs, %d steps, final train loss %.4f, %s, %.1fs", trainPairs, steps,
                trainLoss.isEmpty() ? Double.NaN : trainLoss.get(trainLoss.size() - 1), h, seconds);
    }
}
