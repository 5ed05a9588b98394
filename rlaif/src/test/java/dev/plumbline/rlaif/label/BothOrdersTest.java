// BothOrders: a purely positional judge ties everywhere, an unbiased one keeps its decisive labels,
// failures propagate with their order, probabilities are mapped back, and labelAll batches once.
package dev.plumbline.rlaif.label;

import static org.junit.jupiter.api.Assertions.*;

import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskSuite;
import dev.plumbline.testing.TestSeeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class BothOrdersTest {
    private static final int N = 600;
    private final long seed = TestSeeds.seed("BothOrdersTest");
    private final TaskSuite suite = TaskSuite.builder().seed(seed).opinionRate(0.3).build();

    /** A mix of pairs: right vs padded, right vs wrong, equal, wrong vs right, in both positions. */
    private List<LabelPair> pairs() {
        List<LabelPair> out = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            Task t = suite.task(i);
            String x = t.answer();
            String[] ab = switch (i % 4) {
                case 0 -> new String[] {x, x + " ok"};
                case 1 -> new String[] {x + "z", x};
                case 2 -> new String[] {x, x};
                default -> new String[] {"q", x + " yes"};
            };
            out.add(new LabelPair(i, t.prompt(), ab[0], ab[1]));
        }
        return out;
    }

    @Test
    void alwaysFirstJudgeTiesOnEveryPair() {
        RuleJudge first = RuleJudge.builder().seed(seed).positionBias(1.0).build();
        BothOrders both = new BothOrders(first);
        for (LabelPair p : pairs()) {
            assertEquals(Preference.A, first.label(p).preferred(), "position bias 1: the plain judge always says A");
            Judgement j = both.label(p);
            assertEquals(Preference.TIE, j.preferred(), "both orders cancel a purely positional pick, pair " + p);
            assertEquals(0.5, j.probabilityA(), 0.0, "a tie from disagreeing orders has probability 0.5");
            assertEquals(List.of("AB", "BA"), j.raw().stream().map(RawJudgement::order).toList(), "both calls recorded");
            assertEquals(List.of(Preference.A, Preference.B), j.raw().stream().map(RawJudgement::parsed).toList(),
                    "the second call picked the shown-first response, which is B of the pair");
        }
    }

    @Test
    void unbiasedJudgeKeepsItsDecisiveLabels() {
        RuleJudge plain = RuleJudge.builder().seed(seed).sharpness(1000).build();   // positionBias 0, noise 0
        BothOrders both = new BothOrders(plain);
        int decisive = 0;
        for (LabelPair p : pairs()) {
            Judgement j0 = plain.label(p);
            if (j0.preferred() != Preference.A && j0.preferred() != Preference.B) continue;
            // decisive: a sharp judge's p rounds to exactly 1 or 0 where the scores differ, so its pick is
            // certain; on equal scores its coin may land either way in each order
            if (j0.probabilityA() != 1.0 && j0.probabilityA() != 0.0) continue;
            decisive++;
            Judgement j = both.label(p);
            assertEquals(j0.preferred(), j.preferred(), "both orders agree with the plain judge on " + p);
            double swapped = plain.label(new LabelPair(p.index() + BothOrders.SECOND_ORDER_OFFSET, p.prompt(),
                    p.responseB(), p.responseA())).probabilityA();
            assertEquals((j0.probabilityA() + 1 - swapped) / 2, j.probabilityA(), 1e-12,
                    "probabilityA averages the two answers after mapping the second back");
        }
        assertTrue(decisive > N / 3, "most pairs are clear: " + decisive);
    }

    @Test
    void secondOrderIsAskedAtAnotherIndexButTheSameDriftStep() {
        List<LabelPair> seen = new ArrayList<>();
        PreferenceLabeler recorder = fake(p -> {
            seen.add(p);
            return new Judgement(Preference.A, null, List.of(new RawJudgement("AB", "first", Preference.A)), null);
        });
        new BothOrders(recorder).label(new LabelPair(7, "up abc", "ABC", "abc"));
        assertEquals(List.of(new LabelPair(7, "up abc", "ABC", "abc"),
                new LabelPair(7 + (1L << 40), "up abc", "abc", "ABC")), seen, "(A, B) at i, (B, A) at i + 2^40");
        assertEquals(7, seen.get(1).step(), "the same drift step");

        // a drift from pair 400 on: before it, both orders see the base weights, so a wrapped drifting judge
        // labels exactly like a wrapped steady one; from it on, the changed weight shows in both orders
        RuleJudge steady = RuleJudge.builder().seed(seed).build();
        RuleJudge drifting = RuleJudge.builder().seed(seed)
                .drift(new Drift(Term.CORRECTNESS, -1.0, 400, 400, Drift.Shape.ABRUPT)).build();
        int changedAfter = 0;
        for (LabelPair p : pairs()) {
            Judgement s = new BothOrders(steady).label(p), d = new BothOrders(drifting).label(p);
            if (p.index() < 400) assertEquals(s, d, "before the drift, pair " + p.index());
            else if (s.preferred() != d.preferred()) changedAfter++;
        }
        assertTrue(changedAfter > 20, "correctness turned against after pair 400 changes labels: " + changedAfter);
    }

    @Test
    void failureInEitherOrderFailsWithItsReason() {
        Judgement ok = new Judgement(Preference.A, 0.8, List.of(new RawJudgement("AB", "A", Preference.A)), null);
        Judgement bad = Judgement.failed("server said 500", List.of(new RawJudgement("AB", "HTTP 500", Preference.FAILED)));
        LabelPair pair = new LabelPair(3, "up abc", "ABC", "abc");

        Judgement secondFails = new BothOrders(fake(p -> p.index() == 3 ? ok : bad)).label(pair);
        assertEquals(Preference.FAILED, secondFails.preferred());
        assertEquals("order BA: server said 500", secondFails.failureReason());
        assertNull(secondFails.probabilityA());
        assertEquals(List.of(new RawJudgement("AB", "A", Preference.A), new RawJudgement("BA", "HTTP 500", Preference.FAILED)),
                secondFails.raw(), "both calls kept, the second with its order mapped back");

        Judgement firstFails = new BothOrders(fake(p -> p.index() == 3 ? bad : ok)).label(pair);
        assertEquals("order AB: server said 500", firstFails.failureReason());

        Judgement bothFail = new BothOrders(fake(p -> bad)).label(pair);
        assertEquals("order AB: server said 500; order BA: server said 500", bothFail.failureReason());
    }

    @Test
    void agreementWithoutProbabilitiesCountsOrdersAndTiesStayTies() {
        // a judge that always prefers the response containing "good", with no probability
        PreferenceLabeler content = fake(p -> {
            Preference pick = p.responseA().contains("good") ? Preference.A
                    : p.responseB().contains("good") ? Preference.B : Preference.TIE;
            return new Judgement(pick, null, List.of(new RawJudgement("AB", pick.name(), pick)), null);
        });
        BothOrders both = new BothOrders(content);
        Judgement a = both.label(new LabelPair(0, "p", "good", "bad"));
        assertEquals(Preference.A, a.preferred());
        assertEquals(1.0, a.probabilityA(), 0.0, "both orders preferred A");
        Judgement b = both.label(new LabelPair(1, "p", "bad", "good"));
        assertEquals(Preference.B, b.preferred());
        assertEquals(0.0, b.probabilityA(), 0.0);
        Judgement tie = both.label(new LabelPair(2, "p", "meh", "bad"));
        assertEquals(Preference.TIE, tie.preferred());
        assertEquals(0.5, tie.probabilityA(), 0.0);
    }

    @Test
    void labelAllMakesOneInnerCallAndKeepsOrder() {
        int[] calls = {0};
        RuleJudge rule = RuleJudge.builder().seed(seed).positionBias(0.3).noise(0.1).build();
        PreferenceLabeler counting = new PreferenceLabeler() {
            @Override public Judgement label(LabelPair pair) { return rule.label(pair); }
            @Override public List<Judgement> labelAll(List<LabelPair> ps) {
                calls[0]++;
                assertEquals(2 * 40, ps.size(), "2n queries in one batch");
                return PreferenceLabeler.super.labelAll(ps);
            }
            @Override public String name() { return rule.name(); }
            @Override public String version() { return rule.version(); }
            @Override public String templateId() { return rule.templateId(); }
            @Override public Map<String, Object> settings() { return rule.settings(); }
        };
        List<LabelPair> ps = pairs().subList(0, 40);
        List<Judgement> all = new BothOrders(counting).labelAll(ps);
        assertEquals(1, calls[0], "one inner labelAll call");
        BothOrders direct = new BothOrders(rule);
        for (int i = 0; i < ps.size(); i++) {
            assertEquals(direct.label(ps.get(i)), all.get(i), "labelAll agrees with label for pair " + i);
        }
    }

    @Test
    void identityReflectsTheInnerLabeler() {
        RuleJudge rule = RuleJudge.builder().seed(5).positionBias(0.2).build();
        BothOrders both = new BothOrders(rule);
        assertEquals("rule-judge+both-orders", both.name());
        assertEquals(rule.version() + "+both-orders-" + BothOrders.VERSION, both.version());
        assertEquals(rule.templateId(), both.templateId(), "same instructions");
        assertEquals(true, both.settings().get("both_orders"));
        assertEquals(rule.settings().get("position_bias"), both.settings().get("position_bias"), "inner settings kept");
        assertSame(rule, both.inner());
    }

    private static PreferenceLabeler fake(Function<LabelPair, Judgement> f) {
        return new PreferenceLabeler() {
            @Override public Judgement label(LabelPair pair) { return f.apply(pair); }
            @Override public String name() { return "fake"; }
            @Override public String version() { return "0"; }
            @Override public String templateId() { return "none"; }
            @Override public Map<String, Object> settings() { return Map.of(); }
        };
    }
}
