// The outcome of one labeling: which response was preferred, or why there is no label.
package dev.plumbline.rlaif.label;

/** Which response of a pair a labeler preferred. {@code A} and {@code B} refer to the pair as given, not as shown. */
public enum Preference {
    /** Response A is better. */
    A,
    /** Response B is better. */
    B,
    /** The labeler judged them equal, or its judgements in the two orders disagreed. */
    TIE,
    /** No label: the labeler failed (see {@link Judgement#failureReason()}). Never train on it. */
    FAILED
}
