package dev.plumbline.rlaif.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plumbline.rlaif.pipeline.ReducedDemoBase;
import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.rl.Algorithm;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The optimiser comparison's wiring over the reduced demo base, with one optimisation step per arm
 * (which optimiser gains more gold is the lab's question, answered with its seeds in the README):
 * the arms run PPO, RLOO, GRPO, online DPO and direct RLAIF, the other arms reuse the PPO arm's labels and pθ within a
 * replicate, and the replicate summary carries every hypothesis with a verdict.
 */
class AlgorithmsExperimentTest {

    @Test
    @SuppressWarnings("unchecked")
    void theOptimisersFaceTheSameRewardWithinAReplicate() throws Exception {
        Path base = ReducedDemoBase.sftAndPairs();
        ExperimentOptions o = ExperimentOptions.defaults().withEvalPrompts(1).withPpoSteps(1);
        long[] seeds = Replicates.seeds("AlgorithmsExperimentTest.theOptimisersFaceTheSameRewardWithinAReplicate", 2);
        Map<String, Object> s = ReplicatedExperiment.run(base, AlgorithmsExperiment.NAME, o, seeds,
                AlgorithmsExperiment::run, AlgorithmsExperiment.HYPOTHESES, new PrintStream(new ByteArrayOutputStream()));
        for (long seed : seeds) {
            Path root = base.resolve("experiments").resolve(AlgorithmsExperiment.NAME).resolve("seed-" + seed);
            String labels = Files.readString(root.resolve("ppo").resolve("preferences.jsonl"));
            for (String arm : List.of("ppo", "rloo", "grpo", "online-dpo", "d-rlaif")) {
                Path dir = root.resolve(arm);
                JsonNode cfg = RlaifConfig.MAPPER.readTree(dir.resolve("config.json").toFile());
                assertEquals(arm, cfg.get("algorithm").asText());
                assertEquals(seed, cfg.get("seed").asLong());
                JsonNode done = RlaifConfig.MAPPER.readTree(dir.resolve("stages").resolve("ppo.json").toFile());
                assertEquals(arm, done.get("algorithm").asText());
                assertEquals(labels, Files.readString(dir.resolve("preferences.jsonl")), arm + " sees the ppo arm's labels");
            }
            assertTrue(Files.exists(root.resolve("report.html")));
        }
        List<Map<String, Object>> hs = (List<Map<String, Object>>) s.get("hypotheses");
        assertEquals(AlgorithmsExperiment.HYPOTHESES.size(), hs.size());
        for (Map<String, Object> h : hs) {
            assertTrue(List.of("reproduced", "contradicted", "inconclusive").contains(h.get("verdict")), h.toString());
        }
        List<Map<String, Object>> arms = (List<Map<String, Object>>) ((Map<String, Object>) s.get("arms")).get("arms");
        assertEquals(List.of("ppo", "rloo", "grpo", "online-dpo", "d-rlaif"), arms.stream().map(a -> a.get("arm")).toList());
        for (Map<String, Object> a : arms) {
            Map<String, Object> t = (Map<String, Object>) a.get("seconds_per_step");
            assertTrue(((Number) t.get("mean")).doubleValue() > 0, a.toString());
        }
    }

    @Test
    void everyLabelerExperimentTakesAnOptimiserForItsArms() throws Exception {
        ExperimentOptions o = ExperimentOptions.defaults().withAlgorithm("GRPO").withSeed(7);
        RlaifConfig c = new RlaifConfig();
        o.applyTo(c);
        assertEquals("grpo", c.algorithm);
        assertEquals("length-bias-grpo/seed-7", o.sweepName(LengthBiasExperiment.NAME));
        assertEquals("length-bias/seed-7", o.withAlgorithm("ppo").sweepName(LengthBiasExperiment.NAME));
        assertTrue(o.describePpo(new RlaifConfig()).contains("GRPO"));
        assertThrows(IllegalArgumentException.class, () -> ExperimentOptions.defaults().withAlgorithm("dpo"));
        assertEquals(List.of(Algorithm.PPO, Algorithm.ONLINE_DPO, Algorithm.D_RLAIF),
                Algorithm.parseList("ppo, online_dpo,D-RLAIF"));
        assertEquals("length-bias-online-dpo/seed-7", o.withAlgorithm("online-dpo").sweepName(LengthBiasExperiment.NAME));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> Algorithm.parseList("grpo,rloo,grpo"));
        assertTrue(twice.getMessage().contains("'grpo' is listed twice"), twice.getMessage());

    }
}
