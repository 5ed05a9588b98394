// A labeler that is itself a small transformer preference model trained on a few gold-labelled pairs
// (the bootstrapping case of RLAIF: its mistakes come from limited data and capacity, not injected noise).
package dev.plumbline.rlaif.label;

import dev.plumbline.nn.GPTConfig;
import dev.plumbline.rlaif.reward.PreferenceExample;
import dev.plumbline.rlaif.reward.PreferenceModel;
import dev.plumbline.rlaif.reward.PreferenceModelReport;
import dev.plumbline.rlaif.reward.PreferenceModelTrainer;
import dev.plumbline.rlaif.task.GoldScorer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Labels a pair with a {@link PreferenceModel}: p = σ(f(x, a) − f(x, b)); A when p &gt; 0.5 + tieBand,
 * B when p &lt; 0.5 − tieBand, else TIE; p is recorded as {@link Judgement#probabilityA()}. Shown in
 * one order only ("AB": a scalar model has no position to be biased by). A pair the model cannot
 * encode (a character outside the alphabet, too long) gets a FAILED judgement, never an exception.
 *
 * <pre>{@code
 * List<PreferenceExample> gold = ModelJudge.goldPairs(pairs, new GoldScorer());   // oriented by gold
 * ModelJudge judge = ModelJudge.trainOnGold(gold, ModelJudge.Config.defaults());
 * Judgement j = judge.label(new LabelPair(0, "up abc", "ABC", "abc"));            // A, p ≈ 0.9
 * judge.settings().get("gold_pairs");                                               // how many it saw
 * }</pre>
 */
public final class ModelJudge implements PreferenceLabeler {

    /** Behaviour version; bump when the same input could be labelled differently. */
    public static final String VERSION = "1";
    /** Template id: what the model reads. */
    public static final String TEMPLATE_ID = "bt-scalar:prompt+response+eos";

    /**
     * How to build and train the judge.
     *
     * @param model     GPT config in the {@link PreferenceModel} token format
     * @param seed      weight init seed
     * @param trainer   training settings (its held-out fraction measures the judge's accuracy)
     * @param tieBand   |p − 0.5| ≤ tieBand gives TIE, in [0, 0.5)
     */
    public record Config(GPTConfig model, long seed, PreferenceModelTrainer.Config trainer, double tieBand) {
        public Config {
            if (model == null || trainer == null) throw new IllegalArgumentException("ModelJudge.Config: model and trainer must be set");
            if (!(tieBand >= 0 && tieBand < 0.5)) throw new IllegalArgumentException("ModelJudge.Config: tieBand must be in [0, 0.5), got " + tieBand);
        }

        /** 1 layer, 2 heads, d 32, context 48; trainer defaults with 6 epochs, lr 3e-3, 20% held out; no tie band. */
        public static Config defaults() {
            return new Config(PreferenceModel.config(1, 2, 32, 48), 0,
                    PreferenceModelTrainer.Config.defaults().withEpochs(6).withLr(3e-3).withHeldOutFraction(0.2), 0);
        }

        public Config withSeed(long v) { return new Config(model, v, trainer, tieBand); }
        public Config withTrainer(PreferenceModelTrainer.Config v) { return new Config(model, seed, v, tieBand); }
        public Config withModel(GPTConfig v) { return new Config(v, seed, trainer, tieBand); }
        public Config withTieBand(double v) { return new Config(model, seed, trainer, v); }
    }

    private final PreferenceModel model;
    private final double tieBand;
    private final Map<String, Object> settings;

    /**
     * A judge from an already trained model.
     *
     * @param provenance extra settings to record (e.g. what it was trained on); never secrets
     */
    public ModelJudge(PreferenceModel model, double tieBand, Map<String, Object> provenance) {
        if (model == null) throw new IllegalArgumentException("ModelJudge: model is null");
        if (!(tieBand >= 0 && tieBand < 0.5)) throw new IllegalArgumentException("ModelJudge: tieBand must be in [0, 0.5), got " + tieBand);
        this.model = model;
        this.tieBand = tieBand;
        Map<String, Object> s = new LinkedHashMap<>();
        GPTConfig c = model.config();
        s.put("layers", c.layers());
        s.put("heads", c.heads());
        s.put("d_model", c.dModel());
        s.put("context_length", c.contextLength());
        s.put("tie_band", tieBand);
        if (provenance != null) s.putAll(provenance);
        this.settings = java.util.Collections.unmodifiableMap(s);
    }

    /**
     * Trains a judge on gold-labelled pairs ({@code chosen} = the gold winner). The trainer's held-out
     * split measures its accuracy against gold; the settings record {@code gold_pairs} (pairs it trained
     * on), {@code held_out_pairs}, {@code held_out_accuracy}, the seed and epochs.
     *
     * @throws IllegalArgumentException for no pairs
     */
    public static ModelJudge trainOnGold(List<PreferenceExample> goldPairs, Config config) {
        if (goldPairs == null || goldPairs.isEmpty()) throw new IllegalArgumentException("ModelJudge.trainOnGold: no gold pairs");
        if (config == null) throw new IllegalArgumentException("ModelJudge.trainOnGold: config is null");
        PreferenceModel pm = new PreferenceModel(config.model(), config.seed());
        PreferenceModelReport r = new PreferenceModelTrainer(config.trainer()).train(pm, goldPairs);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("gold_pairs", r.trainPairs());
        p.put("held_out_pairs", r.heldOutPairs());
        p.put("held_out_accuracy", r.heldOut() == null ? null : r.heldOut().accuracy());
        p.put("seed", config.seed());
        p.put("epochs", config.trainer().epochs());
        p.put("lr", config.trainer().lr());
        return new ModelJudge(pm, config.tieBand(), p);
    }

    /**
     * Gold-labelled training pairs from unlabelled ones: each pair is oriented so {@code chosen} has the
     * higher gold score; pairs gold scores tie on, and prompts that are not built-in tasks, are skipped.
     */
    public static List<PreferenceExample> goldPairs(List<LabelPair> pairs, GoldScorer gold) {
        if (pairs == null || gold == null) throw new IllegalArgumentException("goldPairs: pairs and gold must not be null");
        List<PreferenceExample> out = new ArrayList<>(pairs.size());
        for (LabelPair p : pairs) {
            Double v = PreferenceExample.goldVerdict(gold, p.prompt(), p.responseA(), p.responseB());
            if (v == null || v == 0.5) continue;
            out.add(v == 1.0 ? new PreferenceExample(p.prompt(), p.responseA(), p.responseB(), 1.0)
                    : new PreferenceExample(p.prompt(), p.responseB(), p.responseA(), 1.0));
        }
        return out;
    }

    /** The underlying preference model. */
    public PreferenceModel model() {
        return model;
    }

    @Override
    public Judgement label(LabelPair pair) {
        return labelAll(List.of(pair)).get(0);
    }

    /** Scores every encodable pair in mini-batches; unencodable ones are FAILED. Results in input order. */
    @Override
    public List<Judgement> labelAll(List<LabelPair> pairs) {
        if (pairs == null) throw new IllegalArgumentException("labelAll: pairs is null");
        Judgement[] out = new Judgement[pairs.size()];
        List<Integer> ok = new ArrayList<>();
        List<String> ps = new ArrayList<>(), as = new ArrayList<>(), bs = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            LabelPair p = pairs.get(i);
            try {
                model.encode(p.prompt(), p.responseA());
                model.encode(p.prompt(), p.responseB());
            } catch (IllegalArgumentException e) {
                out[i] = Judgement.failed("model judge cannot read the pair: " + e.getMessage(), List.of());
                continue;
            }
            ok.add(i);
            ps.add(p.prompt());
            as.add(p.responseA());
            bs.add(p.responseB());
        }
        if (!ok.isEmpty()) {
            double[] prob = model.probabilities(ps, as, bs);
            for (int k = 0; k < ok.size(); k++) {
                double pa = prob[k];
                Preference pref = pa > 0.5 + tieBand ? Preference.A : pa < 0.5 - tieBand ? Preference.B : Preference.TIE;
                String text = String.format(Locale.ROOT, "P(A) = %.6f", pa);
                out[ok.get(k)] = new Judgement(pref, pa, List.of(new RawJudgement("AB", text, pref)), null);
            }
        }
        return List.of(out);
    }

    @Override
    public String name() {
        return "model-judge";
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public String templateId() {
        return TEMPLATE_ID;
    }

    @Override
    public Map<String, Object> settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "ModelJudge" + settings;
    }
}
