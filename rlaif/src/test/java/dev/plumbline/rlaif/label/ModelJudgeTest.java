// ModelJudge: a transformer labeler trained on gold pairs; accuracy grows with gold data; probabilities and provenance recorded.
package dev.plumbline.rlaif.label;

import dev.plumbline.rlaif.reward.PreferenceExample;
import dev.plumbline.rlaif.reward.PreferenceModelTrainer;
import dev.plumbline.rlaif.reward.SyntheticPairs;
import dev.plumbline.rlaif.task.GoldScorer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ModelJudgeTest {

    /** Test pairs in both orders (even index: right answer first), far from the training task indices. */
    static List<LabelPair> heldOutPairs(int n) {
        List<PreferenceExample> ex = SyntheticPairs.echoPairs(3, 100_000, n);
        List<LabelPair> out = new ArrayList<>();
        for (int i = 0; i < ex.size(); i++) {
            PreferenceExample e = ex.get(i);
            out.add(i % 2 == 0 ? new LabelPair(i, e.prompt(), e.chosen(), e.rejected())
                    : new LabelPair(i, e.prompt(), e.rejected(), e.chosen()));
        }
        return out;
    }

    static double goldAgreement(ModelJudge judge, List<LabelPair> pairs) {
        GoldScorer gold = new GoldScorer();
        List<Judgement> js = judge.labelAll(pairs);
        double hits = 0;
        for (int i = 0; i < pairs.size(); i++) {
            LabelPair p = pairs.get(i);
            boolean aBetter = gold.score(p.prompt(), p.responseA()).score() > gold.score(p.prompt(), p.responseB()).score();
            Preference want = aBetter ? Preference.A : Preference.B;
            assertNotNull(js.get(i).probabilityA(), "probability recorded for pair " + i);
            assertEquals(js.get(i).probabilityA() > 0.5 ? Preference.A : Preference.B, js.get(i).preferred(),
                    "label follows the recorded probability (no tie band) for pair " + i);
            if (js.get(i).preferred() == want) hits++;
        }
        return hits / pairs.size();
    }

    static ModelJudge judge(int n) {
        List<LabelPair> raw = new ArrayList<>();
        List<PreferenceExample> ex = SyntheticPairs.echoPairs(3, 0, n);
        for (int i = 0; i < ex.size(); i++) {
            PreferenceExample e = ex.get(i);   // present both orders so gold, not position, orients the pairs
            raw.add(i % 2 == 0 ? new LabelPair(i, e.prompt(), e.chosen(), e.rejected())
                    : new LabelPair(i, e.prompt(), e.rejected(), e.chosen()));
        }
        List<PreferenceExample> gold = ModelJudge.goldPairs(raw, new GoldScorer());
        assertEquals(n, gold.size(), "every synthetic pair has a gold winner");
        var cfg = ModelJudge.Config.defaults().withSeed(4).withTrainer(PreferenceModelTrainer.Config.defaults()
                .withEpochs(6).withLr(3e-3).withBatchSize(16).withHeldOutFraction(0.125).withSeed(2));
        return ModelJudge.trainOnGold(gold, cfg);
    }

    @Test
    void accuracyGrowsWithGoldPairs() {
        List<LabelPair> test = heldOutPairs(120);
        ModelJudge small = judge(16), large = judge(256);
        double accSmall = goldAgreement(small, test), accLarge = goldAgreement(large, test);
        System.out.printf("ModelJudge gold agreement on 120 held-out pairs: n=16 → %.3f, n=256 → %.3f%n", accSmall, accLarge);
        assertTrue(accLarge > accSmall + 0.05, "more gold pairs should label better: n=16 " + accSmall + ", n=256 " + accLarge);
        assertEquals(224, large.settings().get("gold_pairs"), "settings record the 224 training pairs of 256 (32 held out)");
        assertEquals(32, large.settings().get("held_out_pairs"), "held-out pairs recorded");
        assertTrue(large.settings().containsKey("held_out_accuracy"), "settings record held-out accuracy");
        assertEquals("model-judge", large.name(), "name");
    }

    @Test
    void unreadablePairFailsInsteadOfThrowing() {
        ModelJudge j = judge(16);
        List<Judgement> js = j.labelAll(List.of(new LabelPair(0, "up abc", "ABC", "abc"), new LabelPair(1, "up abc", "AB!", "abc")));
        assertTrue(js.get(0).succeeded(), "readable pair labelled");
        assertEquals(Preference.FAILED, js.get(1).preferred(), "character outside the alphabet");
        assertTrue(js.get(1).failureReason().contains("'!'") || js.get(1).failureReason().contains("!"), js.get(1).failureReason());
        assertEquals(js.get(0), j.label(new LabelPair(0, "up abc", "ABC", "abc")), "label() agrees with labelAll()");
    }
}
