// Labeling with many HTTP calls in flight: same records as one at a time, in order, exactly once; resume; breaker.
package dev.plumbline.rlaif.label;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.LabelingRun;
import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.data.PreferenceRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ConcurrentLabelingTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T00:00:00Z"), ZoneOffset.UTC);
    final AtomicInteger inFlight = new AtomicInteger(), maxInFlight = new AtomicInteger();
    FakeChatServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    /** n pairs "a+b=": response A is right for even i, B for odd i (also the CLI's labeling test). */
    public static List<PairRecord> pairs(int n) {
        List<PairRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String right = String.valueOf(i + 7), wrong = String.valueOf(i + 8);
            out.add(new PairRecord("p" + i, i + "+7=", i % 2 == 0 ? right : wrong, i % 2 == 0 ? wrong : right));
        }
        return out;
    }

    /** A judge that picks the arithmetically right answer after {@code delayMs}, counting calls in flight. */
    BiFunction<Integer, String, FakeChatServer.Reply> rightAnswer(long delayMs, BiFunction<Integer, String, FakeChatServer.Reply> fault) {
        return rightAnswer(delayMs, fault, inFlight, maxInFlight);
    }

    /** The same judge counting into the given counters (the CLI's labeling test uses it). */
    public static BiFunction<Integer, String, FakeChatServer.Reply> rightAnswer(long delayMs,
            BiFunction<Integer, String, FakeChatServer.Reply> fault, AtomicInteger inFlight, AtomicInteger maxInFlight) {
        return (n, body) -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(delayMs);
                FakeChatServer.Reply f = fault == null ? null : fault.apply(n, body);
                if (f != null) return f;
                JsonNode msgs = new ObjectMapper().readTree(body).get("messages");
                String user = msgs.get(msgs.size() - 1).get("content").asText();
                int at = user.indexOf("Instruction: ") + "Instruction: ".length();
                int a = Integer.parseInt(user.substring(at, user.indexOf('+', at)));
                boolean firstRight = user.contains("Response A: " + (a + 7) + "\n");
                return FakeChatServer.Reply.content(firstRight ? "A" : "B");
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                inFlight.decrementAndGet();
            }
        };
    }

    HttpJudge judge(BiFunction<Integer, String, FakeChatServer.Reply> script, int breakerFailures) throws Exception {
        server = new FakeChatServer(script);
        return HttpJudge.builder().baseUrl(server.baseUrl()).model("judge-m").maxRetries(3)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(5)).readTimeout(Duration.ofSeconds(5))
                .circuitBreaker(breakerFailures, Duration.ofMillis(50)).build();
    }

    static List<String> lines(List<PreferenceRecord> rs) {
        List<String> out = new ArrayList<>();
        for (PreferenceRecord r : rs) out.add(r.pairId() + " " + r.pairIndex() + " " + r.label() + " " + r.probabilityA());
        return out;
    }

    @Test
    void manyCallsInFlightWriteTheSameRecordsInOrderExactlyOnce(@TempDir Path dir) throws Exception {
        List<PairRecord> pairs = pairs(24);
        HttpJudge judge = judge(rightAnswer(15, null), 8);
        LabelingRun.Summary one = LabelingRun.run(pairs, judge, dir.resolve("one.jsonl"), Jsonl.Mode.NEW, CLOCK, r -> { }, 1);
        assertEquals(1, maxInFlight.get(), "one at a time");
        maxInFlight.set(0);
        List<String> progress = new ArrayList<>();
        LabelingRun.Summary many = LabelingRun.run(pairs, judge, dir.resolve("many.jsonl"), Jsonl.Mode.NEW, CLOCK,
                r -> progress.add(r.pairId()), 16);
        assertTrue(maxInFlight.get() >= 8 && maxInFlight.get() <= 16, "calls in flight: " + maxInFlight.get());
        assertEquals(one, many);
        assertEquals(24, many.labeled());
        assertEquals(12, many.a());
        assertEquals(12, many.b());
        List<PreferenceRecord> a = Jsonl.read(dir.resolve("one.jsonl"), PreferenceRecord.class);
        List<PreferenceRecord> b = Jsonl.read(dir.resolve("many.jsonl"), PreferenceRecord.class);
        assertEquals(lines(a), lines(b), "same labels, same order");
        List<String> ids = new ArrayList<>();
        for (PairRecord p : pairs) ids.add(p.id());
        assertEquals(ids, progress, "records are written (and reported) in input order");
        assertEquals(2 * 24 * 2, server.requests.get(), "both orders, each pair asked once per run");
    }

    @Test
    void injected429And5xxAreRetriedAndEveryPairIsLabeledOnce(@TempDir Path dir) throws Exception {
        List<PairRecord> pairs = pairs(40);
        HttpJudge judge = judge(rightAnswer(5, (n, body) -> n % 7 == 0 ? FakeChatServer.Reply.status(503, "{\"error\":\"busy\"}")
                : n % 11 == 0 ? new FakeChatServer.Reply(429, "{\"error\":\"slow down\"}", 0, "0") : null), 0);
        LabelingRun.Summary s = LabelingRun.run(pairs, judge, dir.resolve("p.jsonl"), Jsonl.Mode.NEW, CLOCK, r -> { }, 8);
        assertEquals(0, s.failed(), s.toString());
        List<PreferenceRecord> rs = Jsonl.read(dir.resolve("p.jsonl"), PreferenceRecord.class);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < rs.size(); i++) {
            assertTrue(seen.add(rs.get(i).pairId()), "duplicate " + rs.get(i).pairId());
            assertEquals("p" + i, rs.get(i).pairId());
            assertEquals(i % 2 == 0 ? Preference.A : Preference.B, rs.get(i).label(), "pair " + i);
        }
        assertEquals(40, rs.size());
        assertTrue(server.requests.get() > 80, "the faults were retried: " + server.requests.get() + " requests");
    }

    @Test
    void resumeAsksOnlyForWhatIsMissing(@TempDir Path dir) throws Exception {
        List<PairRecord> pairs = pairs(30);
        HttpJudge judge = judge(rightAnswer(2, null), 8);
        Path out = dir.resolve("p.jsonl");
        LabelingRun.run(pairs.subList(0, 11), judge, out, Jsonl.Mode.NEW, CLOCK, r -> { }, 4);   // "killed" after 11
        int before = server.requests.get();
        List<PairRecord> withDuplicate = new ArrayList<>(pairs);
        withDuplicate.add(pairs.get(20));                                                       // the same pair twice
        LabelingRun.Summary s = LabelingRun.run(withDuplicate, judge, out, Jsonl.Mode.RESUME, CLOCK, r -> { }, 4);
        assertEquals(12, s.skipped(), "11 already labeled, and the repeated pair");
        assertEquals(19, s.labeled());
        assertEquals(19 * 2, server.requests.get() - before, "only the missing pairs were asked, in both orders");
        List<PreferenceRecord> rs = Jsonl.read(out, PreferenceRecord.class);
        assertEquals(30, rs.size());
        for (int i = 0; i < 30; i++) assertEquals("p" + i, rs.get(i).pairId());
    }

    @Test
    void aServerThatKeepsFailingOpensTheBreakerAndEveryPairIsRecordedAsFailed(@TempDir Path dir) throws Exception {
        List<PairRecord> pairs = pairs(6);
        HttpJudge judge = judge(rightAnswer(1, (n, body) -> FakeChatServer.Reply.status(503, "{}")), 3);
        LabelingRun.Summary s = LabelingRun.run(pairs, judge, dir.resolve("p.jsonl"), Jsonl.Mode.NEW, CLOCK, r -> { }, 4);
        assertEquals(6, s.failed());
        assertTrue(judge.circuitBreaker().timesOpened() >= 1, "opened " + judge.circuitBreaker().timesOpened());
        for (PreferenceRecord r : Jsonl.read(dir.resolve("p.jsonl"), PreferenceRecord.class)) {
            assertTrue(r.failureReason().contains("gave up after 4 attempts") && r.failureReason().contains("HTTP 503"),
                    r.failureReason());
        }
        assertEquals(6 * 4, server.requests.get(), "each call still made its 1 + 3 attempts, only later");
    }

    @Test
    void labelersThatAreNotConcurrentAreCalledOneAtATime(@TempDir Path dir) throws Exception {
        AtomicInteger concurrent = new AtomicInteger(), max = new AtomicInteger();
        RuleJudge rule = RuleJudge.builder().seed(3).build();
        PreferenceLabeler slow = new PreferenceLabeler() {
            public Judgement label(LabelPair p) {
                max.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                try {
                    return rule.label(p);
                } finally {
                    concurrent.decrementAndGet();
                }
            }
            public String name() { return "slow"; }
            public String version() { return "1"; }
            public String templateId() { return "t"; }
            public java.util.Map<String, Object> settings() { return java.util.Map.of(); }
        };
        List<PairRecord> pairs = new ArrayList<>();
        for (int i = 0; i < 20; i++) pairs.add(new PairRecord("q" + i, "up abc", "ABC", "abc"));
        LabelingRun.run(pairs, slow, dir.resolve("p.jsonl"), Jsonl.Mode.NEW, CLOCK, r -> { }, 8);
        assertEquals(1, max.get());
        assertThrows(IllegalArgumentException.class,
                () -> LabelingRun.run(pairs, slow, dir.resolve("q.jsonl"), Jsonl.Mode.NEW, CLOCK, r -> { }, 0));
    }

    @Test
    void theBreakerOpensAfterTheThresholdHoldsCallersAndClosesOnSuccess() throws Exception {
        long[] now = {0};
        List<Long> slept = new ArrayList<>();
        CircuitBreaker b = new CircuitBreaker(3, Duration.ofMillis(100), () -> now[0], nanos -> {
            slept.add(nanos);
            now[0] += nanos;
        });
        b.record(true);
        b.record(true);
        b.awaitClosed();
        assertFalse(b.isOpen());
        assertTrue(slept.isEmpty(), "two failures: still closed");
        b.record(true);
        assertTrue(b.isOpen());
        assertEquals(1, b.timesOpened());
        now[0] += 30_000_000;                         // 30 ms later a caller waits the remaining 70 ms
        b.awaitClosed();
        assertEquals(List.of(70_000_000L), slept);
        assertFalse(b.isOpen(), "half-open: the probe may go");
        b.record(true);                               // the probe failed: open again, for a full pause
        assertTrue(b.isOpen());
        assertEquals(2, b.timesOpened());
        now[0] += 100_000_000;
        b.record(false);                              // a success closes it and resets the count
        assertFalse(b.isOpen());
        b.record(true);
        b.record(true);
        assertFalse(b.isOpen(), "the count restarted");
        CircuitBreaker off = new CircuitBreaker(0, Duration.ofSeconds(1));
        for (int i = 0; i < 100; i++) off.record(true);
        assertFalse(off.isOpen(), "threshold 0 turns it off");
    }
}
