package dev.plumbline.rlaif.pipeline;

import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The onset alarm on synthetic metric streams whose onset step is known by construction. */
class OnsetAlarmTest {

    private static Map<String, Double> row(double kl, double len, double entropy) {
        Map<String, Double> m = new HashMap<>();
        m.put("objective/kl", kl);
        m.put("val/mean_length", len);
        m.put("objective/entropy", entropy);
        return m;
    }

    /** Runs a stream through a fresh alarm and returns the step it fired at (0: never). */
    private static long firstStep(OnsetAlarm.Config c, List<Map<String, Double>> rows) {
        OnsetAlarm a = new OnsetAlarm(c);
        for (Map<String, Double> r : rows) a.observe(r);
        return a.firstStep();
    }

    @Test
    void aSteadyNoisyRunNeverFires() {
        long seed = TestSeeds.seed("OnsetAlarmTest.aSteadyNoisyRunNeverFires");
        Random rnd = new Random(seed);
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rows.add(row(0.6 + 0.05 * rnd.nextGaussian(), 3 + 0.2 * rnd.nextGaussian(), 1 + 0.05 * rnd.nextGaussian()));
        }
        assertEquals(0, firstStep(new OnsetAlarm.Config(), rows), "seed " + seed);
    }

    @Test
    void klGrowthFiresOncePatienceStepsOfTheSlopeAreAboveTheLimit() {
        OnsetAlarm.Config c = new OnsetAlarm.Config();
        List<Map<String, Double>> rows = new ArrayList<>();
        // flat for 20 steps, then KL grows 0.25 nats/step (the limit is 0.1/step over a 5-step slope)
        for (int i = 0; i < 40; i++) {
            double kl = i < 20 ? 0.5 : 0.5 + 0.25 * (i - 19);
            rows.add(row(kl, 3, 1));
        }
        // least-squares slope of the last 5 points: step 21 sees 0,0,0,0,.25 → 0.05 (ratio 0.5); step 22 sees
        // 0,0,0,.25,.5 → 0.125 (1.25); step 23 → 0.2 (2.0): two steps at or above 1 → fires at 23
        assertEquals(23, firstStep(c, rows));
    }

    @Test
    void lengthGrowthCountsOnlyGrowthFromTheLowestPoint() {
        OnsetAlarm.Config c = new OnsetAlarm.Config();
        List<Map<String, Double>> shrinking = new ArrayList<>(), padding = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            shrinking.add(row(0.5, Math.max(3, 8 - 0.2 * i), 1));
            padding.add(row(0.5, i < 30 ? 3 : 3 + 0.25 * (i - 29), 1));
        }
        assertEquals(0, firstStep(c, shrinking), "answers getting shorter is not an alarm");
        long f = firstStep(c, padding);
        // 5-step mean exceeds 1.5 × 3 = 4.5 when its mean of 3 + 0.25·(k−29) over k−4..k passes 4.5, i.e. k ≥ 37
        assertTrue(f >= 37 && f <= 39, "fired at " + f);
    }

    @Test
    void entropyCollapseAndEnsembleDisagreementFire() {
        OnsetAlarm.Config c = new OnsetAlarm.Config();
        List<Map<String, Double>> collapse = new ArrayList<>(), disagree = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            collapse.add(row(0.5, 3, i < 20 ? 1.0 : 0.2));
            Map<String, Double> m = row(0.5, 3, 1);
            m.put("reward/uncertainty", i < 20 ? 0.1 : 0.4);
            disagree.add(m);
        }
        long fc = firstStep(c, collapse), fd = firstStep(c, disagree);
        assertTrue(fc > 20 && fc < 27, "entropy collapse fired at " + fc);
        assertTrue(fd > 20 && fd < 27, "disagreement fired at " + fd);
    }

    @Test
    void theProxyJudgeGapFiresWhenPthetaWinsAndTheJudgeDoesNot() {
        OnsetAlarm.Config c = new OnsetAlarm.Config();
        OnsetAlarm a = new OnsetAlarm(c);
        long fired = 0;
        for (int i = 0; i < 60; i++) {
            Map<String, Double> m = row(0.5, 3, 1);
            if (i % 5 == 0) {
                m.put("alarm/proxy_win_rate", i < 30 ? 0.55 : 0.9);
                m.put("alarm/judge_win_rate", 0.5);
            }
            OnsetAlarm.Reading r = a.observe(m);
            if (r.justFired()) fired = r.firstStep();
        }
        // the first probe after the change is step 31 (i = 30): gap mean of the last two probes 0.225 → ratio 0.875,
        // then (0.4 − 0.05) / 0.2 = 1.75 at step 36 and 37 → fires at 37
        assertEquals(37, fired);
    }

    @Test
    void aResumedAlarmReplaysToTheSameState() {
        long seed = TestSeeds.seed("OnsetAlarmTest.aResumedAlarmReplaysToTheSameState");
        Random rnd = new Random(seed);
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(row(0.3 + 0.05 * i + 0.1 * rnd.nextGaussian(), 3 + rnd.nextGaussian(), 1));
        }
        OnsetAlarm whole = new OnsetAlarm(new OnsetAlarm.Config());
        List<Map<String, Double>> a = new ArrayList<>();
        for (Map<String, Double> r : rows) a.add(whole.observe(r).metrics());
        OnsetAlarm resumed = new OnsetAlarm(new OnsetAlarm.Config());
        for (int i = 0; i < 25; i++) resumed.observe(rows.get(i));
        for (int i = 25; i < 50; i++) {
            assertEquals(a.get(i), resumed.observe(rows.get(i)).metrics(), "seed " + seed + ", step " + (i + 1));
        }
    }

    @Test
    void outOfRangeLimitsAreAllReported() {
        OnsetAlarm.Config c = new OnsetAlarm.Config();
        c.window = 2;
        c.disagreement = 0.5;
        c.entropyDrop = 2;
        c.enabled = false;
        c.earlyStop = true;
        List<String> p = c.problems();
        assertEquals(4, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("alarm.window"), p.toString());
        RlaifConfig rc = new RlaifConfig();
        rc.alarm.judgeEvery = 0;
        assertFalse(rc.problems().isEmpty());
        assertTrue(rc.problems().stream().anyMatch(s -> s.startsWith("alarm.judgeEvery")), rc.problems().toString());
    }
}
