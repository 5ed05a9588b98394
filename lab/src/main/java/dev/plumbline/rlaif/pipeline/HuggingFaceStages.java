// The RLAIF stages on a user's Hugging Face GPT-2 folder and own JSONL data, folder in → folder out:
// sft, sample (pairs to label), train-rm (pθ), ppo (against π_ref = the adapters-off base), eval.
package dev.plumbline.rlaif.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plumbline.nn.GPT;
import dev.plumbline.nn.HuggingFaceCheckpoint;
import dev.plumbline.nn.Lora;
import dev.plumbline.nn.ScalarHead;
import dev.plumbline.nn.ScalarModel;
import dev.plumbline.nn.generate.Sampler;
import dev.plumbline.nn.generate.SamplingTransform;
import dev.plumbline.nn.train.Corpus;
import dev.plumbline.nn.train.TrainResult;
import dev.plumbline.nn.train.Trainer;
import dev.plumbline.nn.train.TrainerConfig;
import dev.plumbline.rlaif.audit.Proportion;
import dev.plumbline.rlaif.data.Datasets;
import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.label.Judgement;
import dev.plumbline.rlaif.label.LabelPair;
import dev.plumbline.rlaif.label.Preference;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import dev.plumbline.rlaif.policy.Policies;
import dev.plumbline.rlaif.policy.TextCodec;
import dev.plumbline.rlaif.ppo.PpoConfig;
import dev.plumbline.rlaif.ppo.PpoTrainer;
import dev.plumbline.rlaif.ppo.RewardSource;
import dev.plumbline.rlaif.reward.PreferenceExample;
import dev.plumbline.rlaif.reward.PreferenceModel;
import dev.plumbline.rlaif.reward.PreferenceModelReport;
import dev.plumbline.rlaif.reward.PreferenceModelTrainer;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.io.AtomicFiles;
import dev.plumbline.tensor.random.Generator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * RLAIF on your own GPT-2-family checkpoint and data. Every stage reads Hugging Face folders and
 * JSONL files and writes one output folder (or file), built in a temporary sibling and renamed into
 * place, so an interrupted stage leaves nothing half-written. The policy folders it writes are plain
 * Hugging Face GPT-2 folders ({@code GPT2LMHeadModel.from_pretrained(dir)} loads them; with LoRA
 * the adapters are merged, and also saved alone under {@code adapter/} in PEFT's layout).
 *
 * <pre>{@code
 * HuggingFaceStages.sft(Path.of("gpt2"), Datasets.demonstrations(sftFile), new HuggingFaceStages.Sft(), out1, log);
 * HuggingFaceStages.sample(out1, Datasets.prompts(promptsFile), 1.0, 64, 7, Path.of("pairs.jsonl"), log);
 * // plumbline label --input pairs.jsonl --judge http ... → preferences.jsonl
 * HuggingFaceStages.trainRewardModel(out1, Datasets.preferences(prefsFile), new HuggingFaceStages.RewardModel(), rm, log);
 * HuggingFaceStages.ppo(out1, rm, Datasets.prompts(promptsFile), new HuggingFaceStages.Ppo(), out2, log);
 * Map<String, Object> report = HuggingFaceStages.evaluate(out2, out1, rm, evalPrompts, judge, 64, 7, evalDir, log);
 * }</pre>
 *
 * <p>There is no gold scorer for a user's data: {@link #evaluate} reports what can be measured —
 * pθ's reward, KL to the reference, response length, the AI judge's win rate against the reference
 * policy (with a 95% interval) and samples — and says so in its report.
 */
public final class HuggingFaceStages {
    private HuggingFaceStages() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** LoRA settings shared by the stages: rank 0 trains every weight. */
    public static class Adapters {
        /** LoRA rank r; 0 = full fine-tuning. */
        public int loraRank = 0;
        /** LoRA alpha (Δ = alpha / r · B·A). */
        public double loraAlpha = 16;
        /** Linear layers that get adapters. */
        public List<String> loraTargets = List.of("c_attn", "c_proj", "c_fc");

        Lora applyTo(dev.plumbline.nn.Module m, List<String> modulesToSave, long seed) {
            if (loraRank <= 0) {
                return null;
            }
            return Lora.apply(m, new Lora.Config(loraRank, loraAlpha, loraTargets, modulesToSave), new Generator(seed));
        }
    }

    /** SFT settings. */
    public static final class Sft extends Adapters {
        public int steps = 200, batchSize = 8, warmupSteps = 20;
        public double lr = 5e-5;
        public long seed = 0;
    }

    /** Reward-model (pθ) settings. */
    public static final class RewardModel extends Adapters {
        public int epochs = 1, batchSize = 8;
        public double lr = 1e-5, heldOutFraction = 0.1;
        public long seed = 0;
    }

    /** PPO settings: {@link PpoConfig} plus adapters and seed. */
    public static final class Ppo extends Adapters {
        public final PpoConfig ppo = new PpoConfig();
        public long seed = 0;
    }

    /** Supervised fine-tuning on prompt → completion demonstrations (loss on completion + EOS). */
    public static Map<String, Object> sft(Path model, List<Datasets.Demonstration> data, Sft s, Path out, PrintStream log)
            throws IOException {
        HuggingFaceCheckpoint ckpt = HuggingFaceCheckpoint.load(model, Device.cpu());
        TextCodec codec = TextCodec.of(ckpt.tokenizer());
        GPT gpt = ckpt.model();
        Lora lora = s.applyTo(gpt, List.of(), s.seed + 1);
        List<Corpus.Example> examples = new ArrayList<>();
        int longest = 0;
        for (Datasets.Demonstration d : data) {
            Corpus.Example e = Corpus.sftExample(codec.encode(d.prompt()), codec.encode(d.completion()), codec.eosId());
            examples.add(e);
            longest = Math.max(longest, e.tokens().length);
        }
        int seqLen = Math.min(gpt.contextLength(), longest);
        Corpus corpus = Corpus.of(examples, Corpus.Packing.PER_EXAMPLE, codec.padId());
        Path staging = staging(out);
        try {
            TrainerConfig tc = new TrainerConfig().batchSize(s.batchSize).seqLen(seqLen).maxSteps(s.steps).lr(s.lr)
                    .warmupSteps(Math.min(s.warmupSteps, s.steps)).weightDecay(0.0).gradClip(1.0).evalEvery(0)
                    .checkpointEvery(0).logEvery(10).seed(s.seed).runDir(staging.resolve("trainer")).progress(true);
            gpt.train();
            TrainResult r = new Trainer(gpt, tc, corpus, null).withProgressOutput(log).fit();
            gpt.eval();
            deleteTree(staging.resolve("trainer"));
            Map<String, Object> summary = new LinkedHashMap<>();
            double[] losses = r.losses();
            summary.put("stage", "sft");
            summary.put("examples", data.size());
            summary.put("final_loss", losses.length == 0 ? Double.NaN : losses[losses.length - 1]);
            summary.put("tokens_per_sec", r.tokensPerSec());
            summary.put("trained_parameters", gpt.namedTrainableParameters().values().stream().mapToLong(p -> p.numel()).sum());
            savePolicy(staging, gpt, lora, ckpt);
            return publish(staging, out, summary, log);
        } catch (IOException | RuntimeException e) {
            deleteTree(staging);   // nothing half-written is left behind
            throw e;
        }
    }

    /**
     * Two samples per prompt from the policy, as pairs to label ({@code plumbline label --input}):
     * {@code {"pair_id", "prompt", "response_a", "response_b"}}; pairs whose two samples are equal
     * are dropped (nothing to prefer).
     */
    public static int sample(Path model, List<String> prompts, double temperature, int maxNewTokens, long seed, Path outFile,
                             PrintStream log) throws IOException {
        HuggingFaceCheckpoint ckpt = HuggingFaceCheckpoint.load(model, Device.cpu());
        TextCodec codec = TextCodec.of(ckpt.tokenizer());
        List<String> doubled = new ArrayList<>(2 * prompts.size());
        for (String p : prompts) {
            doubled.add(p);
            doubled.add(p);
        }
        Policies.Samples s = Policies.sampleAll(ckpt.model(), codec, doubled, temperature, maxNewTokens, 16, new Generator(seed));
        List<PairRecord> pairs = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            String a = s.responses().get(2 * i), b = s.responses().get(2 * i + 1);
            if (!a.equals(b)) {
                pairs.add(new PairRecord(String.format(Locale.ROOT, "p%06d", i), prompts.get(i), a, b));
            }
        }
        Jsonl.writeAtomic(outFile, pairs);
        log.printf(Locale.ROOT, "[sample  ] %d pairs from %d prompts -> %s%n", pairs.size(), prompts.size(), outFile);
        return pairs.size();
    }

    /** pθ: the policy's trunk (full or LoRA) + a reward head, Bradley–Terry on the preferences. */
    public static Map<String, Object> trainRewardModel(Path model, List<PreferenceExample> prefs, RewardModel s, Path out,
                                                       PrintStream log) throws IOException {
        HuggingFaceCheckpoint ckpt = HuggingFaceCheckpoint.load(model, Device.cpu());
        TextCodec codec = TextCodec.of(ckpt.tokenizer());
        PreferenceModel pm = PreferenceModel.fromPolicy(ckpt.model(), codec, s.seed + 1);
        s.applyTo(pm.network(), List.of("head"), s.seed + 2);
        PreferenceModelTrainer trainer = new PreferenceModelTrainer(PreferenceModelTrainer.Config.defaults()
                .withEpochs(s.epochs).withBatchSize(s.batchSize).withLr(s.lr).withWeightDecay(0)
                .withHeldOutFraction(prefs.size() >= 10 ? s.heldOutFraction : 0).withSeed(s.seed).withProgress(true));
        PreferenceModelReport r = trainer.train(pm, prefs);
        Path staging = staging(out);
        try {
            pm.save(staging);
            pm.saveHuggingFace(staging.resolve("hf"));   // the same pθ for transformers
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("stage", "train-rm");
            summary.put("pairs", prefs.size());
            summary.put("report", r.summary());
            return publish(staging, out, summary, log);
        } catch (IOException | RuntimeException e) {
            deleteTree(staging);   // nothing half-written is left behind
            throw e;
        }
    }

    /** PPO of the policy against pθ; π_ref is the starting policy (with LoRA: the same weights, adapters off). */
    public static Map<String, Object> ppo(Path model, Path rewardModel, List<String> prompts, Ppo s, Path out, PrintStream log)
            throws IOException {
        HuggingFaceCheckpoint ckpt = HuggingFaceCheckpoint.load(model, Device.cpu());
        TextCodec codec = TextCodec.of(ckpt.tokenizer());
        PreferenceModel pm = PreferenceModel.load(rewardModel);
        GPT policy = ckpt.model();
        GPT reference;
        Lora lora = s.applyTo(policy, List.of(), s.seed + 1);
        if (lora == null) {
            reference = HuggingFaceCheckpoint.load(model, Device.cpu()).model();   // a frozen copy
            reference.parameters().forEach(p -> p.setTrainable(false));
        } else {
            reference = policy;                                                    // adapters off in Rollout
        }
        GPT criticTrunk = HuggingFaceCheckpoint.load(model, Device.cpu()).model();
        ScalarModel critic = new ScalarModel(criticTrunk, ScalarHead.value(criticTrunk.config().dModel()));
        if (lora != null) {
            s.applyTo(critic, List.of("head"), s.seed + 2);
        }
        RewardSource reward = RewardSource.of(pm);
        PpoTrainer ppo = new PpoTrainer(policy, reference, critic, reward, (step, n) -> {
            SplittableRandom rng = new SplittableRandom(s.seed * 1_000_003L + step);
            List<String> b = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                b.add(prompts.get(rng.nextInt(prompts.size())));
            }
            return b;
        }, codec, s.ppo, new Generator(s.seed + 3));
        Path staging = staging(out);
        try {
            List<Map<String, Double>> metrics = new ArrayList<>();
            for (int i = 0; i < s.ppo.steps; i++) {
                Map<String, Double> m = ppo.step();
                metrics.add(m);
                log.printf(Locale.ROOT, "[ppo     ] step %d/%d  kl %.4f  reward %.4f%n", i + 1, s.ppo.steps,
                        m.getOrDefault("objective/kl", Double.NaN), m.getOrDefault("env/reward_mean", Double.NaN));
            }
            StringBuilder lines = new StringBuilder();
            for (Map<String, Double> m : metrics) {
                lines.append(Jsonl.toLine(m)).append('\n');
            }
            AtomicFiles.writeString(staging.resolve("metrics.jsonl"), lines.toString());
            savePolicy(staging, policy, lora, ckpt);
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("stage", "ppo");
            summary.put("steps", s.ppo.steps);
            summary.put("last", metrics.isEmpty() ? Map.of() : metrics.get(metrics.size() - 1));
            return publish(staging, out, summary, log);
        } catch (IOException | RuntimeException e) {
            deleteTree(staging);   // nothing half-written is left behind
            throw e;
        }
    }

    /**
     * Evaluation without gold: for each prompt one sample from the policy and one from the reference;
     * pθ's reward of both, the policy's KL to the reference (Σ log π − log π_ref over its own sample),
     * mean response length in tokens, and, with a judge, the judge's win rate of policy over reference
     * (ties count half; 95% Wilson interval over decisive pairs). Writes {@code eval.json} and
     * {@code samples.jsonl} to {@code outDir}.
     *
     * @param judge the AI judge, or null to skip the win rate
     */
    public static Map<String, Object> evaluate(Path policyDir, Path referenceDir, Path rewardModel, List<String> prompts,
                                               PreferenceLabeler judge, int maxNewTokens, long seed, Path outDir,
                                               PrintStream log) throws IOException {
        HuggingFaceCheckpoint pol = HuggingFaceCheckpoint.load(policyDir, Device.cpu());
        HuggingFaceCheckpoint ref = HuggingFaceCheckpoint.load(referenceDir, Device.cpu());
        TextCodec codec = TextCodec.of(pol.tokenizer());
        PreferenceModel pm = PreferenceModel.load(rewardModel);
        Policies.Samples ps = Policies.sampleAll(pol.model(), codec, prompts, 1.0, maxNewTokens, 16, new Generator(seed));
        Policies.Samples rs = Policies.sampleAll(ref.model(), codec, prompts, 1.0, maxNewTokens, 16, new Generator(seed + 1));
        float[] rewardPol = pm.score(prompts, ps.responses()), rewardRef = pm.score(prompts, rs.responses());
        double kl = meanKl(pol.model(), ref.model(), codec, prompts, maxNewTokens, seed + 2);
        int wins = 0, losses = 0, ties = 0, failed = 0;
        if (judge != null) {
            for (int i = 0; i < prompts.size(); i++) {
                Judgement j = judge.label(new LabelPair(i, prompts.get(i), ps.responses().get(i), rs.responses().get(i)));
                Preference p = j.preferred();
                if (p == Preference.A) wins++;
                else if (p == Preference.B) losses++;
                else if (p == Preference.TIE) ties++;
                else failed++;
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("prompts", prompts.size());
        report.put("gold", "none: user data has no gold scorer; these are proxy measurements");
        report.put("proxy_reward_policy", mean(rewardPol));
        report.put("proxy_reward_reference", mean(rewardRef));
        report.put("kl_to_reference", kl);
        report.put("length_policy_tokens", meanTokens(codec, ps.responses()));
        report.put("length_reference_tokens", meanTokens(codec, rs.responses()));
        if (judge != null) {
            Proportion wr = Proportion.of(wins, wins + losses);
            report.put("judge", judge.name());
            report.put("judge_wins", wins);
            report.put("judge_losses", losses);
            report.put("judge_ties", ties);
            report.put("judge_failed", failed);
            report.put("judge_win_rate", wr.rate());
            report.put("judge_win_rate_95ci", List.of(wr.lo(), wr.hi()));
        }
        Path staging = staging(outDir);
        try {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < prompts.size(); i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("prompt", prompts.get(i));
                row.put("policy", ps.responses().get(i));
                row.put("reference", rs.responses().get(i));
                row.put("reward_policy", rewardPol[i]);
                row.put("reward_reference", rewardRef[i]);
                lines.append(Jsonl.toLine(row)).append('\n');
            }
            AtomicFiles.writeString(staging.resolve("samples.jsonl"), lines.toString());
            AtomicFiles.write(staging.resolve("eval.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
            publish(staging, outDir, report, log);
        } catch (IOException | RuntimeException e) {
            deleteTree(staging);
            throw e;
        }
        return report;
    }

    private static double meanKl(GPT policy, GPT reference, TextCodec codec, List<String> prompts, int maxNewTokens, long seed) {
        double sum = 0;
        int n = 0;
        SamplingTransform t = new SamplingTransform(1f, 0, 1f);
        for (int from = 0; from < prompts.size(); from += 16) {
            List<String> part = prompts.subList(from, Math.min(prompts.size(), from + 16));
            try (Scope sc = Scope.open(); NoGrad ng = NoGrad.enter()) {
                Policies.Samples s = Policies.sample(policy, codec, part, 1.0, maxNewTokens, new Generator(seed + from));
                float[] lp = Sampler.responseLogProbs(policy, s.result(), t).toFloatArray();
                float[] lr = Sampler.responseLogProbs(reference, s.result(), t).toFloatArray();
                int steps = s.result().steps();
                for (int r = 0; r < part.size(); r++) {
                    double k = 0;
                    for (int j = 0; j < steps; j++) {
                        k += lp[r * steps + j] - lr[r * steps + j];   // masked positions are 0 in both
                    }
                    sum += k;
                    n++;
                }
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) s += x;
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    private static double meanTokens(TextCodec codec, List<String> texts) {
        double s = 0;
        for (String t : texts) s += codec.encode(t).length;
        return texts.isEmpty() ? Double.NaN : s / texts.size();
    }

    /** Merged weights as a HF folder; with LoRA also the adapter alone under adapter/. */
    private static void savePolicy(Path dir, GPT gpt, Lora lora, HuggingFaceCheckpoint base) throws IOException {
        HuggingFaceCheckpoint.save(dir, Lora.mergedStateDict(gpt), gpt.config(), base.tokenizer(), base.eosId());
        if (lora != null) {
            lora.save(dir.resolve("adapter"));
        }
    }

    private static Path staging(Path out) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        if (Files.exists(out)) {
            throw new IllegalArgumentException(out + " already exists; choose a new output folder (nothing is overwritten)");
        }
        return Files.createTempDirectory(parent, "." + out.getFileName() + ".partial-");
    }

    private static Map<String, Object> publish(Path staging, Path out, Map<String, Object> summary, PrintStream log)
            throws IOException {
        AtomicFiles.write(staging.resolve("stage.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary));
        Files.move(staging, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        log.println("[" + summary.getOrDefault("stage", "eval") + "] -> " + out);
        return summary;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
