// `plumbline label --judge http --api-key-file` against a local fake server that echoes the key
// back: the key must not appear in any file under the output directory nor in captured output.
package dev.plumbline.rlaif.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.label.FakeChatServer;
import dev.plumbline.testing.TestSeeds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelSecretTest {
    private static final String KEY = "sk-cli-" + Long.toHexString(TestSeeds.seed("LabelSecretTest.KEY")) + "-SECRET";

    @TempDir
    Path dir;

    @Test
    void apiKeyFromFileNeverReachesOutputFilesOrStreams() throws Exception {
        Path keyFile = dir.resolve("secrets").resolve("judge.key");
        Files.createDirectories(keyFile.getParent());
        Files.writeString(keyFile, KEY + "\n");
        Path outDir = dir.resolve("run");
        Path pairs = dir.resolve("pairs.jsonl");
        Jsonl.writeAtomic(pairs, List.of(new PairRecord("p1", "12+34=", "46", "47"), new PairRecord("p2", "rev ab", "ba", "ab"),
                new PairRecord("p3", "1+1=", "2", "3")));
        List<String> seenAuth = new ArrayList<>();
        StringWriter out = new StringWriter(), err = new StringWriter();
        ByteArrayOutputStream sysErr = new ByteArrayOutputStream(), sysOut = new ByteArrayOutputStream();
        PrintStream oldErr = System.err, oldOut = System.out;
        // Replies echo the Authorization header: a verdict, a 503 (retried), a verdict, then 401s.
        try (FakeChatServer server = new FakeChatServer((n, body) -> {
            String echo = "Bearer " + KEY;
            seenAuth.add(echo);
            if (n == 1 || n == 3) return FakeChatServer.Reply.content("A. (auth was " + echo + ")");
            if (n == 2) return new FakeChatServer.Reply(503, "upstream said: " + echo, 0, null);
            return new FakeChatServer.Reply(401, "{\"error\":\"bad key " + echo + "\"}", 0, null);
        })) {
            System.setErr(new PrintStream(sysErr, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(sysOut, true, StandardCharsets.UTF_8));
            int code;
            try {
                code = Main.run(new String[] {"label", "--judge", "http", "--base-url", server.baseUrl(), "--model", "judge-m",
                        "--api-key-file", keyFile.toString(), "--input", pairs.toString(),
                        "--output", outDir.resolve("preferences.jsonl").toString(), "--max-retries", "1", "--timeout-ms", "2000"},
                        new PrintWriter(out), new PrintWriter(err));
            } finally {
                System.setErr(oldErr);
                System.setOut(oldOut);
            }
            assertEquals(0, code, "labeling finishes (failures are recorded): " + err);
            assertTrue(server.requests.get() >= 4, "the fake server was asked: " + server.requests.get());
        }
        StringBuilder everything = new StringBuilder();
        List<Path> files;
        try (Stream<Path> s = Files.walk(outDir)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertFalse(files.isEmpty(), "the labeler wrote files");
        for (Path f : files) {
            String content = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
            assertFalse(content.contains(KEY), "API key leaked into " + f + ":\n" + content);
            everything.append(content);
        }
        for (String captured : new String[] {out.toString(), err.toString(), sysOut.toString(StandardCharsets.UTF_8),
                sysErr.toString(StandardCharsets.UTF_8)}) {
            assertFalse(captured.contains(KEY), "API key leaked into captured output:\n" + captured);
        }
        assertTrue(everything.toString().contains("auth was Bearer ***"), "the echoed key is masked in raw judge text:\n" + everything);
        assertTrue(out.toString().contains("labeled 3 of 3"), out.toString());
    }
}
