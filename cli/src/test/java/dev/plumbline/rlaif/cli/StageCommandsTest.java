// `plumbline sft|label|train-rm|ppo|eval|demo` options: every config problem is named at once, before any work starts.
package dev.plumbline.rlaif.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageCommandsTest {

    @Test
    void anUnknownAlgorithmIsNamedBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"sft", "--run-dir", dir.resolve("a").toString(), "--algorithm", "reinforce"},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, code);
        assertTrue(err.toString().contains("unknown algorithm 'reinforce'") && err.toString().contains("grpo"), err.toString());
        assertFalse(Files.exists(dir.resolve("a").resolve("config.json")), "no work started");
    }

    @Test
    void cliReportsEveryConfigProblemAtOnce(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, "{\"ppo\": {\"clipRange\": 0, \"batchSize\": 10, \"minibatchSize\": 4, \"bogus\": 1},"
                + " \"sft\": {\"lr\": -1}}");
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"sft", "--run-dir", dir.resolve("r").toString(), "--pipeline-config", cfg.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, code);
        assertTrue(err.toString().contains("ppo.bogus: unknown key"), err.toString());
        assertFalse(Files.exists(dir.resolve("r").resolve("config.json")), "no work started");
        Files.writeString(cfg, "{\"ppo\": {\"clipRange\": 0, \"batchSize\": 10, \"minibatchSize\": 4}, \"sft\": {\"lr\": -1}}");
        err = new StringWriter();
        code = Main.run(new String[] {"sft", "--run-dir", dir.resolve("r").toString(), "--pipeline-config", cfg.toString()},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(2, code);
        for (String s : List.of("ppo.clipRange", "ppo.batchSize (10) must be divisible by ppo.minibatchSize (4)", "sft.lr")) {
            assertTrue(err.toString().contains(s), "missing '" + s + "' in: " + err);
        }
    }
}
