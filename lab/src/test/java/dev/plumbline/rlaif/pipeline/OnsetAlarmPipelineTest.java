package dev.plumbline.rlaif.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The onset alarm inside a real (tiny) run: its metrics, the probe, and alarm.earlyStop. */
class OnsetAlarmPipelineTest {

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }

    /** A tiny run whose alarm fires at step 3: KL leaves 0 at step 1, so any 3-step KL slope is above a 1e-9 limit. */
    private static RlaifConfig hairTrigger(boolean earlyStop) {
        RlaifConfig c = PipelineEndToEndTest.tiny();
        c.ppo.steps = 8;
        c.alarm.warmup = 1;
        c.alarm.window = 3;
        c.alarm.patience = 1;
        c.alarm.klGrowthPerStep = 1e-9;
        c.alarm.judgeSample = 4;
        c.alarm.judgeEvery = 2;
        c.alarm.earlyStop = earlyStop;
        return c;
    }

    @Test
    void everyStepCarriesTheAlarmAndTheProbeRunsEveryJudgeEverySteps(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        RlaifPipeline.open(run, hairTrigger(false), quiet()).runAll();
        List<Map<String, Double>> rows = RlaifPipeline.metricsRows(run.resolve("metrics.jsonl"));
        assertEquals(8, rows.size(), "without earlyStop the run goes on");
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Double> r = rows.get(i);
            assertTrue(r.containsKey("alarm/score") && r.containsKey("alarm/fired"), "step " + (i + 1) + ": " + r);
            assertEquals(i % 2 == 0, r.containsKey("alarm/judge_win_rate"), "probe at steps 1, 3, 5, 7 only");
            if (r.containsKey("alarm/judge_win_rate")) {
                double p = r.get("alarm/proxy_win_rate"), j = r.get("alarm/judge_win_rate");
                assertTrue(p > 0 && p < 1 && j >= 0 && j <= 1, r.toString());
            }
            assertEquals(i + 1 >= 3 ? 1.0 : 0.0, r.get("alarm/fired"), "fires at step 3: " + r);
        }
        JsonNode ppo = RlaifConfig.MAPPER.readTree(run.resolve("stages/ppo.json").toFile());
        assertEquals(3, ppo.get("alarm_first_step").asInt());
        assertFalse(ppo.has("stopped_early_at"));
        assertTrue(Files.readString(run.resolve("report.html")).contains("Onset alarm at step 3"));
    }

    @Test
    void earlyStopKeepsThePolicyOfTheAlarmStepAndEvaluatesIt(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        RlaifPipeline.open(run, hairTrigger(true), quiet()).runAll();
        assertEquals(3, Files.readAllLines(run.resolve("metrics.jsonl")).size(), "stopped after step 3");
        JsonNode ppo = RlaifConfig.MAPPER.readTree(run.resolve("stages/ppo.json").toFile());
        assertEquals(3, ppo.get("stopped_early_at").asInt());
        assertTrue(Files.exists(run.resolve("ppo/model.safetensors")) && Files.exists(run.resolve("eval.json")));
    }

    @Test
    void alarmSettingsOutOfRangeAreNamedBeforeAnythingRuns(@TempDir Path dir) {
        RlaifConfig c = PipelineEndToEndTest.tiny();
        c.alarm.patience = 0;
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RlaifPipeline.open(dir.resolve("run"), c, quiet()));
        assertTrue(e.getMessage().contains("alarm.patience"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("run/config.json")), "nothing written for a bad config");
    }
}
