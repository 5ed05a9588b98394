// The label stage with labeler.kind = model on a fabricated run (pairs.jsonl only, no SFT): the judge
// learns from the gold labels of the first judgeGoldPairs pairs, the summary records its held-out
// agreement, an interrupted stage resumes to the same preferences, and retraining is deterministic.
package dev.plumbline.rlaif.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.label.BothOrders;
import dev.plumbline.rlaif.label.ModelJudge;
import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskSuite;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelJudgeStageTest {
    private static final int PAIRS = 160, GOLD = 96;

    static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }

    static RlaifConfig config(boolean bothOrders) {
        RlaifConfig c = new RlaifConfig();
        c.labeler.kind = "model";
        c.labeler.judgeGoldPairs = GOLD;
        c.labeler.bothOrders = bothOrders;
        c.sampling.pairs = PAIRS;
        return c;
    }

    /** Opens a run with {@code c} whose sample stage is faked: right vs wrong, right vs padded, and equal pairs. */
    static RlaifPipeline fabricate(Path dir, RlaifConfig c) throws Exception {
        RlaifPipeline p = RlaifPipeline.open(dir, c, quiet());
        List<PairRecord> pairs = new ArrayList<>();
        int i = 0;
        for (Task t : TaskSuite.builder().seed(11).build().tasks(0, PAIRS)) {
            String x = t.answer();
            String[] ab = switch (i % 5) {
                case 0 -> new String[] {x, "z" + x};
                case 1 -> new String[] {"q" + x, x};
                case 2 -> new String[] {x + " ok", x};
                case 3 -> new String[] {x, x + " yes"};
                default -> new String[] {x, x};
            };
            pairs.add(new PairRecord("p" + i++, t.prompt(), ab[0], ab[1]));
        }
        Jsonl.writeAtomic(dir.resolve("pairs.jsonl"), pairs);
        p.runDirectory().markDone(RlaifPipeline.SAMPLE, Map.of("pairs", pairs.size()));
        return p;
    }

    @Test
    void modelJudgeLabelsRecordsHeldOutAgreementAndResumesIdentically(@TempDir Path dir) throws Exception {
        RlaifPipeline p = fabricate(dir, config(false));
        p.label();
        JsonNode s = p.runDirectory().summary(RlaifPipeline.LABEL).orElseThrow();
        System.out.println("model judge label stage: " + s);
        assertEquals("model-judge", s.path("labeler").asText());
        assertEquals(GOLD, s.path("judge_gold_pairs").asInt(), "n recorded");
        assertEquals(decided(0, GOLD), s.path("judge_train_pairs").asInt(), "gold-equal pairs are not trained on");
        assertEquals(decided(GOLD, PAIRS), s.path("judge_held_out_pairs").asInt(), "gold-decided pairs after the first n");
        double agreement = s.path("judge_held_out_agreement").asDouble(Double.NaN);
        assertTrue(agreement >= 0 && agreement <= 1, "held-out agreement in [0, 1]: " + s);
        assertTrue(s.has("agreement_with_gold"), "the usual audit is still there");
        assertTrue(Files.exists(dir.resolve("judge").resolve("provenance.json")), "judge saved for resume");
        List<String> uninterrupted = labels(dir);
        assertEquals(PAIRS, uninterrupted.size());

        // crash after 70 labels: the stage marker is gone and preferences.jsonl holds a prefix
        List<String> lines = Files.readAllLines(dir.resolve("preferences.jsonl"));
        Files.write(dir.resolve("preferences.jsonl"), lines.subList(0, 70));
        p.runDirectory().clear(RlaifPipeline.LABEL);
        RlaifPipeline resumed = RlaifPipeline.open(dir, null, quiet());
        resumed.label();
        assertEquals(uninterrupted, labels(dir), "resume labels the rest with the saved judge, exactly as before");
        assertEquals(s.path("judge_held_out_agreement"),
                resumed.runDirectory().summary(RlaifPipeline.LABEL).orElseThrow().path("judge_held_out_agreement"));
    }

    @Test
    void retrainingFromTheSameSeedGivesTheSameJudgeAndBothOrdersWraps(@TempDir Path dir) throws Exception {
        RlaifPipeline a = fabricate(dir.resolve("a"), config(true));
        RlaifPipeline b = fabricate(dir.resolve("b"), config(true));
        assertTrue(a.labeler() instanceof BothOrders w && w.inner() instanceof ModelJudge, "model judge wrapped");
        a.label();
        b.label();
        List<String> la = labels(dir.resolve("a"));
        assertEquals(la, labels(dir.resolve("b")), "same seed, same judge, same labels");
        JsonNode first = RlaifConfig.MAPPER.readTree(Files.readAllLines(dir.resolve("a").resolve("preferences.jsonl")).get(0));
        assertEquals("[\"AB\",\"BA\"]", first.path("orders_shown").toString(), "both orders shown");
        assertEquals("model-judge+both-orders", first.path("labeler").asText());
        assertTrue(first.path("labeler_settings").path("both_orders").asBoolean(), "recorded in the settings");
    }

    @Test
    void modelKindIsValidAndJudgeGoldPairsMustBePositive() {
        RlaifConfig c = config(false);
        assertEquals(List.of(), c.problems());
        c.labeler.judgeGoldPairs = 0;
        assertEquals(List.of("labeler.judgeGoldPairs must be > 0, got 0"), c.problems());
        c.labeler.kind = "gpt";
        c.labeler.judgeGoldPairs = 5;
        assertEquals(List.of("labeler.kind must be rule, http or model, got 'gpt'"), c.problems());
    }

    @Test
    void modelJudgeBeforeSamplingSaysWhatToRun(@TempDir Path dir) throws Exception {
        RlaifPipeline p = RlaifPipeline.open(dir, config(false), quiet());
        var e = assertThrows(IllegalStateException.class, p::labeler);
        assertTrue(e.getMessage().contains("pairs.jsonl") && e.getMessage().contains("plumbline sample"), e.getMessage());
    }

    /** Pairs in [from, to) that gold decides: all but every fifth (the equal ones). */
    static int decided(int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) n += i % 5 == 4 ? 0 : 1;
        return n;
    }

    /** preferences.jsonl without the labeling time. */
    static List<String> labels(Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("preferences.jsonl"))) {
            ObjectNode n = (ObjectNode) RlaifConfig.MAPPER.readTree(line);
            n.remove("labeled_at");
            out.add(n.toString());
        }
        return out;
    }
}
