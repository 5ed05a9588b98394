package dev.plumbline.rlaif.rl;

import dev.plumbline.rlaif.label.BatchLabeling;
import dev.plumbline.rlaif.label.BothOrders;
import dev.plumbline.rlaif.label.Judgement;
import dev.plumbline.rlaif.label.LabelPair;
import dev.plumbline.rlaif.label.Preference;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import dev.plumbline.rlaif.label.RawJudgement;
import dev.plumbline.rlaif.ppo.RewardSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Direct RLAIF's judge reward against hand-computed values: r = 2·P(y ≻ y_ref) − 1 from the
 * judge's probability, or from a hard win/tie/loss, failures scored 0.5 and counted, one
 * reference answer per distinct prompt, indices keyed by step; and {@link BatchLabeling}'s order
 * and batching.
 */
class JudgeRewardTest {

    /**
     * A judge whose answer is a function of response A: "p=0.8" gives probability 0.8, "win"/"tie"/"lose" a hard
     * label, "fail" a failure. Records every pair it is asked and how it was called.
     */
    static class ScriptedJudge implements PreferenceLabeler {
        final List<LabelPair> asked = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger batches = new AtomicInteger(), inFlight = new AtomicInteger(), maxInFlight = new AtomicInteger();
        final boolean concurrent;

        ScriptedJudge(boolean concurrent) {
            this.concurrent = concurrent;
        }

        @Override
        public Judgement label(LabelPair pair) {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                if (concurrent) {
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            asked.add(pair);
            inFlight.decrementAndGet();
            String a = pair.responseA();
            List<RawJudgement> raw = List.of();
            if (a.startsWith("p=")) {
                double p = Double.parseDouble(a.substring(2));
                return new Judgement(p > 0.5 ? Preference.A : p < 0.5 ? Preference.B : Preference.TIE, p, raw, null);
            }
            return switch (a) {
                case "win" -> new Judgement(Preference.A, null, raw, null);
                case "lose" -> new Judgement(Preference.B, null, raw, null);
                case "tie" -> new Judgement(Preference.TIE, null, raw, null);
                default -> Judgement.failed("unparseable answer", raw);
            };
        }

        @Override
        public List<Judgement> labelAll(List<LabelPair> pairs) {
            batches.incrementAndGet();
            List<Judgement> out = new ArrayList<>();
            for (LabelPair p : pairs) out.add(label(p));
            return out;
        }

        @Override
        public boolean concurrent() {
            return concurrent;
        }

        @Override public String name() { return "scripted"; }
        @Override public String version() { return "1"; }
        @Override public String templateId() { return "none"; }
        @Override public Map<String, Object> settings() { return Map.of(); }
    }

    @Test
    void rewardIsTwiceTheWinProbabilityMinusOne() {
        ScriptedJudge judge = new ScriptedJudge(false);
        List<List<String>> refCalls = new ArrayList<>();
        JudgeReward r = new JudgeReward(judge, ps -> {
            refCalls.add(List.copyOf(ps));
            return ps.stream().map(p -> "ref-" + p).toList();
        }, 4);
        List<String> prompts = List.of("x", "x", "y", "y", "z", "z");
        RewardSource.Scored s = r.score(prompts, List.of("p=0.8", "p=0.25", "win", "tie", "lose", "fail"));
        assertArrayEquals(new float[] {0.6f, -0.5f, 1f, 0f, -1f, 0f}, s.rewards(), 1e-6f);
        assertArrayEquals(new float[] {0.8f, 0.25f, 1f, 0.5f, 0f, 0.5f}, s.rawScores(), 1e-6f);
        assertNull(s.uncertainty());
        assertEquals(List.of(List.of("x", "y", "z")), refCalls, "one reference answer per distinct prompt, in order");
        assertEquals(1, judge.batches.get(), "a non-concurrent judge gets the whole step in one labelAll");
        for (int i = 0; i < 6; i++) {
            LabelPair p = judge.asked.get(i);
            assertEquals(prompts.get(i), p.prompt());
            assertEquals("ref-" + prompts.get(i), p.responseB(), "the response is A, π_ref's answer B");
            assertEquals(i, p.index());
        }
        assertEquals(1, r.failures());
        assertEquals(6, r.asked());
    }

    @Test
    void indicesAreKeyedByStepSoAResumedRunAsksTheSame() {
        ScriptedJudge judge = new ScriptedJudge(false);
        JudgeReward r = new JudgeReward(judge, ps -> ps, 1);
        r.atStep(5);
        r.score(List.of("a", "b", "c"), List.of("win", "win", "win"));
        assertEquals(List.of(15L, 16L, 17L), judge.asked.stream().map(LabelPair::index).toList());
        assertThrows(IllegalArgumentException.class, () -> r.atStep(-1));
    }

    @Test
    void bothOrdersAveragesTheMappedProbabilities() {
        JudgeReward r = new JudgeReward(new BothOrders(new ScriptedJudge(false)), ps -> ps.stream().map(p -> "p=0.4").toList(), 1);
        RewardSource.Scored s = r.score(List.of("q"), List.of("p=0.9"));
        // order AB: P(A) = 0.9; order BA shows "p=0.4" as A: P(ref ≻ y) = 0.4 → P(y ≻ ref) = 0.6; mean 0.75
        assertEquals(0.75f, s.rawScores()[0], 1e-6f);
        assertEquals(0.5f, s.rewards()[0], 1e-6f);
    }

    @Test
    void aConcurrentJudgeGetsCallsInFlightAndAnswersInOrder() {
        ScriptedJudge judge = new ScriptedJudge(true);
        List<LabelPair> pairs = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            pairs.add(new LabelPair(i, "q" + i, i % 2 == 0 ? "win" : "lose", "ref"));
        }
        List<Judgement> js = BatchLabeling.labelAll(judge, pairs, 8);
        for (int i = 0; i < 24; i++) {
            assertEquals(i % 2 == 0 ? Preference.A : Preference.B, js.get(i).preferred(), "judgement " + i + " in input order");
        }
        assertEquals(0, judge.batches.get(), "a concurrent judge is called per pair");
        assertTrue(judge.maxInFlight.get() > 1 && judge.maxInFlight.get() <= 8, "in flight: " + judge.maxInFlight.get());
        assertThrows(IllegalArgumentException.class, () -> BatchLabeling.labelAll(judge, pairs, 0));
    }

    @Test
    void aJudgeThatLosesAnswersIsNamed() {
        PreferenceLabeler lossy = new ScriptedJudge(false) {
            @Override
            public List<Judgement> labelAll(List<LabelPair> pairs) {
                return super.labelAll(pairs.subList(0, 1));
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BatchLabeling.labelAll(lossy, List.of(new LabelPair(0, "a", "win", "b"), new LabelPair(1, "a", "win", "b")), 1));
        assertTrue(e.getMessage().contains("scripted returned 1 judgements for 2 pairs"), e.getMessage());
    }
}
