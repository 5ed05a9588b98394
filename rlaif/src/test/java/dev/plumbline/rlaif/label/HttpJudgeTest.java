// HttpJudge against a local fake chat-completions server: retries, failures, both orders, secrecy.
package dev.plumbline.rlaif.label;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.data.PreferenceRecord;
import dev.plumbline.testing.TestSeeds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpJudgeTest {
    private static final String KEY = "sk-test-" + Long.toHexString(TestSeeds.seed("HttpJudgeTest.KEY")) + "-SECRET";
    private static final LabelPair PAIR = new LabelPair(0, "12+34=", "46", "47");
    private final List<String> logged = new ArrayList<>();
    private final Logger logger = Logger.getLogger(HttpJudge.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(new java.util.logging.SimpleFormatter().formatMessage(r) + " " + r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private FakeChatServer server;

    @BeforeEach
    void captureLogs() {
        logger.addHandler(capture);
        logger.setLevel(Level.ALL);
    }

    @AfterEach
    void stop() {
        logger.removeHandler(capture);
        if (server != null) server.close();
    }

    private HttpJudge judge(BiFunction<Integer, String, FakeChatServer.Reply> script, int retries, boolean bothOrders) throws Exception {
        server = new FakeChatServer(script);
        return HttpJudge.builder().baseUrl(server.baseUrl()).model("judge-m").bothOrders(bothOrders)
                .maxRetries(retries).backoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .readTimeout(Duration.ofMillis(1000)).apiKeyFromEnv("JUDGE_KEY")
                .environment(Map.of("JUDGE_KEY", KEY)::get).build();
    }

    /** Picks whichever shown response is the content-correct "46", like an unbiased judge. */
    private static FakeChatServer.Reply pickFortySix(int n, String body) {
        String user = userMessage(body);
        boolean firstIs46 = user.indexOf("Response A: 46") >= 0;
        return FakeChatServer.Reply.content(firstIs46 ? "A" : "Response B is better.");
    }

    private static String userMessage(String body) {
        try {
            JsonNode msgs = new ObjectMapper().readTree(body).get("messages");
            return msgs.get(msgs.size() - 1).get("content").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void bothOrdersAgreeingGiveALabelAndRequestIsChatCompletions() throws Exception {
        HttpJudge j = judge(HttpJudgeTest::pickFortySix, 0, true);
        Judgement r = j.label(PAIR);
        assertEquals(Preference.A, r.preferred(), "both orders chose the response '46' = A");
        assertEquals(1.0, r.probabilityA(), 0, "both votes for A");
        assertEquals(List.of("AB", "BA"), r.raw().stream().map(RawJudgement::order).toList(), "orders shown");
        assertEquals(2, server.requests.get(), "one request per order");
        JsonNode body = new ObjectMapper().readTree(server.bodies.get(0));
        assertEquals("judge-m", body.get("model").asText(), "model sent");
        assertEquals(0.0, body.get("temperature").asDouble(), 0, "temperature sent");
        assertTrue(userMessage(server.bodies.get(1)).contains("Response A: 47"), "second call shows B first");
        assertEquals("Bearer " + KEY, server.authorizations.get(0), "key sent as Bearer");
    }

    @Test
    void positionFollowingJudgeGivesTie() throws Exception {
        HttpJudge j = judge((n, body) -> FakeChatServer.Reply.content("A"), 0, true);
        Judgement r = j.label(PAIR);
        assertEquals(Preference.TIE, r.preferred(), "always-first judge disagrees with itself across orders");
        assertEquals(0.5, r.probabilityA(), 0, "one vote each");
    }

    @Test
    void tooManyRequestsThenSuccess() throws Exception {
        HttpJudge j = judge((n, body) -> n == 1
                ? new FakeChatServer.Reply(429, "{\"error\":\"slow down\"}", 0, "0")
                : FakeChatServer.Reply.content("{\"preferred\": \"A\"}"), 3, false);
        Judgement r = j.label(PAIR);
        assertEquals(Preference.A, r.preferred(), "succeeds after one 429");
        assertEquals(2, server.requests.get(), "429 was retried once");
        assertTrue(logged.stream().anyMatch(s -> s.contains("429")), "retry is logged: " + logged);
    }

    @Test
    void serverErrorsUntilBudgetExhaustedIsRecordedFailure() throws Exception {
        HttpJudge j = judge((n, body) -> FakeChatServer.Reply.status(500, "{\"error\":\"boom\"}"), 2, true);
        Judgement r = j.label(PAIR);
        assertEquals(Preference.FAILED, r.preferred(), "5xx forever is a failure");
        assertEquals(3, server.requests.get(), "1 attempt + 2 retries, and the second order is not asked");
        assertTrue(r.failureReason().contains("gave up after 3 attempts") && r.failureReason().contains("500"),
                "reason: " + r.failureReason());
    }

    @Test
    void slowAnswerTimesOut() throws Exception {
        HttpJudge j = judge((n, body) -> new FakeChatServer.Reply(200, FakeChatServer.completion("A"), 3000, null), 1, false);
        Judgement r = j.label(PAIR);
        assertEquals(Preference.FAILED, r.preferred(), "timeouts are failures");
        assertTrue(r.failureReason().contains("timed out"), "reason: " + r.failureReason());
        assertEquals(2, server.requests.get(), "timeout was retried once");
    }

    @Test
    void truncatedAndNonJsonBodiesAreFailuresNotRetried() throws Exception {
        String full = FakeChatServer.completion("A");
        HttpJudge j = judge((n, body) -> FakeChatServer.Reply.status(200, full.substring(0, full.length() / 2)), 3, false);
        Judgement r = j.label(PAIR);
        assertEquals(Preference.FAILED, r.preferred(), "truncated JSON");
        assertTrue(r.failureReason().contains("not valid JSON"), "reason: " + r.failureReason());
        assertEquals(1, server.requests.get(), "a malformed body is not retried");
        server.close();

        HttpJudge html = judge((n, body) -> FakeChatServer.Reply.status(200, "<html>Bad gateway</html>"), 0, false);
        assertEquals(Preference.FAILED, html.label(PAIR).preferred(), "HTML body");
        server.close();

        HttpJudge noChoices = judge((n, body) -> FakeChatServer.Reply.status(200, "{\"choices\":[]}"), 0, false);
        assertTrue(noChoices.label(PAIR).failureReason().contains("choices[0].message.content"), "empty choices");
    }

    @Test
    void garbageVerdictIsFailureNeverALabel() throws Exception {
        for (String garbage : List.of("Both are good.", "A or B", "C", "", "I prefer A but B is shorter",
                "{\"preferred\": \"C\"}", "{\"preferred\": 1}")) {
            HttpJudge j = judge((n, body) -> FakeChatServer.Reply.content(garbage), 0, true);
            Judgement r = j.label(PAIR);
            assertEquals(Preference.FAILED, r.preferred(), "'" + garbage + "' must not become a label");
            assertTrue(r.failureReason().contains("unparseable"), "reason: " + r.failureReason());
            server.close();
        }
    }

    @Test
    void otherClientErrorsFailAtOnce() throws Exception {
        HttpJudge j = judge((n, body) -> FakeChatServer.Reply.status(400, "{\"error\":\"bad model\"}"), 3, false);
        Judgement r = j.label(PAIR);
        assertEquals(1, server.requests.get(), "400 is not retried");
        assertTrue(r.failureReason().contains("HTTP 400"), "reason: " + r.failureReason());
    }

    @Test
    void apiKeyNeverInLogsRecordsOrToString() throws Exception {
        // The server echoes the Authorization header in a 401 and in 503s, as some proxies do.
        HttpJudge j = judge((n, body) -> n <= 2
                ? FakeChatServer.Reply.status(503, "upstream said: " + server.authorizations.get(n - 1))
                : FakeChatServer.Reply.status(401, "bad key " + server.authorizations.get(n - 1)), 4, true);
        Judgement r = j.label(PAIR);
        assertEquals(Preference.FAILED, r.preferred(), "401 fails");
        PreferenceRecord rec = PreferenceRecord.of(new PairRecord(null, PAIR.prompt(), PAIR.responseA(), PAIR.responseB()),
                0, j, r, Instant.EPOCH);
        String everything = String.join("\n", logged) + "\n" + dev.plumbline.rlaif.data.Jsonl.toLine(rec)
                + "\n" + j + "\n" + j.settings() + "\n" + r;
        assertFalse(logged.isEmpty(), "retries were logged");
        assertFalse(everything.contains(KEY), "API key leaked into:\n" + everything);
        assertTrue(everything.contains("***"), "the echo is masked");
    }

    @Test
    void missingKeyVariableIsReportedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HttpJudge.builder()
                .baseUrl("http://127.0.0.1:1").model("m").apiKeyFromEnv("NOPE_KEY").environment(v -> null).build());
        assertTrue(e.getMessage().contains("NOPE_KEY"), e.getMessage());
    }
}
