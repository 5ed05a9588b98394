// Trainer fault injection: a tiny model whose loss (or gradient) turns NaN/Inf on a chosen step.
// FAIL stops naming the step (and in anomaly mode the op) without applying the update; SKIP_STEP
// leaves the parameters unchanged for that step and counts it in metrics.jsonl.
package dev.plumbline.nn.train;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plumbline.nn.LanguageModel;
import dev.plumbline.nn.Module;
import dev.plumbline.nn.Parameter;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.Anomaly;
import dev.plumbline.tensor.autograd.AnomalyException;
import dev.plumbline.tensor.random.Generator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NonFiniteStepTest {
    private static final int VOCAB = TrainerTest.VOCAB;

    /** What the poisoned forward pass does. */
    enum Poison {
        /** log(-1) in the forward: the loss is NaN. */
        NAN_LOSS,
        /** sqrt of a zero parameter: forward finite, its gradient infinite. */
        INF_GRAD
    }

    /** A bigram LM (like TinyLm) whose forward is poisoned on training call {@code poisonCall} (1-based). */
    static final class PoisonableLm extends Module implements LanguageModel {
        final Parameter embed;
        final Parameter head;
        final Parameter gate;
        final int poisonCall;
        final Poison poison;
        int calls;

        PoisonableLm(long seed, int poisonCall, Poison poison) {
            Generator g = new Generator(seed);
            embed = param("wte", Tensor.randn(g, VOCAB, 8).mul(0.5f), true);
            head = param("head_weight", Tensor.randn(g, VOCAB, 8).mul(0.5f), true);
            gate = param("gate", Tensor.zeros(1), false);
            this.poisonCall = poisonCall;
            this.poison = poison;
        }

        @Override
        public Tensor logits(Tensor ids) {
            Tensor logits = embed.data().embedding(ids).matmul(head.data().transpose(0, 1));
            if (++calls != poisonCall) return logits.add(gate.data()); // gate is 0: a no-op that keeps it in the graph
            return poison == Poison.NAN_LOSS
                    ? logits.add(Tensor.full(-1f, 1).log())
                    : logits.add(gate.data().sqrt());
        }

        @Override
        public int vocabSize() {
            return VOCAB;
        }

        @Override
        public int contextLength() {
            return 16;
        }
    }

    private static TrainerConfig cfg(TrainerConfig.NonFinitePolicy policy) {
        return new TrainerConfig().batchSize(2).seqLen(8).maxSteps(5).lr(0.05).progress(false).nonFinitePolicy(policy);
    }

    private static Corpus data() {
        return Corpus.fromText("abcdefgh".repeat(50), TrainerTest.LETTERS);
    }

    private static List<float[]> snapshot(Module m) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : m.parameters()) out.add(p.data().toFloatArray());
        return out;
    }

    private static void assertSameParams(List<float[]> want, Module m, String why) {
        List<float[]> got = snapshot(m);
        for (int i = 0; i < want.size(); i++) assertArrayEquals(want.get(i), got.get(i), why + " (parameter #" + i + ")");
    }

    @Test
    void failPolicyNamesTheStepAndDoesNotApplyTheUpdate() {
        PoisonableLm model = new PoisonableLm(1, 3, Poison.NAN_LOSS);
        Trainer t = new Trainer(model, cfg(TrainerConfig.NonFinitePolicy.FAIL), data(), null);
        t.fit(2);
        List<float[]> before = snapshot(model);
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> t.fit(5));
        assertTrue(e.getMessage().startsWith("Trainer: loss is NaN at step 3 (lr "), e.getMessage());
        assertTrue(e.getMessage().contains("the update was not applied") && e.getMessage().contains("SKIP_STEP"), e.getMessage());
        assertEquals(2, t.step(), "the failed step is not counted as done");
        assertSameParams(before, model, "a failed step leaves the last finite parameters");
    }

    @Test
    void failPolicyNamesTheParametersWhenOnlyTheGradientIsInfinite() {
        // step 1: gate is still exactly 0 (the optimizer would move it afterwards)
        PoisonableLm model = new PoisonableLm(2, 1, Poison.INF_GRAD);
        Trainer t = new Trainer(model, cfg(TrainerConfig.NonFinitePolicy.FAIL), data(), null);
        ArithmeticException e = assertThrows(ArithmeticException.class, t::fit);
        assertTrue(e.getMessage().startsWith("Trainer: loss is finite ("), e.getMessage());
        assertTrue(e.getMessage().contains("but the gradient norm is NaN at step 1"), e.getMessage());
        // gate is parameter #2 of shape [1]: the clip check names it
        assertTrue(e.getMessage().contains("non-finite gradients in parameters [#2 [1]]"), e.getMessage());
    }

    @Test
    void anomalyModeNamesTheStepAndTheOp() {
        PoisonableLm model = new PoisonableLm(3, 2, Poison.NAN_LOSS);
        Trainer t = new Trainer(model, cfg(TrainerConfig.NonFinitePolicy.SKIP_STEP), data(), null);
        try (Anomaly a = Anomaly.enable()) {
            AnomalyException e = assertThrows(AnomalyException.class, t::fit);
            assertTrue(e.getMessage().startsWith("Trainer: step 2 (micro-batch 1 of 1): anomaly: op 'log' produced NaN"),
                    e.getMessage());
        }
    }

    @Test
    void skipPolicyLeavesParametersUnchangedAndCountsTheStep(@TempDir Path run) throws Exception {
        PoisonableLm model = new PoisonableLm(4, 3, Poison.NAN_LOSS);
        Trainer t = new Trainer(model, cfg(TrainerConfig.NonFinitePolicy.SKIP_STEP).runDir(run), data(), null);
        t.fit(2);
        List<float[]> before = snapshot(model);
        TrainResult r3 = t.fit(3);
        assertTrue(Double.isNaN(r3.losses()[0]), "step 3's loss is reported as NaN");
        assertSameParams(before, model, "the skipped step changed nothing");
        assertEquals(1, t.skippedSteps(), "one skipped step");
        for (Parameter p : model.parameters()) {
            assertTrue(p.grad() == null || p.grad().isNonFinite().sum().item() == 0, "the NaN gradients were dropped");
        }
        TrainResult r = t.fit(5);
        assertTrue(Double.isFinite(r.losses()[0]) && Double.isFinite(r.losses()[1]), "steps 4 and 5 are finite again");
        List<float[]> after = snapshot(model);
        assertFalse(java.util.Arrays.equals(before.get(0), after.get(0)), "training went on after the skip");
        ObjectMapper json = new ObjectMapper();
        List<Long> skipped = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            var n = json.readTree(line);
            if (n.has("train/skipped_steps")) skipped.add(n.get("train/skipped_steps").asLong());
        }
        assertEquals(List.of(0L, 0L, 1L, 1L, 1L), skipped, "train/skipped_steps per step in metrics.jsonl");
    }
}
