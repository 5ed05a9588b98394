// The adapter from labeled records: FAILED skipped, TIE skipped or kept at 0.5, gold computed independently.
package dev.plumbline.rlaif.reward;

import dev.plumbline.rlaif.data.PreferenceRecord;
import dev.plumbline.rlaif.label.Preference;
import dev.plumbline.rlaif.task.GoldScorer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PreferenceExampleTest {

    static PreferenceRecord rec(String id, String prompt, String a, String b, Preference label) {
        String chosen = label == Preference.A ? a : label == Preference.B ? b : null;
        String rejected = label == Preference.A ? b : label == Preference.B ? a : null;
        return new PreferenceRecord(id, 0, prompt, a, b, label, chosen, rejected, null, "test", "1", "t",
                List.of("AB"), List.of(), label == Preference.FAILED ? "broken" : null, "2024-01-01T00:00:00Z", null);
    }

    @Test
    void adaptsRecords() {
        var records = List.of(
                rec("1", "12+34=", "46", "47", Preference.A),
                rec("2", "12+34=", "46", "47", Preference.B),     // the labeler was wrong: gold says rejected is better
                rec("3", "12+34=", "46", "46", Preference.TIE),
                rec("4", "12+34=", "46", "47", Preference.FAILED),
                rec("5", "hello there", "a", "b", Preference.A));
        var skip = PreferenceExample.fromRecords(records, PreferenceExample.TiePolicy.SKIP, new GoldScorer());
        assertEquals(3, skip.size(), "FAILED and TIE skipped");
        assertEquals(new PreferenceExample("12+34=", "46", "47", 1.0), skip.get(0), "A label, gold agrees");
        assertEquals(new PreferenceExample("12+34=", "47", "46", 0.0), skip.get(1), "B label, gold disagrees");
        assertNull(skip.get(2).goldChosenBetter(), "gold unknown for a non-task prompt");
        var half = PreferenceExample.fromRecords(records, PreferenceExample.TiePolicy.HALF, null);
        assertEquals(4, half.size(), "TIE kept");
        assertEquals(new PreferenceExample("12+34=", "46", "46", null, 0.5), half.get(2), "tie: target 0.5, A as chosen");
        assertNull(half.get(0).goldChosenBetter(), "no gold scorer, no gold");
    }
}
