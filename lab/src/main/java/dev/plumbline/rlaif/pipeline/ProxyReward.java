// The proxy reward PPO optimises: pθ (one model or an ensemble) → reward function → normalisation.
package dev.plumbline.rlaif.pipeline;

import dev.plumbline.nn.GPT;
import dev.plumbline.rlaif.data.PreferenceRecord;
import dev.plumbline.rlaif.policy.Policies;
import dev.plumbline.rlaif.ppo.RewardSource;
import dev.plumbline.rlaif.reward.Calibration;
import dev.plumbline.rlaif.reward.PreferenceEnsemble;
import dev.plumbline.rlaif.reward.PreferenceEvaluation;
import dev.plumbline.rlaif.reward.PreferenceExample;
import dev.plumbline.rlaif.task.GoldScorer;
import dev.plumbline.rlaif.reward.PreferenceModel;
import dev.plumbline.rlaif.reward.PreferenceModelReport;
import dev.plumbline.rlaif.reward.PreferenceModelTrainer;
import dev.plumbline.rlaif.reward.RewardFunction;
import dev.plumbline.rlaif.reward.RewardNormalizer;
import dev.plumbline.tensor.random.Generator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reward r(x, y) of a run, built from the preference model(s) in {@code rm/}: member models
 * ({@code rm/member-i/}), the configured {@link RewardFunction} (raw f, log σ f, or log-odds against
 * the SFT policy's greedy response), and a {@link RewardNormalizer} fitted on reference-policy
 * samples ({@code rm/normalizer.json}), so PPO sees rewards of mean 0 and std 1 at its start.
 *
 * <pre>{@code
 * RewardSource r = ProxyReward.load(pipeline, runDir.resolve("rm"), sft, System.err);
 * RewardSource.Scored s = r.score(prompts, responses);   // normalised rewards, raw pθ scores, ensemble std
 * }</pre>
 */
public final class ProxyReward implements RewardSource {
    private final RlaifPipeline pipeline;
    private final PreferenceEnsemble ensemble;
    private final RlaifConfig.Reward rc;
    private final GPT reference;
    private final RewardNormalizer normalizer;
    private final Map<String, String> referenceResponses = new HashMap<>();

    private ProxyReward(RlaifPipeline pipeline, PreferenceEnsemble ensemble, GPT reference, RewardNormalizer normalizer) {
        this.pipeline = pipeline;
        this.ensemble = ensemble;
        this.rc = pipeline.config().reward;
        this.reference = reference;
        this.normalizer = normalizer;
    }

    /**
     * The examples the train-rm stage learns from: the labels within the budget
     * ({@code rewardModel.maxPairs}, 0 = all), ties and failures skipped. The audit uses this too, so
     * its held-out split is the stage's.
     */
    public static List<PreferenceExample> trainingExamples(RlaifConfig cfg, List<PreferenceRecord> prefs, GoldScorer gold) {
        if (cfg.rewardModel.maxPairs > 0 && prefs.size() > cfg.rewardModel.maxPairs) {
            prefs = prefs.subList(0, cfg.rewardModel.maxPairs);     // the label budget: the first pairs labeled
        }
        return PreferenceExample.fromRecords(prefs, PreferenceExample.TiePolicy.SKIP, gold);
    }

    /** The train-rm stage's trainer settings (epochs, batch, lr, margin, held-out fraction and split seed). */
    public static PreferenceModelTrainer.Config trainerConfig(RlaifConfig cfg) {
        RlaifConfig.RewardModel rm = cfg.rewardModel;
        return PreferenceModelTrainer.Config.defaults().withEpochs(rm.epochs).withBatchSize(rm.batchSize).withLr(rm.lr)
                .withMargin(rm.margin).withHeldOutFraction(rm.heldOutFraction).withSeed(cfg.seed * 31 + 7)
                .withWeightDecay(0.0);
    }

    /** Trains pθ (k members) on the labels, fits the normaliser, saves both; returns the stage summary. */
    static Map<String, Object> train(RlaifPipeline p, List<PreferenceRecord> prefs, GPT sft, Path dir, PrintStream log)
            throws IOException {
        RlaifConfig cfg = p.config();
        List<PreferenceExample> examples = trainingExamples(cfg, prefs, p.gold());
        if (examples.isEmpty()) {
            throw new IllegalStateException("train-rm: no usable labels in preferences.jsonl (all failed or ties)");
        }
        RlaifConfig.RewardModel rm = cfg.rewardModel;
        PreferenceModelTrainer.Config tc = trainerConfig(cfg);
        StageProgress bar = new StageProgress(log, "train-rm", rm.ensemble);
        List<PreferenceModel> members = new ArrayList<>();
        List<PreferenceModelReport> reports = new ArrayList<>();
        if (rm.ensemble == 1) {
            PreferenceModel m = PreferenceModel.fromPolicy(sft, cfg.seed * 31 + 8);
            reports.add(new PreferenceModelTrainer(tc).train(m, examples));
            members.add(m);
        } else {
            PreferenceEnsemble e = PreferenceEnsemble.train(rm.ensemble,
                    i -> PreferenceModel.fromPolicy(sft, cfg.seed * 31 + 8 + i), examples, tc);
            for (var s : e.members()) {
                members.add((PreferenceModel) s);
            }
            reports.addAll(e.reports());
        }
        for (int i = 0; i < members.size(); i++) {
            members.get(i).save(dir.resolve("member-" + i));
            bar.update(i + 1, "");
        }
        // normalise on reference-policy samples: PPO starts with rewards of mean 0 and std 1
        ProxyReward unnormalised = new ProxyReward(p, new PreferenceEnsemble(members), sft, null);
        List<String> prompts = p.prompts(RlaifPipeline.PPO_FROM - 100_000, 256);
        Policies.Samples s = Policies.sampleAll(sft, p.codec(), prompts, cfg.ppo.temperature, cfg.ppo.maxNewTokens, 128,
                new Generator(cfg.seed * 31 + 9));
        double[] r = unnormalised.rewardsBeforeNormalisation(prompts, s.responses());
        RewardNormalizer norm = RewardNormalizer.fit(r);
        norm.save(dir.resolve("normalizer.json"));

        PreferenceEvaluation held = reports.get(0).heldOut();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("members", members.size());
        out.put("train_pairs", reports.get(0).trainPairs());
        out.put("held_out_pairs", reports.get(0).heldOutPairs());
        if (held != null) {
            out.put("held_out_accuracy_vs_labeler", held.accuracy());
            out.put("held_out_accuracy_vs_gold", held.goldAccuracy());
            out.put("held_out_gold_pairs", held.goldPairs());
            out.put("ece_vs_labeler", held.calibration().ece());
            out.put("ece_vs_gold", held.goldCalibration().ece());
            List<Map<String, Object>> bins = new ArrayList<>();
            for (Calibration.Bin b : held.goldCalibration().bins()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("confidence", b.confidence());
                m.put("accuracy", b.accuracy());
                m.put("count", b.count());
                bins.add(m);
            }
            out.put("reliability", bins);
        }
        out.put("reward_kind", cfg.reward.kind);
        out.put("normalizer_mean", norm.mean());
        out.put("normalizer_std", norm.std());
        bar.finish(String.format(Locale.ROOT, "pθ held-out accuracy vs labeler %.3f, vs gold %.3f, ECE %.3f",
                held == null ? Double.NaN : held.accuracy(), held == null ? Double.NaN : held.goldAccuracy(),
                held == null ? Double.NaN : held.goldCalibration().ece()));
        return out;
    }

    /** Loads the run's proxy reward; {@code sft} is the reference policy (for log-odds references). */
    public static ProxyReward load(RlaifPipeline p, Path dir, GPT sft, PrintStream log) throws IOException {
        List<PreferenceModel> members = new ArrayList<>();
        for (int i = 0; Files.isDirectory(dir.resolve("member-" + i)); i++) {
            members.add(PreferenceModel.load(dir.resolve("member-" + i), p.device()));
        }
        if (members.isEmpty()) {
            throw new IllegalStateException("no preference model in " + dir + ": run 'plumbline train-rm' first");
        }
        Path normFile = dir.resolve("normalizer.json");
        RewardNormalizer norm = p.config().reward.normalize && Files.exists(normFile) ? RewardNormalizer.load(normFile) : null;
        return new ProxyReward(p, new PreferenceEnsemble(members), sft, norm);
    }

    /** The preference-model ensemble (one member when not an ensemble). */
    public PreferenceEnsemble ensemble() {
        return ensemble;
    }

    private RewardFunction function(List<String> prompts) {
        RewardFunction.Kind kind = RewardFunction.Kind.valueOf(rc.kind.toUpperCase(Locale.ROOT));
        RewardFunction.Builder b = RewardFunction.builder(kind).ensemble(ensemble).lengthPenalty(rc.lengthPenalty);
        if (ensemble.size() > 1) {
            b.uncertaintyPenalty(rc.uncertaintyPenalty);
        }
        if (kind == RewardFunction.Kind.LOG_ODDS_VS_REFERENCE) {
            List<String> missing = new ArrayList<>();
            for (String q : prompts) {
                if (!referenceResponses.containsKey(q) && !missing.contains(q)) {
                    missing.add(q);
                }
            }
            if (!missing.isEmpty()) {
                Policies.Samples ref = Policies.sampleAll(reference, pipeline.codec(), missing, 0, pipeline.config().ppo.maxNewTokens,
                        128, null);
                for (int i = 0; i < missing.size(); i++) {
                    referenceResponses.put(missing.get(i), ref.responses().get(i));
                }
            }
            b.references(referenceResponses);
        }
        return b.build();
    }

    double[] rewardsBeforeNormalisation(List<String> prompts, List<String> responses) {
        return function(prompts).rewards(prompts, responses);
    }

    @Override
    public Scored score(List<String> prompts, List<String> responses) {
        RewardFunction.Evaluation e = function(prompts).evaluate(prompts, responses);
        double[] r = normalizer != null ? normalizer.apply(e.rewards()) : e.rewards();
        float[] rewards = new float[r.length], raw = new float[r.length], std = new float[r.length];
        for (int i = 0; i < r.length; i++) {
            rewards[i] = (float) r[i];
            raw[i] = (float) e.rawMean()[i];
            std[i] = (float) e.rawStd()[i];
        }
        return new Scored(rewards, raw, ensemble.size() > 1 ? std : null);
    }
}
