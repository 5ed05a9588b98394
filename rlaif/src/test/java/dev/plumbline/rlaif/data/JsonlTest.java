// JSONL: malformed lines name file and line; atomic writes; append-with-resume skips labeled pairs.
package dev.plumbline.rlaif.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.plumbline.rlaif.label.FakeChatServer;
import dev.plumbline.rlaif.label.HttpJudge;
import dev.plumbline.rlaif.label.Preference;
import dev.plumbline.rlaif.label.RuleJudge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlTest {
    @TempDir
    Path dir;
    private final Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void malformedLineNamesFileAndLine() throws Exception {
        Path f = dir.resolve("pairs.jsonl");
        Files.writeString(f, "{\"prompt\":\"rev ab\",\"response_a\":\"ba\",\"response_b\":\"ab\"}\n\n"
                + "{\"prompt\":\"rev ab\",\"response_a\":\"ba\"\n");
        JsonlFormatException e = assertThrows(JsonlFormatException.class, () -> Jsonl.read(f, PairRecord.class));
        assertEquals(3, e.line(), "third physical line (blank line counted)");
        assertTrue(e.getMessage().startsWith(f + ":3: "), "message names file and line: " + e.getMessage());
    }

    @Test
    void missingFieldAndUnknownFieldAreErrorsWithLine() throws Exception {
        Path f = dir.resolve("p.jsonl");
        Files.writeString(f, "{\"prompt\":\"x\",\"response_a\":\"a\"}\n");
        JsonlFormatException e = assertThrows(JsonlFormatException.class, () -> Jsonl.read(f, PairRecord.class));
        assertTrue(e.getMessage().contains(":1: ") && e.getMessage().contains("response_b"), e.getMessage());
        Files.writeString(f, "{\"prompt\":\"x\"}\n{\"promt\":\"y\"}\n");
        e = assertThrows(JsonlFormatException.class, () -> Jsonl.read(f, PromptRecord.class));
        assertTrue(e.getMessage().contains(":2: ") && e.getMessage().contains("promt"), e.getMessage());
    }

    @Test
    void atomicWriteRoundTripsAndLeavesNoTempFiles() throws Exception {
        Path f = dir.resolve("prompts.jsonl");
        List<PromptRecord> prompts = List.of(new PromptRecord("rev abc"), new PromptRecord("1+2= I think 4."));
        Jsonl.writeAtomic(f, prompts);
        Jsonl.writeAtomic(f, prompts); // overwrite
        assertEquals(prompts, Jsonl.read(f, PromptRecord.class), "round trip");
        assertEquals("{\"prompt\":\"rev abc\"}", Files.readAllLines(f).get(0), "wire format");
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temp files left");
        }
    }

    @Test
    void newModeRefusesToOverwriteLabels() throws Exception {
        Path f = dir.resolve("preferences.jsonl");
        Files.writeString(f, "{}\n");
        assertThrows(java.nio.file.FileAlreadyExistsException.class,
                () -> Jsonl.appender(f, PreferenceRecord.class, PreferenceRecord::pairId, Jsonl.Mode.NEW));
    }

    @Test
    void resumeNeverRelabelsPairsAndCutsATornLastLine() throws Exception {
        List<PairRecord> pairs = new ArrayList<>();
        for (int i = 0; i < 6; i++) pairs.add(new PairRecord(null, i + "+1=", Integer.toString(i + 1), "0"));
        Path out = dir.resolve("preferences.jsonl");
        try (FakeChatServer server = new FakeChatServer((n, body) -> FakeChatServer.Reply.content("A"))) {
            HttpJudge judge = HttpJudge.builder().baseUrl(server.baseUrl()).model("m").bothOrders(false)
                    .backoff(Duration.ZERO, Duration.ZERO).build();
            LabelingRun.Summary first = LabelingRun.run(pairs.subList(0, 4), judge, out, Jsonl.Mode.RESUME, clock, r -> { });
            assertEquals(4, first.labeled(), "first run labels 4");
            assertEquals(4, server.requests.get(), "4 paid requests");

            // Simulate a crash mid-write: a torn, newline-less fragment at the end.
            Files.writeString(out, "{\"pair_id\":\"h:dead", java.nio.file.StandardOpenOption.APPEND);

            LabelingRun.Summary second = LabelingRun.run(pairs, judge, out, Jsonl.Mode.RESUME, clock, r -> { });
            assertEquals(4, second.skipped(), "already-labeled pairs skipped");
            assertEquals(2, second.labeled(), "only new pairs labeled");
            assertEquals(6, server.requests.get(), "no pair was sent twice");
        }
        List<PreferenceRecord> recs = Jsonl.read(out, PreferenceRecord.class);
        assertEquals(6, recs.size(), "torn line removed, six whole records");
        PreferenceRecord r0 = recs.get(0);
        assertEquals(Preference.A, r0.label(), "label");
        assertEquals("1", r0.chosen(), "chosen = response_a for A");
        assertEquals("0", r0.rejected(), "rejected");
        assertEquals("http-judge", r0.labeler(), "labeler");
        assertEquals("pairwise-v1", r0.templateId(), "template id");
        assertEquals(List.of("AB"), r0.ordersShown(), "orders shown");
        assertEquals("2025-01-01T00:00:00Z", r0.labeledAt(), "time");
        assertEquals(pairs.get(0).id(), r0.pairId(), "pair id is the content hash");
    }

    @Test
    void midFileCorruptionIsAnErrorNotSilentlySkipped() throws Exception {
        Path out = dir.resolve("preferences.jsonl");
        LabelingRun.run(List.of(new PairRecord("p1", "rev ab", "ba", "ab")), RuleJudge.builder().build(), out,
                Jsonl.Mode.NEW, clock, r -> { });
        Files.writeString(out, "garbage\n" + Files.readString(out));
        JsonlFormatException e = assertThrows(JsonlFormatException.class,
                () -> Jsonl.appender(out, PreferenceRecord.class, PreferenceRecord::pairId, Jsonl.Mode.RESUME));
        assertEquals(1, e.line(), "line of the corruption");
    }
}
