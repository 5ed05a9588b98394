// Bradley–Terry training of pθ on a small synthetic problem, the split, and bad input.
package dev.plumbline.rlaif.reward;

import dev.plumbline.nn.GPTConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PreferenceModelTrainerTest {

    static final GPTConfig TINY = PreferenceModel.config(1, 2, 32, 48);

    @Test
    void learnsRightOverWrongAnswersOnHeldOutPairs() {
        List<PreferenceExample> data = SyntheticPairs.casePaddingPairs(3, 0, 240);
        PreferenceModel pm = new PreferenceModel(TINY, 11);
        var cfg = PreferenceModelTrainer.Config.defaults().withEpochs(3).withBatchSize(16).withLr(3e-3)
                .withHeldOutFraction(40.0 / 240).withSeed(5);
        PreferenceModelReport r = new PreferenceModelTrainer(cfg).train(pm, data);
        System.out.println(r.summary());
        assertEquals(40, r.heldOutPairs(), "held-out size");
        assertEquals(200, r.trainPairs(), "train size");
        assertEquals(3 * 13, r.steps(), "steps = epochs * ceil(200/16)");
        assertEquals(r.steps(), r.trainLoss().size(), "one loss per step");
        // before training the random head sits near chance; a broken gradient stays there
        assertTrue(r.before().goldAccuracy() < 0.7, "untrained accuracy " + r.before().goldAccuracy());
        assertTrue(r.heldOut().goldAccuracy() >= 0.9,
                "held-out accuracy vs gold after training: " + r.heldOut().goldAccuracy() + " (before " + r.before().goldAccuracy() + ")");
        assertEquals(40, r.heldOut().goldPairs(), "every synthetic pair has a decided gold verdict");
        assertTrue(r.heldOut().loss() < 0.2, "held-out BT loss " + r.heldOut().loss() + " should be far below ln 2");
        assertTrue(r.heldOut().calibration().ece() < 0.2, "ECE " + r.heldOut().calibration().ece());
        double first = r.epochLoss().get(0), last = r.epochLoss().get(r.epochLoss().size() - 1);
        assertTrue(last < 0.5 * first, "train loss should fall: epoch losses " + r.epochLoss());
    }

    @Test
    void splitIsSeededDisjointAndComplete() {
        List<PreferenceExample> data = SyntheticPairs.casePaddingPairs(1, 0, 30);
        var t = new PreferenceModelTrainer(PreferenceModelTrainer.Config.defaults().withHeldOutFraction(0.2).withSeed(9));
        var a = t.split(data);
        var b = t.split(data);
        assertEquals(6, a.heldOut().size(), "round(30 * 0.2)");
        assertEquals(24, a.train().size(), "the rest trains");
        assertEquals(a.heldOut(), b.heldOut(), "same seed, same split");
        var all = new java.util.HashSet<>(a.train());
        all.addAll(a.heldOut());
        assertEquals(new java.util.HashSet<>(data), all, "split covers every example once");
        var tiny = new PreferenceModelTrainer(PreferenceModelTrainer.Config.defaults().withHeldOutFraction(0.01));
        assertEquals(1, tiny.split(data.subList(0, 3)).heldOut().size(), "a positive fraction holds out at least one");
    }

    @Test
    void tiesTrainTowardEqualScores() {
        // soft target 0.5 on the same pair from both sides: the optimum is f_a = f_b
        PreferenceModel pm = new PreferenceModel(TINY, 2);
        var data = List.of(new PreferenceExample("up abc", "ABC", "abc", null, 0.5));
        var cfg = PreferenceModelTrainer.Config.defaults().withEpochs(30).withBatchSize(1).withHeldOutFraction(0).withLr(3e-3);
        new PreferenceModelTrainer(cfg).train(pm, data);
        double p = pm.probability("up abc", "ABC", "abc");
        assertEquals(0.5, p, 0.05, "a tie trained alone ends near P = 0.5");
    }

    @Test
    void badInputIsNamed() {
        PreferenceModel pm = new PreferenceModel(TINY, 1);
        var t = new PreferenceModelTrainer(PreferenceModelTrainer.Config.defaults());
        var e1 = assertThrows(IllegalArgumentException.class, () -> t.train(pm, List.of()));
        assertTrue(e1.getMessage().contains("no examples"), e1.getMessage());
        var bad = List.of(new PreferenceExample("up abc", "ABC", "abc", null), new PreferenceExample("up abc", "AB!", "abc", null));
        var e2 = assertThrows(IllegalArgumentException.class, () -> t.train(pm, bad, List.of()));
        assertTrue(e2.getMessage().contains("example 1") && e2.getMessage().contains("'!'") || e2.getMessage().contains("!"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> PreferenceModelTrainer.Config.defaults().withHeldOutFraction(1.0));
        assertTrue(e3.getMessage().contains("heldOutFraction"), e3.getMessage());
        var e4 = assertThrows(IllegalArgumentException.class, () -> new PreferenceExample("p", "a", "b", 0.3));
        assertTrue(e4.getMessage().contains("goldChosenBetter"), e4.getMessage());
    }
}
