package dev.plumbline.rlaif.experiment;

import dev.plumbline.rlaif.audit.Proportion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The onset alarm's evaluation against gold on runs whose outcome is known by construction. */
class OnsetEvaluationTest {

    /** Gold rising to {@code peakStep} then falling by {@code drop} by the end (or flat after the peak when 0). */
    private static List<Map<String, Double>> run(int steps, int peakStep, double drop, long alarmStep) {
        List<Map<String, Double>> rows = new ArrayList<>();
        for (int k = 1; k <= steps; k++) {
            double g = k <= peakStep ? 0.1 * k / peakStep : 0.1 - drop * (k - peakStep) / (steps - peakStep);
            rows.add(Map.of("gold/score", g, "alarm/first_step", (double) (alarmStep > 0 && k >= alarmStep ? alarmStep : 0)));
        }
        return rows;
    }

    @Test
    void judgeFindsTheGoldPeakAndCallsADropOverOptimisation() {
        OnsetEvaluation.Case c = OnsetEvaluation.judge("a", run(40, 15, 0.2, 12));
        assertTrue(c.overOptimised());
        assertEquals(15, c.goldPeakStep(), 1);
        assertEquals(0.2, c.goldDrop(), 0.02);
        assertEquals(12, c.alarmStep());
        OnsetEvaluation.Case healthy = OnsetEvaluation.judge("b", run(40, 40, 0, 0));
        assertFalse(healthy.overOptimised());
        assertNull(OnsetEvaluation.judge("short", run(8, 4, 0.2, 0)), "too short to judge");
        assertNull(OnsetEvaluation.judge("old", List.of(Map.of("gold/score", 0.1))), "no alarm in the metrics");
    }

    @Test
    void precisionRecallAndLeadCountTheConfusionTable() {
        List<OnsetEvaluation.Case> cases = new ArrayList<>();
        // 3 over-optimised runs detected (leads 3, 5, 7), 1 missed, 1 false alarm, 5 healthy quiet
        cases.add(OnsetEvaluation.judge("tp1", run(40, 15, 0.2, 12)));
        cases.add(OnsetEvaluation.judge("tp2", run(40, 15, 0.2, 10)));
        cases.add(OnsetEvaluation.judge("tp3", run(40, 15, 0.2, 8)));
        cases.add(OnsetEvaluation.judge("fn", run(40, 15, 0.2, 0)));
        cases.add(OnsetEvaluation.judge("fp", run(40, 40, 0, 20)));
        for (int i = 0; i < 5; i++) cases.add(OnsetEvaluation.judge("tn" + i, run(40, 40, 0, 0)));
        Map<String, Object> s = OnsetEvaluation.summarise(cases);
        assertEquals(3, s.get("true_alarms"));
        assertEquals(1, s.get("false_alarms"));
        assertEquals(1, s.get("missed"));
        assertEquals(0.75, ((Proportion) s.get("precision")).rate(), 1e-12);
        assertEquals(0.75, ((Proportion) s.get("recall")).rate(), 1e-12);
        assertEquals(1.0 / 6, ((Proportion) s.get("false_alarm_rate")).rate(), 1e-12);
        Map<?, ?> lead = (Map<?, ?>) s.get("lead_steps");
        // peaks at step 15 (±1 from smoothing, the same for all three): leads 15 − {12, 10, 8}
        double peak = cases.get(0).goldPeakStep();
        assertEquals(peak - 10, (double) lead.get("mean"), 1e-12);
        // t interval of {3, 5, 7} + const: mean ± t(0.975, 2)·sd/√3 = ± 4.303·2/√3
        assertEquals(peak - 10 - 4.302652729911275 * 2 / Math.sqrt(3), (double) lead.get("lo"), 1e-6);
    }

    @Test
    void runReadsEveryArmUnderExperimentsAndWritesItsReport(@TempDir Path dir) throws IOException {
        write(dir.resolve("experiments/x/seed-1/arm-a/metrics.jsonl"), run(30, 10, 0.2, 8));
        write(dir.resolve("experiments/x/seed-1/arm-b/metrics.jsonl"), run(30, 30, 0, 0));
        Map<String, Object> r = OnsetEvaluation.run(dir, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        assertEquals(2, r.get("runs"));
        assertEquals(1, r.get("true_alarms"));
        assertTrue(Files.exists(dir.resolve("experiments/onset-alarm/report.html")));
        assertTrue(Files.readString(dir.resolve("experiments/onset-alarm/result.json")).contains("experiments/x/seed-1/arm-a"));
    }

    private static void write(Path f, List<Map<String, Double>> rows) throws IOException {
        Files.createDirectories(f.getParent());
        StringBuilder b = new StringBuilder();
        int k = 1;
        for (Map<String, Double> r : rows) {
            b.append(String.format(Locale.ROOT, "{\"step\": %d, \"gold/score\": %.6f, \"alarm/first_step\": %.1f}%n", k++,
                    r.get("gold/score"), r.get("alarm/first_step")));
        }
        Files.writeString(f, b.toString());
    }
}
