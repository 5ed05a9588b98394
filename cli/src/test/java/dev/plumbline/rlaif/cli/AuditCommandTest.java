// plumbline audit on a tiny fabricated run directory (config.json + pairs.jsonl, no training): files, table, errors.
package dev.plumbline.rlaif.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plumbline.rlaif.audit.TemplateVariant;
import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;
import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskSuite;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    /** config.json with a position-biased rule judge, and 1200 pairs: even ones clear, odd ones gold-equal. */
    private void fabricateRun(double positionBias) throws Exception {
        fabricateRun(positionBias, false);
    }

    private void fabricateRun(double positionBias, boolean bothOrders) throws Exception {
        RlaifConfig cfg = new RlaifConfig();
        cfg.labeler.positionBias = positionBias;
        cfg.labeler.bothOrders = bothOrders;
        cfg.labeler.tieMargin = 0;   // a tying judge would hide position bias on equal pairs
        cfg.labeler.noise = 0;
        cfg.labeler.misjudgeRate = 0;
        Files.writeString(dir.resolve("config.json"), cfg.toJson());
        List<PairRecord> pairs = new ArrayList<>();
        for (Task t : TaskSuite.builder().seed(3).opinionRate(0).build().tasks(0, 1200)) {
            String x = t.answer();
            boolean clear = pairs.size() % 2 == 0;
            pairs.add(new PairRecord("p" + pairs.size(), t.prompt(), clear ? x : "z" + x, clear ? "y" + x : "y" + x));
        }
        Jsonl.writeAtomic(dir.resolve("pairs.jsonl"), pairs);
    }

    @Test
    void auditWritesJsonAndHtmlAndPrintsTable() throws Exception {
        fabricateRun(0.4);
        assertEquals(0, run("audit", "--run-dir", dir.toString(), "--pairs", "1000"), "audit exits 0: " + err);
        String table = out.toString();
        assertTrue(table.contains("agreement with gold") && table.contains("first position (gold equal)")
                && table.contains("template agreement") && table.contains("noise"), "table lists the measures:\n" + table);
        JsonNode j = new ObjectMapper().readTree(dir.resolve("audit.json").toFile());
        JsonNode la = j.path("labeler");
        assertEquals(1000, la.path("pairs").asInt(), "--pairs limits the audit");
        assertEquals(500, la.path("gold_equal_pairs").asInt(), "odd pairs are gold-equal");
        JsonNode first = la.path("first_position_gold_equal");
        assertTrue(first.path("lo").asDouble() <= 0.7 && 0.7 <= first.path("hi").asDouble(),
                "position bias 0.4 → first-position ≈ 0.7 on equal pairs: " + first);
        assertEquals(1.0, la.path("agreement_with_gold").path("rate").asDouble(), 1e-9, "no noise, no misjudging: " + la);
        assertTrue(j.path("preference_model").isNull(), "no rm/: no pθ audit");
        assertEquals(0.4, j.path("labeler_settings").path("position_bias").asDouble(), 1e-12, "labeler from config.json");
        String html = Files.readString(dir.resolve("audit.html"));
        assertTrue(html.contains("first") && html.contains("<svg") && html.contains("no trained preference model"),
                "html has the sections and a chart");
        assertFalse(html.contains("<script") || html.contains("src=\"http") || html.contains("href=\"http"), "self-contained");
        assertEquals(List.of(), leftoverTempFiles(), "atomic writes leave no temp files");
    }

    @Test
    void auditOfABothOrdersRunSeesThePositionBiasCancelled() throws Exception {
        fabricateRun(0.4, true);
        assertEquals(0, run("audit", "--run-dir", dir.toString(), "--pairs", "1000"), "audit exits 0: " + err);
        JsonNode j = new ObjectMapper().readTree(dir.resolve("audit.json").toFile());
        JsonNode la = j.path("labeler");
        assertEquals("rule-judge+both-orders", la.path("labeler").asText(), "the wrapped labeler is audited");
        double first = la.path("first_position_gold_equal").path("rate").asDouble();
        assertEquals(0.5, first, 0.06, "both orders cancel position bias 0.4 (0.7 unwrapped): " + la);
        assertEquals(1.0, la.path("agreement_with_gold").path("rate").asDouble(), 1e-9, "clear pairs stay right");
        assertTrue(la.path("template_agreement").path("rate").isNumber(), "the template variant is wrapped too: " + la);
        assertTrue(j.path("labeler_settings").path("both_orders").asBoolean(), "settings say both orders");
    }

    @Test
    void missingPairsAndMissingConfigAreExplained() throws Exception {
        assertEquals(2, run("audit", "--run-dir", dir.resolve("nothing").toString()), "no config.json: usage error");
        assertTrue(err.toString().contains("config.json"), err.toString());
        Files.writeString(dir.resolve("config.json"), new RlaifConfig().toJson());
        err.getBuffer().setLength(0);
        assertEquals(1, run("audit", "--run-dir", dir.toString()), "no pairs.jsonl: work failure");
        assertTrue(err.toString().contains("pairs.jsonl") && err.toString().contains("plumbline sample"), err.toString());
        assertEquals(2, run("audit", "--run-dir", dir.toString(), "--pairs", "0"), "--pairs out of range");
    }

    @Test
    void templateVariantIsTheRunsJudgePlusOneSentence() throws Exception {
        fabricateRun(0.2);
        RlaifPipeline p = RlaifPipeline.open(dir, null, new PrintStream(OutputStream.nullOutputStream()));
        PreferenceLabeler base = p.labeler(), alt = TemplateVariant.of(p.config(), base);
        Map<String, Object> b = base.settings(), a = alt.settings();
        for (String k : List.of("seed", "sharpness", "misjudge_rate", "length_bias", "position_bias", "sycophancy", "noise")) {
            assertEquals(b.get(k), a.get(k), "variant keeps " + k);
        }
        // the pipeline's default constitution (brevity 0) gains BREVITY 0.1, nothing else changes
        assertEquals("{CORRECTNESS=1.0, NO_PADDING=0.5}", b.get("weights"), "the pipeline's default constitution");
        assertEquals("{CORRECTNESS=1.0, BREVITY=0.1, NO_PADDING=0.5}", a.get("weights"), "one added principle");
        assertEquals(base.templateId() + "+shorter", alt.templateId(), "variant id");
    }

    private List<Path> leftoverTempFiles() throws Exception {
        try (var s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
