package dev.plumbline.rlaif.label;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class RuleJudgeTieTest {
    private static final String PROMPT = "up abc";

    @Test
    void equalResponsesTieOnlyWithAMargin() {
        RuleJudge plain = RuleJudge.builder().seed(3).build();
        RuleJudge tying = RuleJudge.builder().seed(3).tieMargin(0.05).build();
        int ties = 0;
        for (int i = 0; i < 200; i++) {
            // both wrong, same length and padding: perceived scores are equal
            Judgement p = plain.label(new LabelPair(i, PROMPT, "ABD", "ABE"));
            assertNotEquals(Preference.TIE, p.preferred(), "without a margin the judge never ties");
            Judgement t = tying.label(new LabelPair(i, PROMPT, "ABD", "ABE"));
            assertEquals(Preference.TIE, t.preferred());
            assertEquals(0.5, t.probabilityA());
            ties++;
        }
        assertEquals(200, ties);
        // a real difference (correct vs wrong) is still judged
        Judgement j = tying.label(new LabelPair(0, PROMPT, "ABC", "ABE"));
        assertEquals(Preference.A, j.preferred());
        assertEquals(0.05, tying.settings().get("tie_margin"));
        var e = assertThrows(IllegalArgumentException.class, () -> RuleJudge.builder().tieMargin(-1));
        assertTrue(e.getMessage().contains("tieMargin"), e.getMessage());
    }

    @Test
    void positionBiasStillOverridesATie() {
        RuleJudge j = RuleJudge.builder().seed(5).tieMargin(0.05).positionBias(1.0).build();
        assertEquals(Preference.A, j.label(new LabelPair(1, PROMPT, "ABD", "ABE")).preferred());
    }
}
