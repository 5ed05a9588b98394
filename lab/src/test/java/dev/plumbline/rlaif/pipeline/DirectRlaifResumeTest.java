package dev.plumbline.rlaif.pipeline;

import dev.plumbline.nn.GPT;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import dev.plumbline.rlaif.label.RuleJudge;
import dev.plumbline.rlaif.policy.Policies;
import dev.plumbline.rlaif.policy.TextCodec;
import dev.plumbline.rlaif.ppo.PpoConfig;
import dev.plumbline.rlaif.ppo.PromptSource;
import dev.plumbline.rlaif.rl.DirectRlaif;
import dev.plumbline.rlaif.rl.JudgeReward;
import dev.plumbline.rlaif.rl.RlooConfig;
import dev.plumbline.rlaif.rl.RlooTrainer;
import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskSuite;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Direct RLAIF with a judge whose answers are random per labeling index (position bias and
 * misjudgements): two steps, a checkpoint, a fresh optimiser restored from it and two more steps
 * give the numbers and weights of four uninterrupted steps — the judge's queries are numbered by
 * step, not by how many were asked since the process started.
 */
class DirectRlaifResumeTest {
    static final TextCodec CODEC = TextCodec.builtIn();
    static final TaskSuite SUITE = TaskSuite.builder().seed(5).build();
    static final PromptSource PROMPTS = (step, size) -> {
        List<String> out = new ArrayList<>();
        for (Task t : SUITE.tasks(step * size, size)) {
            out.add(t.prompt());
        }
        return out;
    };

    record Run(DirectRlaif optimizer, GPT policy, Generator gen) {}

    static Run create(GPT reference) {
        PpoConfig cfg = new PpoConfig();
        cfg.batchSize = 8;
        cfg.minibatchSize = 4;
        cfg.epochs = 1;
        cfg.maxNewTokens = 6;
        RlooConfig rc = new RlooConfig();
        rc.numGenerations = 4;
        PreferenceLabeler judge = RuleJudge.builder().seed(3).positionBias(0.3).misjudgeRate(0.2).build();
        GPT policy = Policies.copyOf(reference);
        Generator gen = new Generator(11);
        JudgeReward reward = new JudgeReward(judge,
                ps -> Policies.sample(reference, CODEC, ps, 0, cfg.maxNewTokens, gen).responses(), 1);
        return new Run(new DirectRlaif(new RlooTrainer(policy, reference, reward, PROMPTS, CODEC, cfg, rc, gen), reward),
                policy, gen);
    }

    static Map<String, Double> withoutTime(Map<String, Double> m) {
        Map<String, Double> out = new TreeMap<>(m);
        out.keySet().removeIf(k -> k.startsWith("time/"));
        return out;
    }

    @Test
    void aRestoredRunAsksTheJudgeWhatAnUninterruptedOneWould(@TempDir Path dir) throws Exception {
        GPT reference = Policies.create(CODEC, 1, 2, 32, 42, 7, Device.cpu());
        Run whole = create(reference);
        List<Map<String, Double>> want = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            want.add(withoutTime(whole.optimizer().step()));
        }

        Run first = create(reference);
        List<Map<String, Double>> got = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            got.add(withoutTime(first.optimizer().step()));
        }
        PpoCheckpoint ckpt = new PpoCheckpoint(dir.resolve("ppo"));
        ckpt.save(first.optimizer(), first.gen());
        Run second = create(reference);
        assertEquals(2, ckpt.restore(second.optimizer(), second.gen()));
        for (int i = 0; i < 2; i++) {
            got.add(withoutTime(second.optimizer().step()));
        }
        assertEquals(want, got);
        for (Map.Entry<String, Tensor> e : whole.policy().stateDict().entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), second.policy().stateDict().get(e.getKey()).toFloatArray(),
                    "weights " + e.getKey());
        }
        assertEquals("d-rlaif", second.optimizer().algorithm());
        double p = want.get(0).get("judge/win_rate_vs_ref");
        assertTrue(p >= 0 && p <= 1, "win rate " + p);
    }
}
