// plumbline label: labels (prompt, response_a, response_b) pairs into preferences.jsonl.
package dev.plumbline.rlaif.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.LabelingRun;
import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.label.HttpJudge;
import dev.plumbline.rlaif.label.JudgeTemplate;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import dev.plumbline.rlaif.label.RuleJudge;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code plumbline label}: labels a JSONL file of pairs with the rule judge or an HTTP judge.
 *
 * <pre>{@code
 * plumbline label --input pairs.jsonl --judge rule --position-bias 0.3 --noise 0.1
 * JUDGE_KEY=... plumbline label --input pairs.jsonl --judge http --base-url https://api.example.com \
 *     --model judge-large --api-key-env JUDGE_KEY --rps 20 --concurrency 32 --resume
 * }</pre>
 */
@Command(name = "label", mixinStandardHelpOptions = true,
        description = {"Label pairs {\"prompt\", \"response_a\", \"response_b\"[, \"pair_id\"]} from a JSONL file "
                + "into preferences.jsonl, one fsynced record per pair with provenance.",
                "Failed labels are recorded with their reason, never guessed."})
public final class LabelCommand implements Callable<Integer> {

    /** Which labeler. */
    public enum Judge { rule, http }

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configOption;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "Pipeline stage 3: label DIR/pairs.jsonl into DIR/preferences.jsonl with the labeler in DIR/config.json "
                    + "(resumable). The other options do not apply then.")
    Path runDir;

    @Option(names = "--input", paramLabel = "FILE", description = "JSONL pairs to label (required without --run-dir).")
    Path input;

    @Option(names = "--output", paramLabel = "FILE", defaultValue = "preferences.jsonl",
            description = "Where records are appended (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--resume", description = "Keep the records already in --output and label only pairs not yet there "
            + "(matched by pair_id, or a hash of prompt and responses). Without it an existing non-empty output is an error.")
    boolean resume;

    @Option(names = "--overwrite", description = "Discard an existing --output and start afresh.")
    boolean overwrite;

    @Option(names = "--judge", defaultValue = "rule", description = "Labeler: rule (built-in tasks only) or http (default: ${DEFAULT-VALUE}).")
    Judge judge;

    // --- rule judge ---
    @Option(names = "--seed", defaultValue = "0", description = "Rule judge: seed of its randomness (default: ${DEFAULT-VALUE}).")
    long seed;

    @InRange(min = 0, max = 1000)
    @Option(names = "--sharpness", defaultValue = "10",
            description = "Rule judge: Bradley-Terry sharpness, p(A) = sigmoid(sharpness * (score A - score B)) (default: ${DEFAULT-VALUE}).")
    double sharpness;

    @InRange(min = 0, max = 1)
    @Option(names = "--misjudge-rate", defaultValue = "0",
            description = "Rule judge: probability of seeing a response's correctness wrongly (default: ${DEFAULT-VALUE}).")
    double misjudgeRate;

    @InRange(min = -10, max = 10)
    @Option(names = "--length-bias", defaultValue = "0",
            description = "Rule judge: weight lambda of preferring longer responses (default: ${DEFAULT-VALUE}).")
    double lengthBias;

    @InRange(min = 0, max = 1)
    @Option(names = "--position-bias", defaultValue = "0",
            description = "Rule judge: probability of picking the first-shown response regardless (default: ${DEFAULT-VALUE}).")
    double positionBias;

    @InRange(min = -10, max = 10)
    @Option(names = "--sycophancy", defaultValue = "0",
            description = "Rule judge: weight of agreeing with the opinion stated in the prompt (default: ${DEFAULT-VALUE}).")
    double sycophancy;

    @InRange(min = 0, max = 1)
    @Option(names = "--noise", defaultValue = "0",
            description = "Rule judge: label noise rate, the probability of flipping a label (default: ${DEFAULT-VALUE}).")
    double noise;

    // --- HTTP judge ---
    @Option(names = "--base-url", description = "HTTP judge: server root; requests go to {base}/v1/chat/completions.")
    String baseUrl;

    @Option(names = "--model", description = "HTTP judge: model name sent with each request.")
    String model;

    @Option(names = "--api-key-env", paramLabel = "VAR",
            description = "HTTP judge: environment variable holding the API key (sent as Bearer; never logged or recorded).")
    String apiKeyEnv;

    @Option(names = "--api-key-file", paramLabel = "FILE", description = "HTTP judge: file holding the API key, instead of --api-key-env.")
    Path apiKeyFile;

    @Option(names = "--template", paramLabel = "FILE",
            description = "HTTP judge: JSON {\"id\", \"system\", \"user\"}; user must contain {prompt}, {response_a}, {response_b} "
                    + "(default: the built-in pairwise-v1).")
    Path template;

    @InRange(min = 0, max = 2)
    @Option(names = "--temperature", defaultValue = "0", description = "HTTP judge: sampling temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @InRange(min = 1, max = 100_000)
    @Option(names = "--max-tokens", defaultValue = "16", description = "HTTP judge: max_tokens per answer (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--single-order", description = "HTTP judge: ask only in the given order instead of both orders "
            + "(cheaper, but position bias is not cancelled).")
    boolean singleOrder;

    @InRange(min = 0, max = 100)
    @Option(names = "--max-retries", defaultValue = "4",
            description = "HTTP judge: retries per call on timeouts, 429 and 5xx, with exponential back-off (default: ${DEFAULT-VALUE}).")
    int maxRetries;

    @InRange(min = 1, max = 4096)
    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "1",
            description = "HTTP judge: requests in flight at once (servers such as vLLM or llama.cpp serve many); records "
                    + "are still written in input order, each fsynced, exactly once per pair (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @InRange(min = 0, max = 1000)
    @Option(names = "--circuit-breaker", paramLabel = "N", defaultValue = "8",
            description = "HTTP judge: after N consecutive timeouts, 429s or 5xx across all requests, pause every request "
                    + "for --circuit-pause-ms; 0 = off (default: ${DEFAULT-VALUE}).")
    int breakerFailures;

    @InRange(min = 0, max = 3_600_000)
    @Option(names = "--circuit-pause-ms", paramLabel = "MS", defaultValue = "10000",
            description = "HTTP judge: how long the circuit breaker pauses (default: ${DEFAULT-VALUE}).")
    long breakerPauseMs;

    @InRange(min = 0, max = 10_000)
    @Option(names = "--rps", defaultValue = "0", description = "HTTP judge: maximum requests per second, 0 = unlimited (default: ${DEFAULT-VALUE}).")
    double rps;

    @InRange(min = 1, max = 3_600_000)
    @Option(names = "--timeout-ms", defaultValue = "60000", description = "HTTP judge: read timeout per request in ms (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @InRange(min = 1, max = 600_000)
    @Option(names = "--connect-timeout-ms", defaultValue = "10000", description = "HTTP judge: connect timeout in ms (default: ${DEFAULT-VALUE}).")
    long connectTimeoutMs;

    @Override
    public Integer call() throws IOException {
        if (runDir != null) {
            try {
                dev.plumbline.rlaif.pipeline.RlaifPipeline.open(runDir, null, System.err).label();
                return 0;
            } catch (IllegalArgumentException | IllegalStateException e) {
                spec.commandLine().getErr().println("label: " + e.getMessage());
                return 2;
            }
        }
        List<String> problems = new ArrayList<>(InRange.Check.all(this));
        if (input == null) problems.add("--input is required");
        else if (!Files.isReadable(input)) problems.add("--input " + input + " cannot be read");
        if (resume && overwrite) problems.add("--resume and --overwrite exclude each other");
        if (!resume && !overwrite && Files.exists(output) && Files.size(output) > 0) {
            problems.add("--output " + output + " already has records; pass --resume to continue it or --overwrite to replace it");
        }
        if (judge == Judge.http) {
            if (baseUrl == null) problems.add("--judge http needs --base-url");
            if (model == null) problems.add("--judge http needs --model");
            if (apiKeyEnv != null && apiKeyFile != null) problems.add("give --api-key-env or --api-key-file, not both");
        }
        Main.failIfProblems(spec.commandLine(), problems);

        PreferenceLabeler labeler;
        try {
            labeler = judge == Judge.rule ? ruleJudge() : httpJudge();
        } catch (IllegalArgumentException e) {
            Main.failIfProblems(spec.commandLine(), List.of(e.getMessage()));
            return 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        List<PairRecord> pairs = Jsonl.read(input, PairRecord.class);
        Jsonl.Mode mode = resume ? Jsonl.Mode.RESUME : overwrite ? Jsonl.Mode.OVERWRITE : Jsonl.Mode.NEW;
        LabelingRun.Summary s = LabelingRun.run(pairs, labeler, output, mode, Clock.systemUTC(), r -> { }, concurrency);
        out.printf("labeled %d of %d pairs with %s (skipped %d already labeled): A %d, B %d, tie %d, failed %d -> %s%n",
                s.labeled(), s.pairs(), labeler.name(), s.skipped(), s.a(), s.b(), s.ties(), s.failed(), output);
        out.flush();
        return 0;
    }

    private PreferenceLabeler ruleJudge() {
        return RuleJudge.builder().seed(seed).sharpness(sharpness).misjudgeRate(misjudgeRate).lengthBias(lengthBias)
                .positionBias(positionBias).sycophancy(sycophancy).noise(noise).build();
    }

    private PreferenceLabeler httpJudge() {
        HttpJudge.Builder b = HttpJudge.builder().baseUrl(baseUrl).model(model).temperature(temperature)
                .maxTokens(maxTokens).bothOrders(!singleOrder).maxRetries(maxRetries).requestsPerSecond(rps)
                .readTimeout(Duration.ofMillis(timeoutMs)).connectTimeout(Duration.ofMillis(connectTimeoutMs))
                .circuitBreaker(breakerFailures, Duration.ofMillis(breakerPauseMs));
        if (apiKeyEnv != null) b.apiKeyFromEnv(apiKeyEnv);
        if (apiKeyFile != null) b.apiKeyFromFile(apiKeyFile);
        if (template != null) {
            JsonNode t = ConfigFile.read(template);
            b.template(new JudgeTemplate(t.path("id").asText(null), t.path("system").asText(""), t.path("user").asText(null)));
        }
        return b.build();
    }
}
