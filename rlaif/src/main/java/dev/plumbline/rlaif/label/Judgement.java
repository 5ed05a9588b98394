// The result of labeling one pair, with everything needed to audit it later.
package dev.plumbline.rlaif.label;

import java.util.List;

/**
 * A labeler's verdict on one pair.
 *
 * <pre>{@code
 * Judgement j = labeler.label(new LabelPair(0, "12+34=", "46", "47"));
 * if (j.preferred() == Preference.FAILED) log(j.failureReason());
 * else if (j.probabilityA() != null) useSoftLabel(j.probabilityA());
 * }</pre>
 *
 * @param preferred     A, B, TIE, or FAILED
 * @param probabilityA  the labeler's probability that A is better, or {@code null} if it has none
 * @param raw           each judge call made, in the order made (one per order shown)
 * @param failureReason why the label failed; {@code null} unless {@code preferred} is FAILED
 */
public record Judgement(Preference preferred, Double probabilityA, List<RawJudgement> raw, String failureReason) {

    public Judgement {
        raw = List.copyOf(raw);
        if ((preferred == Preference.FAILED) != (failureReason != null)) {
            throw new IllegalArgumentException("failureReason must be set exactly when the judgement FAILED");
        }
        if (probabilityA != null && !(probabilityA >= 0 && probabilityA <= 1)) {
            throw new IllegalArgumentException("probabilityA must be in [0, 1], got " + probabilityA);
        }
    }

    /** A failed judgement: no label, a reason, and whatever raw calls were made. */
    public static Judgement failed(String reason, List<RawJudgement> raw) {
        return new Judgement(Preference.FAILED, null, raw, reason);
    }

    /** Whether this judgement carries a usable label (A, B or TIE). */
    public boolean succeeded() {
        return preferred != Preference.FAILED;
    }
}
