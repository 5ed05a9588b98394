// A local chat-completions endpoint for tests: scripted replies, request counting, header capture.
package dev.plumbline.rlaif.label;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/** Answers POST /v1/chat/completions with whatever the script returns for (call number, request body). */
public final class FakeChatServer implements AutoCloseable {

    /** A scripted reply. */
    public record Reply(int status, String body, long delayMs, String retryAfter) {
        public static Reply content(String text) {
            return new Reply(200, completion(text), 0, null);
        }

        static Reply status(int status, String body) {
            return new Reply(status, body, 0, null);
        }
    }

    public static String completion(String content) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + com.fasterxml.jackson.databind.node.TextNode.valueOf(content) + "},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":1,\"total_tokens\":11}}";
    }

    public final AtomicInteger requests = new AtomicInteger();
    final List<String> bodies = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    public FakeChatServer(BiFunction<Integer, String, Reply> script) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-chat-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/v1/chat/completions", ex -> handle(ex, script));
        server.start();
    }

    private void handle(HttpExchange ex, BiFunction<Integer, String, Reply> script) throws IOException {
        int n = requests.incrementAndGet();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        bodies.add(body);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        authorizations.add(auth == null ? "" : auth);
        Reply r = script.apply(n, body);
        if (r.delayMs() > 0) {
            try {
                Thread.sleep(r.delayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (r.retryAfter() != null) ex.getResponseHeaders().set("Retry-After", r.retryAfter());
        try {
            ex.sendResponseHeaders(r.status(), out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        } catch (IOException clientGone) {
            // the client timed out and closed the connection
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
