package dev.plumbline.rlaif.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plumbline.rlaif.pipeline.RlaifConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lab's index gathers every experiment's verdicts; its plans refuse what cannot give an interval. */
class LabIndexTest {

    private static String hypothesis(String id, String verdict, double mean) {
        return String.format(java.util.Locale.ROOT, "{\"id\": \"%s\", \"claim\": \"c %s\", \"anchor\": \"a\", \"predicted\": \"> 0\", "
                + "\"verdict\": \"%s\", \"mean\": %f, \"ci95\": [%f, %f], \"min_detectable_effect_80\": 0.1, "
                + "\"per_seed\": [1, 2, 3]}", id, id, verdict, mean, mean - 0.1, mean + 0.1);
    }

    @Test
    void theIndexCountsEveryExperimentsVerdictsAndLinksItsPages(@TempDir Path dir) throws Exception {
        Path ln = dir.resolve("experiments/label-noise"), lb = dir.resolve("experiments/length-bias");
        Files.createDirectories(ln);
        Files.createDirectories(lb);
        Files.writeString(ln.resolve("replicates.json"), "{\"hypotheses\": [" + hypothesis("h1", "reproduced", 0.3) + ", "
                + hypothesis("h2", "inconclusive", 0.05) + "]}");
        Files.writeString(ln.resolve("replicates.html"), "<html></html>");
        Files.writeString(lb.resolve("replicates.json"), "{\"hypotheses\": [" + hypothesis("h3", "contradicted", -0.3) + "]}");
        Map<String, Object> out = Lab.index(dir, Lab.Plan.quick(), Map.of(), OnsetEvaluation.summarise(List.of()),
                new PrintStream(OutputStream.nullOutputStream()));
        assertEquals(Map.of("reproduced", 1, "contradicted", 1, "inconclusive", 1), out.get("verdicts"));
        JsonNode j = RlaifConfig.MAPPER.readTree(dir.resolve("lab.json").toFile());
        assertEquals(3, j.get("hypotheses").size());
        assertEquals("label-noise", j.get("hypotheses").get(0).get("experiment").asText());
        assertEquals(3, j.get("hypotheses").get(0).get("n").asInt());
        String html = Files.readString(dir.resolve("lab.html"));
        assertTrue(html.contains("experiments/label-noise/replicates.html"), "links the experiment's page");
        assertTrue(html.contains("+0.300 [+0.200, +0.400]"), "each effect with its interval");
    }

    @Test
    void aPlanNeedsTwoSeedsForAnInterval() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lab.Plan.full().withSeeds(1));
        assertTrue(e.getMessage().contains("seeds"), e.getMessage());
        assertEquals(5, Lab.Plan.full().seeds());
        assertEquals(3, Lab.Plan.quick().seeds());
    }
}
