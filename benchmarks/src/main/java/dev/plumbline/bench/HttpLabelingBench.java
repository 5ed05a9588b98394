// JMH: labeling throughput against a local chat-completions server with a fixed latency, by calls in flight.
package dev.plumbline.bench;

import com.sun.net.httpserver.HttpServer;
import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.LabelingRun;
import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.label.HttpJudge;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link LabelingRun} with an {@link HttpJudge} asking both orders, against a server on
 * 127.0.0.1 that answers every request after {@code latencyMs}, with {@code concurrency} calls in
 * flight. One op labels {@code 4·concurrency} pairs (at least 16) into a fresh file, each record
 * fsynced, as {@code plumbline label --concurrency N} does.
 *
 * <p>Natural unit: pairs/s = pairs per op / (seconds per op). The ideal is
 * concurrency / (2·latency) (two sequential requests per pair); the target is 0.8 of it
 * until the server, the CPU or the disk (one fsync per record) saturates.
 *
 * <pre>
 * TORCH=0 benchmarks/run.sh HttpLabelingBench
 * </pre>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1)
@State(Scope.Benchmark)
public class HttpLabelingBench {
    /** Calls in flight. */
    @Param({"1", "8", "32", "128"})
    public int concurrency;

    /** The fake judge's answer time per request. */
    @Param({"100"})
    public int latencyMs;

    private HttpServer server;
    private ExecutorService serverPool;
    private HttpJudge judge;
    private List<PairRecord> pairs;
    private Path dir;
    private int op;

    /** Starts the server and builds the pairs. */
    @Setup(Level.Trial)
    public void setup() throws IOException {
        // TCP_NODELAY, as real servers (uvicorn, llama.cpp) set it: without it the JDK server's two writes
        // per response meet the client's delayed ACK and every request takes ~40 ms longer
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        serverPool = Executors.newFixedThreadPool(512);
        server.setExecutor(serverPool);
        byte[] reply = ("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"A\"}}]}")
                .getBytes(StandardCharsets.UTF_8);
        server.createContext("/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            try {
                Thread.sleep(latencyMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, reply.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(reply);
            }
        });
        server.start();
        judge = HttpJudge.builder().baseUrl("http://127.0.0.1:" + server.getAddress().getPort()).model("bench")
                .readTimeout(Duration.ofSeconds(30)).build();
        int n = Math.max(16, 4 * concurrency);
        pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pairs.add(new PairRecord("p" + i, i + "+1=", String.valueOf(i + 1), String.valueOf(i + 2)));
        }
        dir = Files.createTempDirectory("http-labeling-bench");
    }

    /** Labels all pairs into a new file; returns the records written. */
    @Benchmark
    public int label() throws IOException {
        Path out = dir.resolve("prefs-" + (op++) + ".jsonl");
        return LabelingRun.run(pairs, judge, out, Jsonl.Mode.NEW, Clock.systemUTC(), r -> { }, concurrency).labeled();
    }

    /** Stops the server and removes the files. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        server.stop(0);
        serverPool.shutdownNow();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
