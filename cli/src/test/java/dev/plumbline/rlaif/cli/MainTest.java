// CLI: help text, tasks output, label end to end with resume, config validation all at once.
package dev.plumbline.rlaif.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.data.PreferenceRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    @Test
    void helpListsSubcommandsAndExplainsEveryOption() {
        assertEquals(0, run("--help"), "--help exits 0");
        assertTrue(out.toString().contains("tasks") && out.toString().contains("label"), out.toString());
        assertEquals(0, run("label", "--help"), "label --help");
        for (String opt : List.of("--input", "--output", "--resume", "--judge", "--position-bias", "--length-bias",
                "--sycophancy", "--noise", "--base-url", "--api-key-env", "--rps", "--config")) {
            assertTrue(out.toString().contains(opt), "label help mentions " + opt);
        }
        var spec = Main.commandLine().getSubcommands().get("label").getCommandSpec();
        for (var o : spec.options()) {
            assertTrue(o.description().length > 0 && !o.description()[0].isBlank(), "option " + o.longestName() + " is explained");
        }
    }

    @Test
    void tasksPrintsDeterministicSamples() {
        assertEquals(0, run("tasks", "--count", "5", "--seed", "3"), "tasks exits 0: " + err);
        String first = out.toString();
        List<String> lines = first.lines().toList();
        assertEquals(6, lines.size(), "header + 5 tasks:\n" + first);
        for (String l : lines.subList(1, 6)) assertEquals(3, l.split("\t").length, "prompt, answer, opinion: " + l);
        out.getBuffer().setLength(0);
        run("tasks", "--count", "5", "--seed", "3");
        assertEquals(first, out.toString(), "same seed, same output");
        out.getBuffer().setLength(0);
        assertEquals(0, run("tasks", "--count", "2", "--kinds", "add", "--format", "jsonl", "--opinion-rate", "0"));
        for (String l : out.toString().lines().toList()) assertTrue(l.matches("\\{\"prompt\":\"\\d+\\+\\d+=\",\"response\":\"\\d+\"}"), l);
    }

    @Test
    void badFlagsAreReportedTogether() {
        assertEquals(2, run("tasks", "--opinion-rate", "1.5", "--kinds", "add,divide"), "usage error");
        assertTrue(err.toString().contains("--opinion-rate must be in [0, 1], got 1.5") && err.toString().contains("divide"), err.toString());
    }

    @Test
    void configProblemsAreReportedAllAtOnceBeforeWork() throws Exception {
        Path cfg = dir.resolve("label.json");
        Path outFile = dir.resolve("prefs.jsonl");
        Files.writeString(cfg, "{\"input\": \"nowhere.jsonl\", \"output\": \"" + outFile + "\", \"posiiton-bias\": 0.3,"
                + " \"noise\": \"lots\", \"position-bias\": 3, \"max-retries\": 2.5, \"judge\": \"gpt\", \"resume\": 1}");
        assertEquals(2, run("label", "--config", cfg.toString()), "config errors exit 2");
        String e = err.toString();
        for (String expect : List.of("6 problem(s)", "unknown key \"posiiton-bias\"", "\"noise\" must be a number",
                "\"position-bias\" must be in [0, 1], got 3", "\"max-retries\" must be a whole number",
                "\"judge\" must be one of [rule, http]", "\"resume\" must be true or false")) {
            assertTrue(e.contains(expect), "expected '" + expect + "' in:\n" + e);
        }
        assertFalse(Files.exists(outFile), "no work started");
    }

    @Test
    void labelWithRuleJudgeFromConfigThenResume() throws Exception {
        Path pairs = dir.resolve("pairs.jsonl");
        Jsonl.writeAtomic(pairs, List.of(new PairRecord("p1", "12+34=", "46", "47"),
                new PairRecord("p2", "rev abc", "cba yes", "cba")));
        Path prefs = dir.resolve("preferences.jsonl");
        Path cfg = dir.resolve("label.json");
        Files.writeString(cfg, "{\"judge\": \"rule\", \"position-bias\": 0.25, \"seed\": 9}");
        assertEquals(0, run("label", "--config", cfg.toString(), "--input", pairs.toString(), "--output", prefs.toString()),
                "label exits 0: " + err);
        assertTrue(out.toString().contains("labeled 2 of 2"), out.toString());
        List<PreferenceRecord> recs = Jsonl.read(prefs, PreferenceRecord.class);
        assertEquals(0.25, ((Number) recs.get(0).labelerSettings().get("position_bias")).doubleValue(), 0, "config value applied");
        assertEquals(9L, ((Number) recs.get(0).labelerSettings().get("seed")).longValue(), "config seed applied");

        assertEquals(2, run("label", "--input", pairs.toString(), "--output", prefs.toString()), "existing output without --resume");
        assertTrue(err.toString().contains("already has records"), err.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("label", "--input", pairs.toString(), "--output", prefs.toString(), "--resume"));
        assertTrue(out.toString().contains("labeled 0 of 2") && out.toString().contains("skipped 2"), out.toString());
    }

    @Test
    void malformedInputNamesFileAndLine() throws Exception {
        Path pairs = dir.resolve("pairs.jsonl");
        Files.writeString(pairs, "{\"prompt\":\"1+1=\",\"response_a\":\"2\",\"response_b\":\"3\"}\n{oops\n");
        assertEquals(1, run("label", "--input", pairs.toString(), "--output", dir.resolve("o.jsonl").toString()));
        assertTrue(err.toString().contains(pairs + ":2:"), err.toString());
    }
}
