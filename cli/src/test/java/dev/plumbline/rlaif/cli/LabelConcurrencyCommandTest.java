// `plumbline label --concurrency N`: requests overlap, records come out in order; N = 0 is refused.
package dev.plumbline.rlaif.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.data.PreferenceRecord;
import dev.plumbline.rlaif.label.ConcurrentLabelingTest;
import dev.plumbline.rlaif.label.FakeChatServer;
import dev.plumbline.rlaif.label.Preference;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelConcurrencyCommandTest {

    @Test
    void theCliLabelsWithRequestsInFlightAndRejectsZero(@TempDir Path dir) throws Exception {
        AtomicInteger inFlight = new AtomicInteger(), maxInFlight = new AtomicInteger();
        try (FakeChatServer server = new FakeChatServer(ConcurrentLabelingTest.rightAnswer(10, null, inFlight, maxInFlight))) {
            Path in = dir.resolve("pairs.jsonl"), out = dir.resolve("prefs.jsonl");
            StringBuilder jsonl = new StringBuilder();
            for (PairRecord p : ConcurrentLabelingTest.pairs(12)) jsonl.append(Jsonl.MAPPER.writeValueAsString(p)).append('\n');
            Files.writeString(in, jsonl);
            StringWriter err = new StringWriter(), o = new StringWriter();
            int code = Main.run(new String[] {"label", "--judge", "http", "--base-url", server.baseUrl(),
                    "--model", "m", "--input", in.toString(), "--output", out.toString(), "--concurrency", "6"},
                    new PrintWriter(o), new PrintWriter(err));
            assertEquals(0, code, err.toString());
            assertTrue(maxInFlight.get() > 1, "requests overlapped: " + maxInFlight.get());
            List<PreferenceRecord> rs = Jsonl.read(out, PreferenceRecord.class);
            assertEquals(12, rs.size());
            for (int i = 0; i < 12; i++) assertEquals(i % 2 == 0 ? Preference.A : Preference.B, rs.get(i).label());
            err = new StringWriter();
            code = Main.run(new String[] {"label", "--judge", "http", "--base-url", server.baseUrl(),
                    "--model", "m", "--input", in.toString(), "--output", dir.resolve("x.jsonl").toString(), "--concurrency", "0"},
                    new PrintWriter(new StringWriter()), new PrintWriter(err));
            assertEquals(2, code);
            assertTrue(err.toString().contains("--concurrency"), err.toString());
        }
    }
}
