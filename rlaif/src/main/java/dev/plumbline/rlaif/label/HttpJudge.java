// An LLM judge behind any OpenAI-compatible chat-completions server, asked in both orders to
// cancel position bias, with retries, back-off, a rate limit, and an API key that is never recorded.
package dev.plumbline.rlaif.label;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A judge served by an OpenAI-compatible endpoint: {@code POST {baseUrl}/v1/chat/completions}
 * with {@code {"model", "messages", "temperature"[, "max_tokens"]}}; the verdict is read from
 * {@code choices[0].message.content} by {@link VerdictParser}.
 *
 * <p><b>Both orders.</b> By default each pair is asked as (A, B) and then as (B, A):
 * <ul>
 *   <li>both verdicts name the same response: that label, {@code probabilityA} 1 or 0;</li>
 *   <li>they disagree (the judge followed position, not content): TIE, {@code probabilityA} 0.5;</li>
 *   <li>either call fails: FAILED with the reason (the second order is not asked if the first fails).</li>
 * </ul>
 * {@code probabilityA} is the fraction of orders that preferred A. With both orders off, one call
 * is made and {@code probabilityA} is null.
 *
 * <p><b>Failures.</b> Timeouts, I/O errors, 429 and 5xx are retried up to {@code maxRetries}
 * times with exponential back-off ({@code initialBackoff * 2^k}, capped at {@code maxBackoff},
 * at least a {@code Retry-After} of seconds when the server sends one). Other statuses,
 * non-JSON or truncated bodies, and unparseable verdicts are recorded failures at once.
 *
 * <p><b>Concurrency.</b> {@link #label} may be called from many threads at once (the labeling
 * run's {@code concurrency}): requests share one {@code HttpClient}, the rate limit holds across
 * all of them, and a {@link CircuitBreaker} pauses every thread once the server has failed
 * {@code circuitBreaker} times in a row.
 *
 * <p><b>API key.</b> Read once from an environment variable or a file the user names, sent as
 * {@code Authorization: Bearer}, and masked as {@code ***} in anything the judge logs, records
 * or prints (including server error bodies that echo it).
 *
 * <pre>{@code
 * HttpJudge judge = HttpJudge.builder()
 *         .baseUrl("https://api.example.com").model("judge-large")
 *         .apiKeyFromEnv("JUDGE_API_KEY").requestsPerSecond(2).build();
 * Judgement j = judge.label(new LabelPair(0, "12+34=", "46", "47"));
 * }</pre>
 */
public final class HttpJudge implements PreferenceLabeler {

    /** Behaviour version written to records. */
    public static final String VERSION = "1";
    private static final Logger LOG = Logger.getLogger(HttpJudge.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXCERPT = 200;

    private final URI endpoint;
    private final String model;
    private final double temperature;
    private final Integer maxTokens;
    private final JudgeTemplate template;
    private final boolean bothOrders;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration readTimeout;
    private final Duration connectTimeout;
    private final double requestsPerSecond;
    private final String apiKeySource;
    private final String apiKey; // never logged, recorded or printed; see redact()
    private final RateLimiter limiter;
    private final CircuitBreaker breaker;
    private final HttpClient client;

    private HttpJudge(Builder b, String apiKey) {
        String base = b.baseUrl.endsWith("/") ? b.baseUrl.substring(0, b.baseUrl.length() - 1) : b.baseUrl;
        this.endpoint = URI.create(base + "/v1/chat/completions");
        this.model = b.model;
        this.temperature = b.temperature;
        this.maxTokens = b.maxTokens;
        this.template = b.template;
        this.bothOrders = b.bothOrders;
        this.maxRetries = b.maxRetries;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.readTimeout = b.readTimeout;
        this.connectTimeout = b.connectTimeout;
        this.requestsPerSecond = b.requestsPerSecond;
        this.apiKeySource = b.apiKeySource;
        this.apiKey = apiKey;
        this.limiter = new RateLimiter(b.requestsPerSecond);
        this.breaker = new CircuitBreaker(b.breakerThreshold, b.breakerPause);
        this.client = HttpClient.newBuilder().connectTimeout(b.connectTimeout)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** A builder; {@code baseUrl} and {@code model} are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Judgement label(LabelPair pair) {
        List<RawJudgement> raw = new ArrayList<>();
        Preference first = ask(pair.prompt(), pair.responseA(), pair.responseB(), "AB", raw);
        if (first == Preference.FAILED) return Judgement.failed("order AB: " + raw.get(0).text(), raw);
        if (!bothOrders) return new Judgement(first, null, raw, null);
        Preference second = ask(pair.prompt(), pair.responseB(), pair.responseA(), "BA", raw);
        if (second == Preference.FAILED) return Judgement.failed("order BA: " + raw.get(1).text(), raw);
        if (first == second) return new Judgement(first, first == Preference.A ? 1.0 : 0.0, raw, null);
        return new Judgement(Preference.TIE, 0.5, raw, null);
    }

    /** One call in one order; appends its raw record and returns the pick mapped to the pair's A/B. */
    private Preference ask(String prompt, String shownFirst, String shownSecond, String order, List<RawJudgement> raw) {
        Outcome o = call(template.fill(prompt, shownFirst, shownSecond));
        if (o.error != null) {
            raw.add(new RawJudgement(order, o.error, Preference.FAILED));
            return Preference.FAILED;
        }
        Optional<Preference> p = VerdictParser.parse(o.content);
        if (p.isEmpty()) {
            raw.add(new RawJudgement(order, "unparseable verdict: " + o.content, Preference.FAILED));
            return Preference.FAILED;
        }
        Preference mapped = order.equals("AB") ? p.get() : (p.get() == Preference.A ? Preference.B : Preference.A);
        raw.add(new RawJudgement(order, o.content, mapped));
        return mapped;
    }

    /** Either the message content or an error, both already redacted. */
    private static final class Outcome {
        final String content;
        final String error;

        Outcome(String content, String error) {
            this.content = content;
            this.error = error;
        }
    }

    private Outcome call(String userMessage) {
        String body = requestBody(userMessage);
        String lastError = "no attempt made";
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            long retryAfterMs = 0;
            boolean serverFailure = true;       // unless the server answers, this attempt counts against it
            try {
                breaker.awaitClosed();
                limiter.acquire();
                HttpRequest.Builder rb = HttpRequest.newBuilder(endpoint).timeout(readTimeout)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
                if (apiKey != null) rb.header("Authorization", "Bearer " + apiKey);
                HttpResponse<String> resp = client.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = resp.statusCode();
                serverFailure = status == 429 || status / 100 == 5;
                breaker.record(serverFailure);
                if (status / 100 == 2) return parseResponse(resp.body());
                String err = "HTTP " + status + ": " + excerpt(resp.body());
                if (!serverFailure) return new Outcome(null, err);
                lastError = err;
                retryAfterMs = resp.headers().firstValue("Retry-After").map(HttpJudge::seconds).orElse(0L);
            } catch (HttpTimeoutException e) {
                breaker.record(true);
                lastError = "timed out after " + readTimeout.toMillis() + " ms";
            } catch (IOException e) {
                breaker.record(true);
                lastError = "I/O error: " + e.getClass().getSimpleName() + ": " + redact(String.valueOf(e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(null, "interrupted");
            }
            if (attempt == maxRetries) break;
            long backoff = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << Math.min(attempt, 30));
            long waitMs = Math.min(maxBackoff.toMillis(), Math.max(backoff, retryAfterMs));
            LOG.log(Level.WARNING, "judge call failed ({0}); retry {1}/{2} in {3} ms",
                    new Object[] {lastError, attempt + 1, maxRetries, waitMs});
            try {
                Thread.sleep(waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(null, "interrupted");
            }
        }
        return new Outcome(null, "gave up after " + (maxRetries + 1) + " attempts; last error: " + lastError);
    }

    private String requestBody(String userMessage) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", model);
        ArrayNode messages = root.putArray("messages");
        if (!template.system().isEmpty()) messages.addObject().put("role", "system").put("content", template.system());
        messages.addObject().put("role", "user").put("content", userMessage);
        root.put("temperature", temperature);
        if (maxTokens != null) root.put("max_tokens", maxTokens);
        return root.toString();
    }

    private Outcome parseResponse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return new Outcome(null, "response body is not valid JSON (truncated?): " + excerpt(body));
        }
        JsonNode content = root == null ? null : root.path("choices").path(0).path("message").path("content");
        if (content == null || !content.isTextual()) {
            return new Outcome(null, "response has no choices[0].message.content string: " + excerpt(body));
        }
        return new Outcome(redact(content.asText()), null);
    }

    private String excerpt(String s) {
        String r = redact(s == null ? "" : s);
        return r.length() <= EXCERPT ? r : r.substring(0, EXCERPT) + "...";
    }

    /** Masks the API key wherever it appears (servers sometimes echo credentials in errors). */
    private String redact(String s) {
        return apiKey == null || s == null ? s : s.replace(apiKey, "***");
    }

    private static long seconds(String retryAfter) {
        try {
            return Math.max(0, Long.parseLong(retryAfter.trim())) * 1000;
        } catch (NumberFormatException e) {
            return 0; // an HTTP date: fall back to our own back-off
        }
    }

    @Override
    public String name() {
        return "http-judge";
    }

    /** True: calls share one thread-safe {@code HttpClient}, rate limiter and circuit breaker. */
    @Override
    public boolean concurrent() {
        return true;
    }

    /** The breaker shared by this judge's calls (how often it opened, for progress and tests). */
    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public String templateId() {
        return template.id();
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("endpoint", endpoint.toString());
        m.put("model", model);
        m.put("temperature", temperature);
        if (maxTokens != null) m.put("max_tokens", maxTokens);
        m.put("both_orders", bothOrders);
        m.put("max_retries", maxRetries);
        m.put("requests_per_second", requestsPerSecond);
        m.put("read_timeout_ms", readTimeout.toMillis());
        m.put("connect_timeout_ms", connectTimeout.toMillis());
        m.put("api_key", apiKey == null ? "none" : "*** from " + apiKeySource);
        return m;
    }

    @Override
    public String toString() {
        return "HttpJudge" + settings();
    }

    /** Settings of an {@link HttpJudge}. */
    public static final class Builder {
        private String baseUrl;
        private String model;
        private double temperature = 0.0;
        private Integer maxTokens = 16;
        private JudgeTemplate template = JudgeTemplate.DEFAULT;
        private boolean bothOrders = true;
        private int maxRetries = 4;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration readTimeout = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private double requestsPerSecond = 0;
        private int breakerThreshold = 8;
        private Duration breakerPause = Duration.ofSeconds(10);
        private String apiKeyEnv;
        private Path apiKeyFile;
        private String apiKeySource = "none";
        private UnaryOperator<String> environment = System::getenv;

        private Builder() {
        }

        /** Server root, e.g. {@code http://127.0.0.1:8000}; {@code /v1/chat/completions} is appended. */
        public Builder baseUrl(String url) {
            this.baseUrl = url;
            return this;
        }

        /** Model name sent in every request. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** Sampling temperature, in [0, 2]; default 0. */
        public Builder temperature(double t) {
            if (!(t >= 0 && t <= 2)) throw new IllegalArgumentException("temperature must be in [0, 2], got " + t);
            this.temperature = t;
            return this;
        }

        /** {@code max_tokens} sent with each request, or null to omit it; default 16. */
        public Builder maxTokens(Integer n) {
            if (n != null && n < 1) throw new IllegalArgumentException("maxTokens must be >= 1, got " + n);
            this.maxTokens = n;
            return this;
        }

        /** The judge prompt template. */
        public Builder template(JudgeTemplate t) {
            this.template = Objects.requireNonNull(t, "template");
            return this;
        }

        /** Ask both orders and combine (default true). */
        public Builder bothOrders(boolean on) {
            this.bothOrders = on;
            return this;
        }

        /** Retries per call after the first attempt (the retry budget), &ge; 0; default 4. */
        public Builder maxRetries(int n) {
            if (n < 0) throw new IllegalArgumentException("maxRetries must be >= 0, got " + n);
            this.maxRetries = n;
            return this;
        }

        /** First back-off and the cap; default 500 ms and 30 s. */
        public Builder backoff(Duration initial, Duration max) {
            if (initial.isNegative() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff needs 0 <= initial <= max, got " + initial + ", " + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** Time allowed for a whole response; default 60 s. */
        public Builder readTimeout(Duration d) {
            this.readTimeout = positive("readTimeout", d);
            return this;
        }

        /** Time allowed to connect; default 10 s. */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive("connectTimeout", d);
            return this;
        }

        /** Maximum request rate; 0 (default) means unlimited. */
        public Builder requestsPerSecond(double rps) {
            if (!(rps >= 0)) throw new IllegalArgumentException("requestsPerSecond must be >= 0, got " + rps);
            this.requestsPerSecond = rps;
            return this;
        }

        /**
         * After {@code failures} consecutive retryable failures (timeouts, I/O errors, 429, 5xx) across
         * all threads, every request waits {@code pause} before the next attempt ({@link CircuitBreaker});
         * default 8 failures, 10 s; 0 failures turns it off.
         */
        public Builder circuitBreaker(int failures, Duration pause) {
            if (failures < 0) throw new IllegalArgumentException("circuit breaker failures must be >= 0, got " + failures);
            if (pause == null || pause.isNegative()) {
                throw new IllegalArgumentException("circuit breaker pause must be >= 0, got " + pause);
            }
            this.breakerThreshold = failures;
            this.breakerPause = pause;
            return this;
        }

        /** Read the API key from this environment variable (its name is recorded, never its value). */
        public Builder apiKeyFromEnv(String variable) {
            this.apiKeyEnv = variable;
            this.apiKeyFile = null;
            return this;
        }

        /** Read the API key from this file (surrounding white space is ignored). */
        public Builder apiKeyFromFile(Path file) {
            this.apiKeyFile = file;
            this.apiKeyEnv = null;
            return this;
        }

        /** Where environment variables are looked up (tests pass a map). */
        public Builder environment(UnaryOperator<String> env) {
            this.environment = Objects.requireNonNull(env, "environment");
            return this;
        }

        /**
         * The judge.
         *
         * @throws IllegalArgumentException for a missing URL/model, an unset key variable, or an unreadable key file
         */
        public HttpJudge build() {
            if (baseUrl == null || !(baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) {
                throw new IllegalArgumentException("baseUrl must start with http:// or https://, got " + baseUrl);
            }
            if (model == null || model.isBlank()) throw new IllegalArgumentException("model is required");
            String key = null;
            if (apiKeyEnv != null) {
                key = environment.apply(apiKeyEnv);
                if (key == null || key.isBlank()) {
                    throw new IllegalArgumentException("environment variable " + apiKeyEnv + " (the judge API key) is not set");
                }
                apiKeySource = "env " + apiKeyEnv;
            } else if (apiKeyFile != null) {
                try {
                    key = Files.readString(apiKeyFile, StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read API key file " + apiKeyFile + ": " + e.getClass().getSimpleName(), e);
                }
                if (key.isEmpty()) throw new IllegalArgumentException("API key file " + apiKeyFile + " is empty");
                apiKeySource = "file " + apiKeyFile;
            }
            return new HttpJudge(this, key);
        }

        private static Duration positive(String name, Duration d) {
            if (d == null || d.isZero() || d.isNegative()) throw new IllegalArgumentException(name + " must be positive, got " + d);
            return d;
        }
    }
}
