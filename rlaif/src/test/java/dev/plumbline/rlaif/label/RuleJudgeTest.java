// Each RuleJudge bias switch measurably does what it says, against hand-derived expectations.
package dev.plumbline.rlaif.label;

import static org.junit.jupiter.api.Assertions.*;

import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskSuite;
import dev.plumbline.testing.TestSeeds;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleJudgeTest {
    private static final int N = 4000;
    private static final Constitution CORRECTNESS_ONLY = new Constitution("correct-only",
            List.of(new Principle("Be correct.", Term.CORRECTNESS, 1.0)));
    private final long seed = TestSeeds.seed("RuleJudgeTest");
    private final TaskSuite suite = TaskSuite.builder().seed(seed).opinionRate(0).build();

    /** Fraction of N pairs (answer, answer) on which the judge picks A. */
    private double fractionA(RuleJudge judge, PairMaker maker) {
        int a = 0;
        for (int i = 0; i < N; i++) {
            Task t = suite.task(i);
            String[] ab = maker.make(t);
            if (judge.label(new LabelPair(i, t.prompt(), ab[0], ab[1])).preferred() == Preference.A) a++;
        }
        return a / (double) N;
    }

    interface PairMaker {
        String[] make(Task t);
    }

    private static final PairMaker EQUAL = t -> new String[] {t.answer(), t.answer()};
    private static final PairMaker RIGHT_VS_WRONG = t -> new String[] {t.answer(), t.answer() + "x"};

    @Test
    void positionBiasOnEqualPairsPrefersFirstByHalfP() {
        double none = fractionA(RuleJudge.builder().seed(seed).build(), EQUAL);
        double biased = fractionA(RuleJudge.builder().seed(seed).positionBias(0.3).build(), EQUAL);
        assertEquals(0.5, none, 0.03, "no position bias: equal pairs are a coin flip");
        assertEquals(0.5 + 0.3 / 2, biased, 0.03, "position bias 0.3: first wins 0.5 + 0.3/2");
    }

    @Test
    void noiseFlipsAboutEpsilonOfLabels() {
        RuleJudge clean = RuleJudge.builder().seed(seed).build();
        RuleJudge noisy = RuleJudge.builder().seed(seed).noise(0.2).build();
        int differ = 0;
        for (int i = 0; i < N; i++) {
            Task t = suite.task(i);
            String b = i % 2 == 0 ? t.answer() + " ok" : "x";
            LabelPair p = new LabelPair(i, t.prompt(), t.answer(), b);
            if (clean.label(p).preferred() != noisy.label(p).preferred()) differ++;
        }
        assertEquals(0.2, differ / (double) N, 0.025, "noise 0.2 flips about 20% of labels");
        // On clear pairs the noisy judge picks the wrong one about epsilon of the time.
        assertEquals(0.8, fractionA(noisy, RIGHT_VS_WRONG), 0.03, "clear pairs under noise");
    }

    @Test
    void lengthBiasPrefersLonger() {
        PairMaker shortVsLong = t -> new String[] {t.answer(), t.answer() + " ok"};
        RuleJudge unbiased = RuleJudge.builder().seed(seed).constitution(CORRECTNESS_ONLY).build();
        RuleJudge biased = RuleJudge.builder().seed(seed).constitution(CORRECTNESS_ONLY).lengthBias(1.0).build();
        assertEquals(0.5, fractionA(unbiased, shortVsLong), 0.03, "without length bias equal-correct pairs tie");
        double expectA = 1 / (1 + Math.exp(10 * 3 / 12.0)); // sB - sA = 1.0 * 3/12, sharpness 10
        assertEquals(expectA, fractionA(biased, shortVsLong), 0.03, "length bias prefers the longer response");
        double p = biased.label(new LabelPair(0, "12+34=", "46", "46 ok")).probabilityA();
        assertEquals(expectA, p, 1e-9, "probabilityA is the Bradley-Terry probability");
    }

    @Test
    void sycophancyRewardsAgreeingWithStatedOpinion() {
        TaskSuite wrongOpinions = TaskSuite.builder().seed(seed).opinionRate(1).opinionCorrectRate(0).build();
        RuleJudge honest = RuleJudge.builder().seed(seed).build();
        RuleJudge sycophant = RuleJudge.builder().seed(seed).sycophancy(2.0).build();
        int honestPicksRight = 0, sycophantPicksOpinion = 0;
        for (int i = 0; i < 500; i++) {
            Task t = wrongOpinions.task(i);
            LabelPair p = new LabelPair(i, t.prompt(), t.answer(), t.statedOpinion());
            if (honest.label(p).preferred() == Preference.A) honestPicksRight++;
            if (sycophant.label(p).preferred() == Preference.B) sycophantPicksOpinion++;
        }
        assertTrue(honestPicksRight > 490, "honest judge prefers the right answer: " + honestPicksRight);
        assertTrue(sycophantPicksOpinion > 490, "sycophantic judge prefers the stated opinion: " + sycophantPicksOpinion);
    }

    @Test
    void misjudgeRateLowersAccuracyToOneMinusRate() {
        // P(right wins) = (1-m)^2 (both seen right) + 2m(1-m) * 1/2 (one flipped, tie) = 1 - m
        RuleJudge judge = RuleJudge.builder().seed(seed).constitution(CORRECTNESS_ONLY).sharpness(50).misjudgeRate(0.2).build();
        assertEquals(0.8, fractionA(judge, RIGHT_VS_WRONG), 0.03, "misjudge rate 0.2");
    }

    @Test
    void driftChangesWeightsOverSteps() {
        RuleJudge linear = RuleJudge.builder().seed(seed)
                .drift(new Drift(Term.AGREEMENT, 2.0, 100, 300, Drift.Shape.LINEAR)).build();
        assertEquals(0.0, linear.weightAt(Term.AGREEMENT, 50), 1e-12, "before the drift");
        assertEquals(1.0, linear.weightAt(Term.AGREEMENT, 200), 1e-12, "halfway");
        assertEquals(2.0, linear.weightAt(Term.AGREEMENT, 1000), 1e-12, "after");
        RuleJudge abrupt = RuleJudge.builder().seed(seed)
                .drift(new Drift(Term.CORRECTNESS, 0.0, 10, 10, Drift.Shape.ABRUPT)).build();
        assertEquals(1.0, abrupt.weightAt(Term.CORRECTNESS, 9), 1e-12, "before the jump");
        assertEquals(0.0, abrupt.weightAt(Term.CORRECTNESS, 10), 1e-12, "at the jump");

        LabelPair early = new LabelPair(0, "12+34= I think 47.", "46", "47");
        LabelPair late = new LabelPair(5000, "12+34= I think 47.", "46", "47");
        assertTrue(linear.label(early).probabilityA() > 0.99, "early: right answer preferred");
        assertTrue(linear.label(late).probabilityA() < 0.01, "late: sycophantic answer preferred");
    }

    @Test
    void deterministicGivenSeedAndPairIndex() {
        RuleJudge a = RuleJudge.builder().seed(seed).positionBias(0.2).noise(0.1).build();
        RuleJudge b = RuleJudge.builder().seed(seed).positionBias(0.2).noise(0.1).build();
        for (int i = 0; i < 300; i++) {
            Task t = suite.task(i);
            LabelPair p = new LabelPair(i, t.prompt(), t.answer(), t.answer());
            assertEquals(a.label(p), b.label(p), "pair " + i);
        }
        // Order of calls does not matter: pair 7 alone equals pair 7 after others.
        LabelPair p7 = new LabelPair(7, suite.task(7).prompt(), "x", "y");
        assertEquals(RuleJudge.builder().seed(seed).noise(0.1).build().label(p7),
                RuleJudge.builder().seed(seed).noise(0.1).build().label(p7), "label depends on the pair, not history");
    }

    @Test
    void unknownPromptIsARecordedFailure() {
        Judgement j = RuleJudge.builder().build().label("write a poem", "a", "b");
        assertEquals(Preference.FAILED, j.preferred(), "cannot judge free text");
        assertNotNull(j.failureReason(), "failure has a reason");
        assertNull(j.probabilityA(), "no probability on failure");
    }
}
