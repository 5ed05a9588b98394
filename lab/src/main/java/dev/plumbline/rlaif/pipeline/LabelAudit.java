// How far the AI labeler's preferences agree with gold, and how often it picks the first position.
package dev.plumbline.rlaif.pipeline;

import dev.plumbline.rlaif.data.PreferenceRecord;
import dev.plumbline.rlaif.label.Preference;
import dev.plumbline.rlaif.task.GoldScorer;

import java.util.List;

/**
 * A quick audit of labels against the gold scorer.
 *
 * @param agreementWithGold fraction of decisive pairs (gold prefers one response) where the labeler chose the
 *                          gold-better response
 * @param decisivePairs     pairs where gold scores differ and the labeler gave A or B
 * @param firstPositionRate fraction of A/B labels that chose the first-shown response (A)
 */
public record LabelAudit(double agreementWithGold, int decisivePairs, double firstPositionRate) {

    /** Audits preference records. */
    public static LabelAudit of(GoldScorer gold, List<PreferenceRecord> records) {
        int decisive = 0, agree = 0, ab = 0, first = 0;
        for (PreferenceRecord r : records) {
            if (r.label() != Preference.A && r.label() != Preference.B) {
                continue;
            }
            ab++;
            first += r.label() == Preference.A ? 1 : 0;
            double ga = gold.score(r.prompt(), r.responseA()).score();
            double gb = gold.score(r.prompt(), r.responseB()).score();
            if (ga == gb) {
                continue;
            }
            decisive++;
            boolean labelerA = r.label() == Preference.A;
            agree += (ga > gb) == labelerA ? 1 : 0;
        }
        return new LabelAudit(decisive == 0 ? Double.NaN : (double) agree / decisive, decisive,
                ab == 0 ? Double.NaN : (double) first / ab);
    }
}
