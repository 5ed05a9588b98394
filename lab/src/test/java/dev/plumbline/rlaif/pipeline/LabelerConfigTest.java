// labeler.drifts and labeler.bothOrders in config.json: parsing, every problem named by its list index,
// round-trips, and what RlaifPipeline.labeler() builds from them.
package dev.plumbline.rlaif.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import dev.plumbline.rlaif.audit.TemplateVariant;
import dev.plumbline.rlaif.label.BothOrders;
import dev.plumbline.rlaif.label.HttpJudge;
import dev.plumbline.rlaif.label.LabelPair;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import dev.plumbline.rlaif.label.RuleJudge;
import dev.plumbline.rlaif.label.Term;
import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskSuite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelerConfigTest {
    private static final String KNOWN = "[correctness, brevity, no_padding, length, agreement]";

    private static String withDrifts(String driftsJson) {
        return "{\"labeler\": {\"drifts\": " + driftsJson + "}}";
    }

    private static String problems(String json) {
        var e = assertThrows(IllegalArgumentException.class, () -> RlaifConfig.fromJson(json, "c.json"));
        return e.getMessage();
    }

    @Test
    void driftsParseIntoTheRuleJudge(@TempDir Path dir) throws Exception {
        RlaifConfig c = RlaifConfig.fromJson(withDrifts("[{\"term\": \"no_padding\", \"toWeight\": -0.5, \"fromPair\": 768, "
                + "\"toPair\": 768, \"shape\": \"abrupt\"}, {\"term\": \"agreement\", \"toWeight\": 2, \"fromPair\": 0, "
                + "\"toPair\": 1000, \"shape\": \"linear\"}]"), "c.json");
        assertEquals(List.of(RlaifConfig.DriftSpec.of("no_padding", -0.5, 768, 768, "abrupt"),
                RlaifConfig.DriftSpec.of("agreement", 2.0, 0, 1000, "linear")), c.labeler.drifts);
        RuleJudge judge = (RuleJudge) RlaifPipeline.open(dir, c, ModelJudgeStageTest.quiet()).labeler();
        assertEquals(0.5, judge.weightAt(Term.NO_PADDING, 767), 0.0, "configured weight before fromPair");
        assertEquals(-0.5, judge.weightAt(Term.NO_PADDING, 768), 0.0, "abrupt: toWeight from fromPair on");
        assertEquals(1.0, judge.weightAt(Term.AGREEMENT, 500), 1e-12, "linear: halfway at pair 500");
    }

    @Test
    void configWithDriftsRoundTrips() {
        RlaifConfig c = new RlaifConfig();
        c.labeler.bothOrders = true;
        c.labeler.judgeGoldPairs = 64;
        c.labeler.drifts.add(RlaifConfig.DriftSpec.of("correctness", 0.25, 10, 500, "linear"));
        c.labeler.drifts.add(RlaifConfig.DriftSpec.of("length", 1.5, 300, 300, "abrupt"));
        RlaifConfig back = RlaifConfig.fromJson(c.toJson(), "config.json");
        assertEquals(c.toJson(), back.toJson(), "toJson → fromJson → toJson is the identity");
        assertEquals(c.labeler.drifts, back.labeler.drifts);
        assertTrue(back.labeler.bothOrders);
        assertEquals(64, back.labeler.judgeGoldPairs);
        assertEquals(new RlaifConfig().toJson(), RlaifConfig.fromJson(new RlaifConfig().toJson(), "d").toJson(), "defaults too");
        assertTrue(new RlaifConfig().toJson().contains("\"drifts\" : [ ]"), "the default is an empty list");
    }

    @Test
    void unknownKeysAndWrongTypesInsideADriftAreReported() {
        String m = problems(withDrifts("[{\"term\": \"brevity\", \"toWeight\": 1, \"shape\": \"abrupt\"}, "
                + "{\"term\": \"brevity\", \"toWieght\": 1}, {\"fromPair\": \"ten\", \"shape\": 3}, 7]"));
        assertTrue(m.contains("labeler.drifts[1].toWieght: unknown key"), m);
        assertTrue(m.contains("labeler.drifts[2].fromPair: expected a number, got string"), m);
        assertTrue(m.contains("labeler.drifts[2].shape: expected a string, got 3"), m);
        assertTrue(m.contains("labeler.drifts[3]: expected an object"), m);
        assertFalse(m.contains("drifts[0]"), "the first drift is fine: " + m);
        assertTrue(problems("{\"labeler\": {\"drifts\": {\"term\": \"brevity\"}}}").contains("labeler.drifts: expected a list"));
        assertTrue(problems(withDrifts("[{\"fromPair\": 1.5}]")).contains("labeler.drifts[0].fromPair: expected an integer"));
    }

    @Test
    void badDriftValuesAreNamedByIndex() {
        String m = problems(withDrifts("[{\"term\": \"brevity\"}, {\"term\": \"x\"}, {\"term\": \"length\", \"fromPair\": 9, "
                + "\"toPair\": 3}, {\"term\": \"length\", \"fromPair\": -1, \"toPair\": -1}, {\"term\": \"length\", "
                + "\"fromPair\": 5, \"toPair\": 5, \"shape\": \"linear\"}, {\"term\": \"length\", \"shape\": \"sudden\"}, {}]"));
        assertFalse(m.contains("drifts[0]"), "term alone (abrupt from pair 0) is a valid drift: " + m);
        for (String want : List.of(
                "labeler.drifts[1].term: unknown term 'x'; known: " + KNOWN,
                "labeler.drifts[2]: fromPair (9) must be <= toPair (3)",
                "labeler.drifts[3].fromPair must be >= 0, got -1",
                "labeler.drifts[3].toPair must be >= 0, got -1",
                "labeler.drifts[4]: a linear drift needs toPair > fromPair (both are 5)",
                "labeler.drifts[5].shape must be linear or abrupt, got 'sudden'",
                "labeler.drifts[6].term is required; known: " + KNOWN)) {
            assertTrue(m.contains(want), "missing '" + want + "' in:\n" + m);
        }
        RlaifConfig http = new RlaifConfig();
        http.labeler.kind = "http";
        http.labeler.url = "http://127.0.0.1:1";
        http.labeler.drifts.add(RlaifConfig.DriftSpec.of("length", 1, 0, 0, "abrupt"));
        assertEquals(List.of("labeler.drifts only act on the rule judge, but labeler.kind is 'http'"), http.problems());
        http.labeler.drifts = null;
        assertEquals(List.of("labeler.drifts must be a list (use [] for none)"), http.problems());
    }

    @Test
    void aDriftedJudgeLabelsDifferentlyOnlyFromFromPairOn(@TempDir Path dir) throws Exception {
        RlaifConfig steady = sharp(), drifted = sharp();
        drifted.labeler.drifts.add(RlaifConfig.DriftSpec.of("no_padding", -0.5, 200, 200, "abrupt"));
        PreferenceLabeler s = RlaifPipeline.open(dir.resolve("s"), steady, ModelJudgeStageTest.quiet()).labeler();
        PreferenceLabeler d = RlaifPipeline.open(dir.resolve("d"), drifted, ModelJudgeStageTest.quiet()).labeler();
        int before = 0, after = 0, paddedAfter = 0, n = 0;
        for (Task t : TaskSuite.builder().seed(5).opinionRate(0).build().tasks(0, 400)) {
            // right vs right-but-padded: the configured judge prefers the bare answer; drifted, the padded one
            LabelPair p = new LabelPair(n, t.prompt(), t.answer(), t.answer() + " ok sure");
            boolean differ = !s.label(p).equals(d.label(p));
            if (n < 200) before += differ ? 1 : 0;
            else {
                after += differ ? 1 : 0;
                paddedAfter += d.label(p).preferred() == dev.plumbline.rlaif.label.Preference.B ? 1 : 0;
            }
            n++;
        }
        assertEquals(0, before, "same seed, same weights before fromPair: identical judgements");
        assertTrue(after > 190, "from fromPair on the labels change: " + after + " of 200");
        assertTrue(paddedAfter > 190, "the drifted judge now prefers padding: " + paddedAfter + " of 200");
    }

    /** A near-deterministic rule judge: no misjudging, noise or ties, and a sharp Bradley–Terry curve. */
    private static RlaifConfig sharp() {
        RlaifConfig c = new RlaifConfig();
        c.labeler.misjudgeRate = 0;
        c.labeler.noise = 0;
        c.labeler.tieMargin = 0;
        c.labeler.sharpness = 50;
        return c;
    }

    @Test
    void bothOrdersWrapsTheRuleJudgeButNotTheHttpJudge(@TempDir Path dir) throws Exception {
        RlaifConfig c = new RlaifConfig();
        c.labeler.bothOrders = true;
        c.labeler.drifts.add(RlaifConfig.DriftSpec.of("brevity", 0.3, 0, 10, "linear"));
        RlaifPipeline p = RlaifPipeline.open(dir.resolve("rule"), c, ModelJudgeStageTest.quiet());
        PreferenceLabeler l = p.labeler();
        assertTrue(l instanceof BothOrders w && w.inner() instanceof RuleJudge, "wrapped: " + l);
        assertEquals("rule-judge+both-orders", l.name());

        // the audit's template variant of a wrapped judge is wrapped too, keeps the drifts and adds one sentence
        PreferenceLabeler alt = TemplateVariant.of(p.config(), l);
        assertTrue(alt instanceof BothOrders w && w.inner() instanceof RuleJudge, "variant wrapped: " + alt);
        assertEquals(l.templateId() + "+shorter", alt.templateId());
        assertEquals(l.settings().get("drifts"), alt.settings().get("drifts"), "same drifts");
        assertEquals(l.settings().get("seed"), alt.settings().get("seed"), "same seed");

        RlaifConfig h = new RlaifConfig();
        h.labeler.kind = "http";
        h.labeler.url = "http://127.0.0.1:1";
        h.labeler.model = "judge";
        h.labeler.apiKeyEnv = "PATH";   // any variable that is set: the judge is built, never called
        h.labeler.bothOrders = true;
        PreferenceLabeler hl = RlaifPipeline.open(dir.resolve("http"), h, ModelJudgeStageTest.quiet()).labeler();
        assertTrue(hl instanceof HttpJudge, "the http judge asks both orders itself: not wrapped again");
        assertEquals(true, hl.settings().get("both_orders"));
    }

    @Test
    void bothOrdersOffGivesThePlainRuleJudge(@TempDir Path dir) throws Exception {
        PreferenceLabeler l = RlaifPipeline.open(dir, new RlaifConfig(), ModelJudgeStageTest.quiet()).labeler();
        assertTrue(l instanceof RuleJudge, "default: unwrapped, as before");
        List<String> ids = new ArrayList<>();
        for (Term t : Term.values()) ids.add(t.id());
        assertEquals(KNOWN, ids.toString(), "term ids as the messages list them");
    }
}
