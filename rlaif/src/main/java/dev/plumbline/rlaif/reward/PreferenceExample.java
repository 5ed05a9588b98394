// One training pair for the preference model, and the adapter from labeled preference records.
package dev.plumbline.rlaif.reward;

import dev.plumbline.rlaif.data.PreferenceRecord;
import dev.plumbline.rlaif.label.Preference;
import dev.plumbline.rlaif.task.GoldScorer;
import dev.plumbline.rlaif.task.TaskSuite;

import java.util.ArrayList;
import java.util.List;

/**
 * A labeled pair: the labeler prefers {@code chosen} over {@code rejected} with target probability
 * {@code labelTarget} (1 for an A/B label, 0.5 for a tie kept as a soft target).
 *
 * <pre>{@code
 * var ex = new PreferenceExample("12+34=", "46", "47", 1.0);        // gold agrees with the label
 * List<PreferenceExample> data = PreferenceExample.fromRecords(records, TiePolicy.SKIP, new GoldScorer());
 * }</pre>
 *
 * @param prompt           the prompt x
 * @param chosen           the response the labeler preferred (response A for a tie)
 * @param rejected         the other response (response B for a tie)
 * @param goldChosenBetter gold verdict when known: 1 chosen better, 0 rejected better, 0.5 equal; null when unknown
 * @param labelTarget      the labeler's target P(chosen ≻ rejected): 1, or 0.5 for a tie
 */
public record PreferenceExample(String prompt, String chosen, String rejected, Double goldChosenBetter,
                                double labelTarget) {

    /** What {@link #fromRecords} does with a TIE label. */
    public enum TiePolicy {
        /** Drop tied pairs (the default: a tie carries no direction). */
        SKIP,
        /** Keep them with target 0.5 (response A as "chosen"); the loss pulls f_a and f_b together. */
        HALF
    }

    public PreferenceExample {
        if (prompt == null || chosen == null || rejected == null) {
            throw new IllegalArgumentException("PreferenceExample: prompt, chosen and rejected must not be null");
        }
        if (goldChosenBetter != null && !(goldChosenBetter == 0 || goldChosenBetter == 0.5 || goldChosenBetter == 1)) {
            throw new IllegalArgumentException("PreferenceExample: goldChosenBetter must be 0, 0.5, 1 or null, got " + goldChosenBetter);
        }
        if (!(labelTarget == 1 || labelTarget == 0.5)) {
            throw new IllegalArgumentException("PreferenceExample: labelTarget must be 1 or 0.5, got " + labelTarget);
        }
    }

    /** A hard label (target 1): the labeler prefers {@code chosen}. */
    public PreferenceExample(String prompt, String chosen, String rejected, Double goldChosenBetter) {
        this(prompt, chosen, rejected, goldChosenBetter, 1.0);
    }

    /** Whether the labeler's label is a tie (soft target 0.5). */
    public boolean isTie() {
        return labelTarget == 0.5;
    }

    /**
     * Training examples from labeled records: FAILED records are skipped (they carry no label), TIE
     * records follow {@code ties}, A/B records become (chosen, rejected). With a {@code gold} scorer,
     * {@link #goldChosenBetter} is set for every prompt the built-in task parser recognises (1, 0 or
     * 0.5 by comparing gold scores) and left null otherwise.
     *
     * @param gold gold scorer, or null to leave gold unknown
     */
    public static List<PreferenceExample> fromRecords(List<PreferenceRecord> records, TiePolicy ties, GoldScorer gold) {
        if (records == null || ties == null) throw new IllegalArgumentException("fromRecords: records and ties must not be null");
        List<PreferenceExample> out = new ArrayList<>(records.size());
        for (PreferenceRecord r : records) {
            Preference label = r.label();
            if (label == Preference.FAILED) continue;
            if (label == Preference.TIE && ties == TiePolicy.SKIP) continue;
            String chosen, rejected;
            if (label == Preference.TIE) {
                chosen = r.responseA();
                rejected = r.responseB();
            } else {
                chosen = r.chosen() != null ? r.chosen() : label == Preference.A ? r.responseA() : r.responseB();
                rejected = r.rejected() != null ? r.rejected() : label == Preference.A ? r.responseB() : r.responseA();
            }
            if (chosen == null || rejected == null) {
                throw new IllegalArgumentException("fromRecords: record " + r.pairId() + " (label " + label
                        + ") lacks its responses");
            }
            out.add(new PreferenceExample(r.prompt(), chosen, rejected, goldVerdict(gold, r.prompt(), chosen, rejected),
                    label == Preference.TIE ? 0.5 : 1.0));
        }
        return out;
    }

    /** 1 / 0 / 0.5 by gold score of chosen vs rejected; null without a scorer or for a non-task prompt. */
    public static Double goldVerdict(GoldScorer gold, String prompt, String chosen, String rejected) {
        if (gold == null || TaskSuite.parse(prompt).isEmpty()) return null;
        double c = gold.score(prompt, stripEos(chosen)).score(), r = gold.score(prompt, stripEos(rejected)).score();
        return c > r ? 1.0 : c < r ? 0.0 : 0.5;
    }

    private static String stripEos(String s) {
        return s.substring(0, PreferenceModel.responseLength(s));
    }
}
