// LabelerAudit: every measure on four hand-checked pairs, then recovery of biases injected into RuleJudge.
package dev.plumbline.rlaif.audit;

import static org.junit.jupiter.api.Assertions.*;

import dev.plumbline.rlaif.label.Constitution;
import dev.plumbline.rlaif.label.Judgement;
import dev.plumbline.rlaif.label.LabelPair;
import dev.plumbline.rlaif.label.Preference;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import dev.plumbline.rlaif.label.Principle;
import dev.plumbline.rlaif.label.RuleJudge;
import dev.plumbline.rlaif.label.Term;
import dev.plumbline.rlaif.task.GoldScorer;
import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskSuite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LabelerAuditTest {
    private static final GoldScorer GOLD = new GoldScorer();
    private static final TaskSuite SUITE = TaskSuite.builder().seed(5).opinionRate(0).build();

    /** A labeler answering by a fixed rule on the pair as shown. */
    private record Scripted(String id, Function<LabelPair, Preference> rule) implements PreferenceLabeler {
        @Override
        public Judgement label(LabelPair pair) {
            return new Judgement(rule.apply(pair), null, List.of(), null);
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public String templateId() {
            return id;
        }

        @Override
        public Map<String, Object> settings() {
            return Map.of();
        }
    }

    private static final PreferenceLabeler ALWAYS_FIRST = new Scripted("first", p -> Preference.A);

    /** Picks the gold-better response; between gold-equal ones the longer; equal length: TIE. */
    private static final PreferenceLabeler ORACLE = new Scripted("oracle", p -> {
        int g = LabelerAudit.goldSign(GOLD, p.prompt(), p.responseA(), p.responseB());
        if (g != 0) return g > 0 ? Preference.A : Preference.B;
        int d = p.responseA().length() - p.responseB().length();
        return d > 0 ? Preference.A : d < 0 ? Preference.B : Preference.TIE;
    });

    /**
     * p0 (right, wrong): gold A; p1 (wrong, right): gold B; p2 ("z"+x, "zzz"+x): gold equal, B longer by 2;
     * p3 ("z"+x, "y"+x): gold equal, same length.
     */
    private static List<LabelPair> fourPairs() {
        Task t = SUITE.task(0);
        String x = t.answer(), q = t.prompt();
        return List.of(new LabelPair(0, q, x, "z" + x), new LabelPair(1, q, "z" + x, x),
                new LabelPair(2, q, "z" + x, "zzz" + x), new LabelPair(3, q, "z" + x, "y" + x));
    }

    @Test
    void alwaysFirstLabelerOnFourPairs() {
        LabelerAudit a = LabelerAudit.of(ALWAYS_FIRST, fourPairs(), GOLD, LabelerAudit.Options.defaults());
        assertEquals(4, a.pairs(), "pairs");
        assertEquals(2, a.goldDecidedPairs(), "p0, p1 are gold-decided");
        assertEquals(2, a.goldEqualPairs(), "p2, p3 are gold-equal");
        assertEquals(12, a.queries(), "3 queries per pair without an alternative");
        assertEquals(Proportion.of(1, 2), a.agreementWithGold(), "A is right on p0 only");
        assertEquals(Proportion.of(8, 8), a.firstPosition(), "first shown always picked, both orders");
        assertEquals(Proportion.of(4, 4), a.firstPositionGoldEqual(), "p2, p3 in both orders");
        assertEquals(Proportion.of(4, 4), a.orderInconsistency(), "same position in both orders on every pair");
        assertEquals(Proportion.of(2, 2), a.orderInconsistencyGoldDecisive(), "p0, p1");
        // p2: shown (z, zzz) picks the shorter, shown (zzz, z) picks the longer
        assertEquals(Proportion.of(1, 2), a.longerPreferredGoldEqual(), "p2 only; p3 has equal lengths");
        assertEquals(Proportion.of(1, 2), a.lengthBins().get(1).longerPreferred(), "bin '2' holds p2");
        assertEquals("2", a.lengthBins().get(1).label(), "second bin label");
        assertEquals(0, a.lengthBins().get(0).longerPreferred().n(), "bin '1' is empty");
        assertEquals(Proportion.of(4, 4), a.selfAgreement(), "deterministic labeler agrees with itself");
        assertEquals(0.0, a.noiseFromRepeats().epsilon(), 0, "no disagreement between repeats: ε = 0");
        assertEquals(0.5, a.noiseFromOrders().epsilon(), 0, "orders always disagree in content: ε caps at 1/2");
        assertNull(a.templateAgreement(), "no alternative labeler");
    }

    @Test
    void oracleLabelerWithAlternativeTemplate() {
        LabelerAudit a = LabelerAudit.of(ORACLE, fourPairs(), GOLD, LabelerAudit.Options.defaults().withAlternative(ALWAYS_FIRST));
        assertEquals(16, a.queries(), "4 queries per pair with an alternative");
        assertEquals(3, a.ties(), "p3 is a tie in queries 0, 1, 2 (the alternative always answers)");
        assertEquals(Proportion.of(2, 2), a.agreementWithGold(), "oracle agrees with gold");
        // decisive queries: p0 (A, A), p1 (B, B), p2 (B, B); first shown is A in q0, B in q1 → 3 of 6
        assertEquals(Proportion.of(3, 6), a.firstPosition(), "content cancels across orders");
        assertEquals(Proportion.of(1, 2), a.firstPositionGoldEqual(), "p2: first in q1 only");
        assertEquals(Proportion.of(0, 3), a.orderInconsistency(), "content-consistent on p0, p1, p2");
        assertEquals(Proportion.of(2, 2), a.longerPreferredGoldEqual(), "longer picked in both orders");
        assertEquals(Proportion.of(3, 3), a.selfAgreement(), "p3 ties are not counted");
        // q0 oracle A, B, B (p3 tie) vs always-first A, A, A → agree on p0 only
        assertEquals(Proportion.of(1, 3), a.templateAgreement(), "template agreement on decisive pairs");
        assertEquals("first", a.alternativeTemplateId(), "alternative template recorded");
    }

    // ---- injected biases: RuleJudge with known settings, thousands of labels ----

    /** Clear pairs: the right answer vs a near miss of the same shape, in random order. */
    private static List<LabelPair> clearPairs(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<LabelPair> out = new ArrayList<>(n);
        for (Task t : SUITE.tasks(1000, n)) {
            String right = t.answer(), wrong = TaskSuite.wrongAnswer(t, rng);
            boolean rightFirst = rng.nextBoolean();
            out.add(new LabelPair(out.size(), t.prompt(), rightFirst ? right : wrong, rightFirst ? wrong : right));
        }
        return out;
    }

    /** Gold-equal pairs: two wrong answers "z"+x and "y"+x of the same length (or lengths 1+x vs k+x). */
    private static List<LabelPair> equalPairs(int n, int extraOnLonger, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<LabelPair> out = new ArrayList<>(n);
        for (Task t : SUITE.tasks(5000, n)) {
            String a = "z" + t.answer(), b = "y".repeat(1 + extraOnLonger) + t.answer();
            boolean swap = rng.nextBoolean();
            out.add(new LabelPair(out.size(), t.prompt(), swap ? b : a, swap ? a : b));
        }
        return out;
    }

    private static final Constitution CORRECTNESS_ONLY = new Constitution("correctness-only",
            List.of(new Principle("The answer must be correct.", Term.CORRECTNESS, 1.0)));

    @Test
    void injectedPositionBiasIsRecovered() {
        double p = 0.3;
        RuleJudge judge = RuleJudge.builder().seed(11).positionBias(p).build();
        LabelerAudit equal = LabelerAudit.of(judge, equalPairs(1500, 0, 1), GOLD, LabelerAudit.Options.defaults());
        Proportion first = equal.firstPositionGoldEqual();
        assertTrue(first.covers(0.5 + p / 2), "first-position rate on equal pairs ≈ 0.5 + p/2 = 0.65: " + first.format());
        LabelerAudit clear = LabelerAudit.of(judge, clearPairs(1500, 2), GOLD, LabelerAudit.Options.defaults());
        Proportion inc = clear.orderInconsistencyGoldDecisive();
        assertTrue(inc.covers(p), "both-orders inconsistency on clear pairs ≈ p = 0.3: " + inc.format());
        assertTrue(clear.firstPosition().covers(0.5 + p / 2), "content cancels on all pairs too: " + clear.firstPosition().format());

        LabelerAudit fair = LabelerAudit.of(RuleJudge.builder().seed(11).build(), clearPairs(1500, 2), GOLD,
                LabelerAudit.Options.defaults());
        assertTrue(fair.orderInconsistencyGoldDecisive().hi() < 0.01,
                "no bias, sharp judge: almost never inconsistent: " + fair.orderInconsistencyGoldDecisive().format());
        assertTrue(fair.firstPosition().covers(0.5), "no bias: first position ≈ 0.5: " + fair.firstPosition().format());
    }

    @Test
    void injectedNoiseIsRecovered() {
        double eps = 0.1;
        RuleJudge judge = RuleJudge.builder().seed(12).noise(eps).build();
        LabelerAudit a = LabelerAudit.of(judge, clearPairs(2000, 3), GOLD, LabelerAudit.Options.defaults());
        NoiseEstimate e = a.noiseFromRepeats();
        assertTrue(e.lo() <= eps && eps <= e.hi() && Math.abs(e.epsilon() - eps) < 0.03,
                "estimated noise ≈ ε = 0.1: " + e.format() + " from disagreement " + e.disagreement().format());
        // without position bias, order inconsistency measures the same flips
        assertTrue(a.noiseFromOrders().lo() <= eps && eps <= a.noiseFromOrders().hi(),
                "noise from orders ≈ ε without position bias: " + a.noiseFromOrders().format());
        assertTrue(a.agreementWithGold().covers(1 - eps), "gold agreement ≈ 1 - ε: " + a.agreementWithGold().format());
    }

    @Test
    void injectedLengthBiasIsRecovered() {
        List<LabelPair> pairs = equalPairs(1500, 3, 4);       // longer by 3 characters, gold equal
        RuleJudge biased = RuleJudge.builder().seed(13).constitution(CORRECTNESS_ONLY).lengthBias(1.0).build();
        LabelerAudit a = LabelerAudit.of(biased, pairs, GOLD, LabelerAudit.Options.defaults());
        // LENGTH term differs by 3/12: P(longer) = sigmoid(10 · 0.25) = 0.924
        assertTrue(a.longerPreferredGoldEqual().lo() > 0.5, "length bias on: longer preferred: " + a.longerPreferredGoldEqual().format());
        assertTrue(a.longerPreferredGoldEqual().covers(1 / (1 + Math.exp(-2.5))), "≈ sigmoid(2.5): " + a.longerPreferredGoldEqual().format());
        assertEquals(a.longerPreferredGoldEqual(), a.lengthBins().get(2).longerPreferred(), "all pairs fall in bin '3-4'");

        RuleJudge fair = RuleJudge.builder().seed(13).constitution(CORRECTNESS_ONLY).build();
        LabelerAudit b = LabelerAudit.of(fair, pairs, GOLD, LabelerAudit.Options.defaults());
        assertTrue(b.longerPreferredGoldEqual().covers(0.5), "length bias off: ≈ 0.5: " + b.longerPreferredGoldEqual().format());
    }

    @Test
    void templateSensitivityComparesOnCommonRandomness() {
        List<LabelPair> pairs = clearPairs(300, 5);
        RuleJudge a = RuleJudge.builder().seed(14).noise(0.2).build();
        RuleJudge same = RuleJudge.builder().seed(14).noise(0.2).build();
        LabelerAudit identical = LabelerAudit.of(a, pairs, GOLD, LabelerAudit.Options.defaults().withAlternative(same));
        assertEquals(identical.templateAgreement().n(), identical.templateAgreement().count(),
                "same judge, same randomness: full agreement despite noise: " + identical.templateAgreement().format());
        assertTrue(identical.selfAgreement().rate() < 0.8, "while its repeats disagree: " + identical.selfAgreement().format());
    }
}
