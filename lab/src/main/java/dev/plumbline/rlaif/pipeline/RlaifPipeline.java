// The whole RLAIF loop over a run directory: SFT → sample → label → pθ → PPO → evaluate → report.
package dev.plumbline.rlaif.pipeline;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.ScalarHead;
import dev.plumbline.nn.ScalarModel;
import dev.plumbline.nn.train.Corpus;
import dev.plumbline.nn.train.MetricsLog;
import dev.plumbline.nn.train.TrainResult;
import dev.plumbline.nn.train.Trainer;
import dev.plumbline.nn.train.TrainerConfig;
import dev.plumbline.rlaif.data.Jsonl;
import dev.plumbline.rlaif.data.LabelingRun;
import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.data.PreferenceRecord;
import dev.plumbline.rlaif.label.BothOrders;
import dev.plumbline.rlaif.label.Constitution;
import dev.plumbline.rlaif.label.HttpJudge;
import dev.plumbline.rlaif.label.LabelPair;
import dev.plumbline.rlaif.label.ModelJudge;
import dev.plumbline.rlaif.label.Preference;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import dev.plumbline.rlaif.label.Principle;
import dev.plumbline.rlaif.label.RuleJudge;
import dev.plumbline.rlaif.label.Term;
import dev.plumbline.rlaif.policy.Policies;
import dev.plumbline.rlaif.policy.TextCodec;
import dev.plumbline.rlaif.ppo.PpoTrainer;
import dev.plumbline.rlaif.ppo.PromptSource;
import dev.plumbline.rlaif.rl.Algorithm;
import dev.plumbline.rlaif.rl.DirectRlaif;
import dev.plumbline.rlaif.rl.JudgeReward;
import dev.plumbline.rlaif.rl.OnlineDpoTrainer;
import dev.plumbline.rlaif.rl.GrpoTrainer;
import dev.plumbline.rlaif.rl.PolicyOptimizer;
import dev.plumbline.rlaif.rl.RlooTrainer;
import dev.plumbline.rlaif.ppo.RewardSource;
import dev.plumbline.rlaif.reward.PreferenceExample;
import dev.plumbline.rlaif.reward.PreferenceModel;
import dev.plumbline.rlaif.task.Demonstration;
import dev.plumbline.rlaif.task.GoldScorer;
import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskSuite;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.FlopCounter;
import dev.plumbline.tensor.random.Generator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the RLAIF stages over a {@link RunDirectory}. Each stage reads what earlier stages wrote,
 * writes its outputs atomically and marks itself done, so any stage can run alone (the CLI's
 * subcommands) and a resumed run continues where it stopped.
 *
 * <pre>{@code
 * RlaifPipeline p = RlaifPipeline.open(Path.of("runs/demo"), new RlaifConfig(), System.err);
 * p.runAll();                     // SFT, pairs, labels, pθ, PPO, evaluation, report.html
 * }</pre>
 *
 * Prompt index ranges of the task suite keep the stages' data disjoint: demonstrations
 * [0, 1M), labeling pairs [1M, 2M), PPO prompts [2M, 9M), evaluation [9M, …).
 */
public final class RlaifPipeline {
    /** Stage names (also the CLI subcommands and the marker files). */
    public static final String SFT = "sft", SAMPLE = "sample", LABEL = "label", REWARD_MODEL = "train-rm",
            PPO = "ppo", EVAL = "eval", REPORT = "report";

    static final long PAIRS_FROM = 1_000_000L, PPO_FROM = 2_000_000L, EVAL_FROM = 9_000_000L;

    private final RlaifConfig cfg;
    private final RunDirectory run;
    private final PrintStream log;
    private final Device device;
    private final TextCodec codec = TextCodec.builtIn();
    private final TaskSuite suite;
    private final GoldScorer gold = new GoldScorer();

    private RlaifPipeline(RlaifConfig cfg, RunDirectory run, PrintStream log) {
        this.cfg = cfg;
        this.run = run;
        this.log = log;
        this.device = Device.parse(cfg.device);
        java.util.Set<dev.plumbline.rlaif.task.TaskKind> kinds = java.util.EnumSet.noneOf(dev.plumbline.rlaif.task.TaskKind.class);
        for (String k : cfg.tasks.kinds) {
            kinds.add(dev.plumbline.rlaif.task.TaskKind.fromId(k));
        }
        this.suite = TaskSuite.builder().seed(cfg.seed).kinds(kinds).opinionRate(cfg.tasks.opinionRate)
                .opinionCorrectRate(cfg.tasks.opinionCorrectRate).build();
    }

    /**
     * Opens a run directory. With a config, it is validated and written to {@code config.json}
     * (a directory that already holds a different config is refused: use a new directory or the
     * same config); without one, the directory's {@code config.json} is used.
     */
    public static RlaifPipeline open(Path dir, RlaifConfig cfg, PrintStream log) throws IOException {
        RunDirectory run = RunDirectory.create(dir);
        Path file = run.file("config.json");
        if (cfg == null) {
            if (!Files.exists(file)) {
                throw new IllegalArgumentException(dir + " has no config.json: start the run with 'plumbline demo' or "
                        + "'plumbline sft' (which write it)");
            }
            cfg = RlaifConfig.fromJson(Files.readString(file), file.toString());
        } else {
            cfg.validate("config");
            if (Files.exists(file)) {
                RlaifConfig existing = RlaifConfig.fromJson(Files.readString(file), file.toString());
                if (!existing.toJson().equals(cfg.toJson())) {
                    throw new IllegalArgumentException(dir + " already holds a run with a different config.json; "
                            + "resume it without changing options, or choose another --run-dir");
                }
            } else {
                run.write("config.json", cfg.toJson());
            }
        }
        return new RlaifPipeline(cfg, run, log);
    }

    /** The configuration in force. */
    public RlaifConfig config() {
        return cfg;
    }

    /** The run directory. */
    public RunDirectory runDirectory() {
        return run;
    }

    /** The shared text codec. */
    public TextCodec codec() {
        return codec;
    }

    /** Runs every stage not yet done, in order. */
    public Map<String, Object> runAll() throws IOException {
        sft();
        samplePairs();
        label();
        trainRewardModel();
        ppo();
        Map<String, Object> summary = evaluate();
        report();
        return summary;
    }

    // ---- 1. SFT ---------------------------------------------------------------------------------------

    /** Supervised fine-tuning on mixed-quality demonstrations; writes {@code sft/model.safetensors}. */
    public void sft() throws IOException {
        if (run.isDone(SFT)) {
            return;
        }
        long t0 = System.nanoTime();
        long f0 = FlopCounter.total(); // each stage records its matmul + attention FLOPs as "flops"
        GPT policy = Policies.create(codec, cfg.model.layers, cfg.model.heads, cfg.model.dModel, cfg.model.contextLength,
                cfg.seed * 31 + 1, device);
        List<Corpus.Example> examples = new ArrayList<>();
        for (Demonstration d : Demonstrations.mixed(suite, 0, cfg.sft.demonstrations, cfg.sft.flawedFraction,
                cfg.sft.paddedShare, cfg.seed)) {
            examples.add(Corpus.sftExample(codec.encode(d.prompt()), codec.encode(d.response()), codec.eosId()));
        }
        Corpus.Split split = Corpus.of(examples, Corpus.Packing.PER_EXAMPLE, codec.padId()).split(0.05);
        TrainerConfig tc = new TrainerConfig().batchSize(cfg.sft.batchSize).seqLen(cfg.model.contextLength)
                .maxSteps(cfg.sft.steps).lr(cfg.sft.lr).warmupSteps(Math.min(cfg.sft.warmupSteps, cfg.sft.steps))
                .weightDecay(0.0).gradClip(1.0).evalEvery(Math.max(1, cfg.sft.steps)).evalBatches(4)
                .checkpointEvery(Math.max(1, cfg.sft.steps / 4)).keepCheckpoints(1).logEvery(10)
                .seed(cfg.seed * 31 + 2).runDir(run.file("sft")).resume(true).progress(true);
        Trainer trainer = new Trainer(policy, tc, split.train(), split.eval()).withProgressOutput(log);
        TrainResult r = trainer.fit();
        Policies.save(policy, run.file("sft"));
        double[] losses = r.losses();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("final_loss", losses.length == 0 ? Double.NaN : losses[losses.length - 1]);
        s.put("eval_loss", r.evalLoss());
        s.put("tokens_per_sec", r.tokensPerSec());
        s.put("parameters", policy.parameterCount());
        s.put("seconds", (System.nanoTime() - t0) / 1e9);
        s.put("flops", FlopCounter.since(f0));
        run.markDone(SFT, s);
        log.printf(Locale.ROOT, "[sft     ] loss %.3f, eval loss %.3f, %.0f tokens/s%n", s.get("final_loss"), r.evalLoss(),
                r.tokensPerSec());
    }

    /** The SFT policy (π_ref). */
    public GPT loadSft() throws IOException {
        requireDone(SFT);
        return Policies.load(run.file("sft"), device);
    }

    // ---- 2. response pairs ----------------------------------------------------------------------------

    /** Samples two responses per prompt from the SFT policy into {@code pairs.jsonl}. */
    public void samplePairs() throws IOException {
        if (run.isDone(SAMPLE)) {
            return;
        }
        long t0 = System.nanoTime();
        long f0 = FlopCounter.total();
        GPT policy = loadSft();
        List<String> prompts = prompts(PAIRS_FROM, cfg.sampling.pairs);
        Generator gen = new Generator(cfg.seed * 31 + 3);
        StageProgress bar = new StageProgress(log, SAMPLE, 2L * prompts.size());
        List<String> a = new ArrayList<>(), b = new ArrayList<>();
        for (int from = 0; from < prompts.size(); from += cfg.sampling.batchSize) {
            List<String> part = prompts.subList(from, Math.min(prompts.size(), from + cfg.sampling.batchSize));
            a.addAll(Policies.sampleAll(policy, codec, part, cfg.sampling.temperature, cfg.sampling.maxNewTokens,
                    part.size(), gen).responses());
            b.addAll(Policies.sampleAll(policy, codec, part, cfg.sampling.temperature, cfg.sampling.maxNewTokens,
                    part.size(), gen).responses());
            bar.update(2L * Math.min(prompts.size(), from + part.size()), "");
        }
        List<PairRecord> pairs = new ArrayList<>(prompts.size());
        int identical = 0;
        for (int i = 0; i < prompts.size(); i++) {
            pairs.add(new PairRecord("p" + i, prompts.get(i), a.get(i), b.get(i)));
            identical += a.get(i).equals(b.get(i)) ? 1 : 0;
        }
        Jsonl.writeAtomic(run.file("pairs.jsonl"), pairs);
        bar.finish(pairs.size() + " pairs, " + identical + " with identical responses");
        run.markDone(SAMPLE, new TreeMap<>(Map.of("pairs", pairs.size(), "identical", identical,
                "seconds", (System.nanoTime() - t0) / 1e9, "flops", FlopCounter.since(f0))));
    }

    // ---- 3. AI labels ---------------------------------------------------------------------------------

    /** Directory of the kind=model judge inside the run (weights, config and {@value #JUDGE_PROVENANCE}). */
    public static final String JUDGE_DIR = "judge";
    /** Written last when the judge is saved, so its presence means the saved judge is complete. */
    static final String JUDGE_PROVENANCE = "provenance.json";

    /**
     * The configured AI labeler:
     * <ul>
     *   <li>rule: a {@link RuleJudge} with the configured constitution, biases and drifts;</li>
     *   <li>model: a {@link ModelJudge} trained on gold labels of the first {@code judgeGoldPairs} pairs
     *       (see {@link #modelJudge()}; trained and saved on first use, loaded after);</li>
     *   <li>http: an {@link HttpJudge}, which asks both orders itself.</li>
     * </ul>
     * With {@code labeler.bothOrders} the rule or model judge is wrapped in {@link BothOrders}.
     *
     * @throws IllegalStateException for kind=model before {@code pairs.jsonl} exists
     * @throws java.io.UncheckedIOException when the model judge cannot be read or written
     */
    public PreferenceLabeler labeler() {
        RlaifConfig.Labeler l = cfg.labeler;
        if (l.kind.equals("http")) {
            // HttpJudge asks (A, B) and (B, A) by default: wrapping it would ask four times
            return HttpJudge.builder().baseUrl(l.url).model(l.model).apiKeyFromEnv(l.apiKeyEnv).build();
        }
        PreferenceLabeler judge;
        if (l.kind.equals("model")) {
            try {
                judge = modelJudge();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("model judge in " + run.file(JUDGE_DIR) + ": " + e.getMessage(), e);
            }
        } else {
            judge = ruleJudge();
        }
        return l.bothOrders ? new BothOrders(judge) : judge;
    }

    private RuleJudge ruleJudge() {
        RlaifConfig.Labeler l = cfg.labeler;
        List<Principle> principles = new ArrayList<>();
        if (l.correctnessWeight > 0) {
            principles.add(new Principle("The answer must be correct.", Term.CORRECTNESS, l.correctnessWeight));
        }
        if (l.noPaddingWeight > 0) {
            principles.add(new Principle("The response must contain nothing but the answer.", Term.NO_PADDING,
                    l.noPaddingWeight));
        }
        if (l.brevityWeight > 0) {
            principles.add(new Principle("Shorter responses are better.", Term.BREVITY, l.brevityWeight));
        }
        Constitution constitution = new Constitution(String.format(Locale.ROOT, "pipeline-c%.2f-p%.2f-b%.2f",
                l.correctnessWeight, l.noPaddingWeight, l.brevityWeight), principles);
        RuleJudge.Builder b = RuleJudge.builder().seed(cfg.seed * 31 + 4).constitution(constitution)
                .misjudgeRate(l.misjudgeRate).lengthBias(l.lengthBias)
                .positionBias(l.positionBias).sycophancy(l.sycophancy).noise(l.noise).sharpness(l.sharpness)
                .tieMargin(l.tieMargin);
        for (RlaifConfig.DriftSpec d : l.drifts) {
            b.drift(d.toDrift());
        }
        return b.build();
    }

    /**
     * The kind=model judge. The first call trains it: gold labels ({@link GoldScorer}) of the first
     * {@code labeler.judgeGoldPairs} pairs of {@code pairs.jsonl} (gold-equal pairs skipped), all of
     * them used for training (no split: the label stage measures it on the pairs after them), weights
     * seeded {@code seed·31 + 13} and shuffling {@code seed·31 + 14}; it is saved to {@code judge/} and
     * later calls load it, so a resumed label stage labels with the very same judge.
     *
     * @throws IllegalStateException before {@code pairs.jsonl} exists, or when those pairs hold no gold-decided pair
     */
    public ModelJudge modelJudge() throws IOException {
        Path dir = run.file(JUDGE_DIR);
        if (Files.exists(dir.resolve(JUDGE_PROVENANCE))) {
            Map<String, Object> provenance = RlaifConfig.MAPPER.readValue(dir.resolve(JUDGE_PROVENANCE).toFile(),
                    new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() { });
            if (!(provenance.remove("tie_band") instanceof Number tieBand)) {
                throw new IOException(dir.resolve(JUDGE_PROVENANCE) + " has no numeric tie_band; delete " + dir
                        + " to retrain the judge");
            }
            return new ModelJudge(PreferenceModel.load(dir), tieBand.doubleValue(), provenance);
        }
        Path pairsFile = run.file("pairs.jsonl");
        if (!Files.exists(pairsFile)) {
            throw new IllegalStateException("labeler.kind model trains its judge on " + pairsFile
                    + ", which does not exist yet: run 'plumbline sample --run-dir " + run.root() + "' first");
        }
        List<PairRecord> pairs = Jsonl.read(pairsFile, PairRecord.class);
        int n = judgeGoldPairs(pairs.size());
        List<LabelPair> first = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            PairRecord p = pairs.get(i);
            first.add(new LabelPair(i, p.prompt(), p.responseA(), p.responseB()));
        }
        List<PreferenceExample> goldPairs = ModelJudge.goldPairs(first, gold);
        if (goldPairs.isEmpty()) {
            throw new IllegalStateException("labeler.kind model: gold rates both responses equal in all of the first " + n
                    + " pairs, so there is nothing to train the judge on; raise labeler.judgeGoldPairs");
        }
        ModelJudge.Config jc = ModelJudge.Config.defaults()
                .withModel(PreferenceModel.config(1, 2, 32, cfg.model.contextLength))
                .withSeed(cfg.seed * 31 + 13)
                .withTrainer(ModelJudge.Config.defaults().trainer().withHeldOutFraction(0).withSeed(cfg.seed * 31 + 14));
        ModelJudge judge = ModelJudge.trainOnGold(goldPairs, jc);
        judge.model().save(dir);
        // written last: its presence marks a complete save (weights and config are each atomic already)
        RunDirectory.writeAtomic(dir.resolve(JUDGE_PROVENANCE), RlaifConfig.MAPPER.writeValueAsString(judge.settings()));
        return judge;
    }

    /** How many leading pairs the model judge learns from: {@code labeler.judgeGoldPairs}, at most all of them. */
    private int judgeGoldPairs(int pairs) {
        return Math.min(cfg.labeler.judgeGoldPairs, pairs);
    }

    /** Labels {@code pairs.jsonl} into {@code preferences.jsonl} (resumable) and audits agreement with gold. */
    public void label() throws IOException {
        if (run.isDone(LABEL)) {
            return;
        }
        requireDone(SAMPLE);
        long t0 = System.nanoTime();
        long f0 = FlopCounter.total();
        List<PairRecord> pairs = Jsonl.read(run.file("pairs.jsonl"), PairRecord.class);
        PreferenceLabeler labeler = labeler();
        StageProgress bar = new StageProgress(log, LABEL, pairs.size());
        int[] done = {0};
        LabelingRun.Summary sum = LabelingRun.run(pairs, labeler, run.file("preferences.jsonl"), Jsonl.Mode.RESUME,
                Clock.systemUTC(), r -> bar.update(++done[0], ""), cfg.labeler.concurrency);
        List<PreferenceRecord> prefs = Jsonl.read(run.file("preferences.jsonl"), PreferenceRecord.class);
        LabelAudit audit = LabelAudit.of(gold, prefs);
        bar.finish(String.format(Locale.ROOT, "%d labeled (%d failed), agreement with gold %.3f on %d decisive pairs",
                sum.labeled() + sum.skipped(), sum.failed(), audit.agreementWithGold(), audit.decisivePairs()));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("labeler", labeler.name());
        s.put("pairs", sum.pairs());
        s.put("failed", sum.failed());
        s.put("ties", sum.ties());
        s.put("agreement_with_gold", audit.agreementWithGold());
        s.put("decisive_pairs", audit.decisivePairs());
        s.put("first_position_rate", audit.firstPositionRate());
        if (cfg.labeler.kind.equals("model")) {
            judgeHeldOut(prefs, judgeGoldPairs(pairs.size()), s);
        }
        s.put("seconds", (System.nanoTime() - t0) / 1e9);
        s.put("flops", FlopCounter.since(f0));
        run.markDone(LABEL, s);
    }

    /**
     * Records how the model judge did on the pairs it was not trained on (index &ge; {@code n}):
     * {@code judge_held_out_agreement} = picked the gold-better response, over those pairs gold decides
     * (a TIE or FAILED label counts as not agreeing), NaN when there are none; {@code judge_held_out_pairs}
     * = that count; {@code judge_gold_pairs} = n; {@code judge_train_pairs} = the gold-decided pairs among
     * the first n, which it trained on.
     */
    private void judgeHeldOut(List<PreferenceRecord> prefs, int n, Map<String, Object> s) {
        int decided = 0, agree = 0, trained = 0;
        for (PreferenceRecord r : prefs) {
            Double v = PreferenceExample.goldVerdict(gold, r.prompt(), r.responseA(), r.responseB());
            if (v == null || v == 0.5) {
                continue;
            }
            if (r.pairIndex() < n) {
                trained++;
                continue;
            }
            decided++;
            Preference want = v == 1.0 ? Preference.A : Preference.B;
            agree += r.label() == want ? 1 : 0;
        }
        s.put("judge_gold_pairs", n);
        s.put("judge_train_pairs", trained);
        s.put("judge_held_out_pairs", decided);
        s.put("judge_held_out_agreement", decided == 0 ? Double.NaN : (double) agree / decided);
        log.printf(Locale.ROOT, "[%-8s] model judge trained on gold of the first %d pairs; held-out agreement %.3f on %d pairs%n",
                LABEL, n, s.get("judge_held_out_agreement"), decided);
    }

    // ---- 4. preference model ----------------------------------------------------------------------------

    /** Trains the Bradley–Terry preference model pθ on the labels; writes {@code rm/}. */
    public void trainRewardModel() throws IOException {
        if (run.isDone(REWARD_MODEL)) {
            return;
        }
        requireDone(LABEL);
        long t0 = System.nanoTime();
        long f0 = FlopCounter.total();
        List<PreferenceRecord> prefs = Jsonl.read(run.file("preferences.jsonl"), PreferenceRecord.class);
        Map<String, Object> s = ProxyReward.train(this, prefs, loadSft(), run.file("rm"), log);
        s.put("seconds", (System.nanoTime() - t0) / 1e9);
        s.put("flops", FlopCounter.since(f0));
        run.markDone(REWARD_MODEL, s);
    }

    // ---- 5. PPO -----------------------------------------------------------------------------------------

    /** PPO of a copy of the SFT policy against the proxy reward; writes {@code ppo/} and {@code metrics.jsonl}. */
    public void ppo() throws IOException {
        if (run.isDone(PPO)) {
            return;
        }
        requireDone(REWARD_MODEL);
        ProxyReward reward = ProxyReward.load(this, run.file("rm"), loadSft(), log);
        ppo(reward);
    }

    /** Policy optimisation ({@code cfg.algorithm}: PPO, RLOO, GRPO, online DPO or direct RLAIF) against any reward source (used by experiments and tests). */
    public void ppo(RewardSource reward) throws IOException {
        long t0 = System.nanoTime();
        long f0 = FlopCounter.total();
        GPT reference = loadSft();
        GPT policy = Policies.copyOf(reference);
        Generator gen = new Generator(cfg.seed * 31 + 5);
        PromptSource ppoPrompts = (step, size) -> prompts(PPO_FROM + step * size, size);
        Algorithm algorithm = Algorithm.parse(cfg.algorithm);
        PolicyOptimizer ppo = optimizer(algorithm, policy, reference, reward, ppoPrompts, gen);
        PpoCheckpoint ckpt = new PpoCheckpoint(run.file("ppo"));
        long start = ckpt.restore(ppo, gen);
        Path metricsFile = run.file("metrics.jsonl");
        MetricsLog.truncateAfter(metricsFile, start);
        StageProgress bar = new StageProgress(log, PPO, cfg.ppo.steps);
        if (algorithm != Algorithm.PPO) {
            log.println("[ppo     ] policy optimiser: " + algorithm.id());
        }
        OverOptimizationMonitor monitor = new OverOptimizationMonitor(10);
        OnsetAlarm alarm = new OnsetAlarm(cfg.alarm);
        for (Map<String, Double> past : metricsRows(metricsFile)) {
            if (past.get("objective/scores") != null && past.get("gold/score") != null) {
                monitor.observe(past.get("objective/scores"), past.get("gold/score"));
            }
            alarm.observe(past);
        }
        ProxyJudgeProbe probe = cfg.alarm.enabled && cfg.alarm.judgeSample > 0 ? probe(reference, reward) : null;
        long stoppedAt = 0;
        try (MetricsLog metrics = MetricsLog.open(metricsFile)) {
            for (long i = start; i < cfg.ppo.steps && stoppedAt == 0; i++) {
                Map<String, Double> m = ppo.step();
                PolicyOptimizer.Samples s = ppo.lastSamples();
                GoldReport g = GoldReport.of(gold, s.prompts(), s.responses(), s.endedWithEos());
                m.put("gold/score", g.mean());
                m.put("gold/correct_rate", g.correctRate());
                m.put("gold/sycophancy_rate", g.sycophancyRate());
                m.put("objective/sqrt_kl", Math.sqrt(Math.max(0, m.get("objective/kl"))));
                String alert = monitor.observe(m.get("objective/scores"), g.mean());
                m.put("alert/proxy_up_gold_down", alert == null ? 0.0 : 1.0);
                if (alert != null) {
                    log.println((System.console() != null ? "\n" : "") + "[ppo     ] ALERT at step " + (i + 1) + ": " + alert);
                }
                String alarmStatus = "";
                if (cfg.alarm.enabled) {
                    if (probe != null && i % cfg.alarm.judgeEvery == 0) {
                        m.putAll(probe.measure(i, s.prompts(), s.responses()));
                    }
                    OnsetAlarm.Reading r = alarm.observe(m);
                    m.putAll(r.metrics());
                    alarmStatus = String.format(Locale.ROOT, " alarm %.2f%s", r.score(), r.fired() ? "!" : "");
                    if (r.justFired()) {
                        log.println((System.console() != null ? "\n" : "") + "[ppo     ] ONSET ALARM at step " + (i + 1)
                                + ": " + r.reason() + (cfg.alarm.earlyStop ? " - stopping (alarm.earlyStop)" : ""));
                        if (cfg.alarm.earlyStop) {
                            stoppedAt = i + 1;
                        }
                    }
                }
                metrics.write(m);
                if ((i + 1) % Math.max(1, cfg.ppo.steps / 4) == 0 || i + 1 == cfg.ppo.steps || stoppedAt > 0) {
                    ckpt.save(ppo, gen);
                }
                bar.update(stoppedAt > 0 ? cfg.ppo.steps : i + 1, String.format(Locale.ROOT, "proxy %+.2f gold %.2f kl %.2f len %.1f%s",
                        m.get("objective/scores"), g.mean(), m.get("objective/kl"), m.get("val/mean_length"), alarmStatus));
            }
        }
        Policies.save(policy, run.file("ppo"));
        bar.finish((algorithm == Algorithm.PPO ? "PPO done" : algorithm.id().toUpperCase(Locale.ROOT) + " done")
                + (stoppedAt > 0 ? " (stopped early by the onset alarm at step " + stoppedAt + ")" : ""));
        Map<String, Object> summary = new TreeMap<>(Map.of("algorithm", algorithm.id(), "steps", cfg.ppo.steps,
                "seconds", (System.nanoTime() - t0) / 1e9, "flops", FlopCounter.since(f0)));
        if (cfg.alarm.enabled) {
            summary.put("alarm_first_step", alarm.firstStep());
        }
        if (stoppedAt > 0) {
            summary.put("stopped_early_at", stoppedAt);
        }
        run.markDone(PPO, summary);
    }

    /** The onset alarm's proxy–judge probe: the run's labeler and pθ against π_ref's greedy answers. */
    private ProxyJudgeProbe probe(GPT reference, RewardSource reward) {
        // its own generator: greedy decoding draws nothing, but the optimiser's stream must stay untouched either way
        Generator probeGen = new Generator(cfg.seed * 31 + 11);
        return new ProxyJudgeProbe(labeler(), reward,
                ps -> Policies.sample(reference, codec, ps, 0, cfg.ppo.maxNewTokens, probeGen).responses(),
                cfg.alarm.judgeSample, cfg.labeler.concurrency);
    }

    /**
     * The numeric fields of each row of a {@code metrics.jsonl} (empty when the file does not exist); a
     * resumed run replays them into its monitors, the lab reads runs with it.
     *
     * @throws IOException naming the file and line of a row that is not JSON
     */
    public static List<Map<String, Double>> metricsRows(Path file) throws IOException {
        List<Map<String, Double>> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        int line = 0;
        for (String l : Files.readAllLines(file)) {
            line++;
            if (l.isBlank()) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode n;
            try {
                n = RlaifConfig.MAPPER.readTree(l);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IOException(file + ":" + line + ": not a JSON metrics row: " + e.getOriginalMessage(), e);
            }
            Map<String, Double> row = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> {
                if (e.getValue().isNumber()) {
                    row.put(e.getKey(), e.getValue().asDouble());
                }
            });
            rows.add(row);
        }
        return rows;
    }

    /**
     * The optimiser of {@code algorithm} over {@code reward}: online DPO asks {@link #labeler()} for
     * each pair (with {@code onlineDpo.feedback: judge}); direct RLAIF replaces {@code reward} by the
     * labeler's preference over π_ref's greedy answer ({@link JudgeReward}) under
     * {@code directRlaif.optimizer}'s update.
     */
    private PolicyOptimizer optimizer(Algorithm algorithm, GPT policy, GPT reference, RewardSource reward,
                                      PromptSource ppoPrompts, Generator gen) {
        return switch (algorithm) {
            case PPO -> {
                ScalarModel critic = new ScalarModel(Policies.copyOf(reference), ScalarHead.value(cfg.model.dModel));
                critic.to(device);
                yield new PpoTrainer(policy, reference, critic, reward, ppoPrompts, codec, cfg.ppo, gen);
            }
            case RLOO -> new RlooTrainer(policy, reference, reward, ppoPrompts, codec, cfg.ppo, cfg.rloo, gen);
            case GRPO -> new GrpoTrainer(policy, reference, reward, ppoPrompts, codec, cfg.ppo, cfg.grpo, gen);
            case ONLINE_DPO -> new OnlineDpoTrainer(policy, reference, reward,
                    cfg.onlineDpo.feedback.equals("judge") ? labeler() : null, ppoPrompts, codec, cfg.ppo, cfg.onlineDpo,
                    cfg.labeler.concurrency, gen);
            case D_RLAIF -> {
                JudgeReward judge = new JudgeReward(labeler(),
                        ps -> Policies.sample(reference, codec, ps, 0, cfg.ppo.maxNewTokens, gen).responses(),
                        cfg.labeler.concurrency);
                yield new DirectRlaif(optimizer(Algorithm.parse(cfg.directRlaif.optimizer), policy, reference, judge,
                        ppoPrompts, gen), judge);
            }
        };
    }

    /** The PPO-trained policy. */
    public GPT loadPpo() throws IOException {
        requireDone(PPO);
        return Policies.load(run.file("ppo"), device);
    }

    // ---- 6. evaluation -------------------------------------------------------------------------------------

    /** Gold and proxy quality of SFT vs PPO policies on held-out prompts; writes {@code eval.json}. */
    public Map<String, Object> evaluate() throws IOException {
        if (run.isDone(EVAL)) {
            return RlaifConfig.MAPPER.convertValue(run.summary(EVAL).orElseThrow(), Map.class);
        }
        requireDone(PPO);
        long t0 = System.nanoTime();
        long f0 = FlopCounter.total();
        List<String> prompts = prompts(EVAL_FROM, cfg.eval.prompts);
        ProxyReward proxy = ProxyReward.load(this, run.file("rm"), loadSft(), log);
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, GoldReport> golds = new LinkedHashMap<>();
        Map<String, List<String>> responses = new LinkedHashMap<>();
        for (String which : List.of("sft", "ppo")) {
            GPT policy = which.equals("sft") ? loadSft() : loadPpo();
            Policies.Samples s = Policies.sampleAll(policy, codec, prompts, cfg.eval.temperature, cfg.ppo.maxNewTokens,
                    128, new Generator(cfg.seed * 31 + 6));
            GoldReport g = GoldReport.of(gold, prompts, s.responses(), s.endedWithEos());
            float[] raw = proxy.score(prompts, s.responses()).rawScores();
            double proxyMean = 0;
            for (float v : raw) {
                proxyMean += v;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("gold_score", g.mean());
            m.put("correct_rate", g.correctRate());
            m.put("sycophancy_rate", g.sycophancyRate());
            m.put("proxy_score", proxyMean / raw.length);
            m.put("mean_length", g.meanLength());
            m.put("eos_rate", g.eosRate());
            out.put(which, m);
            golds.put(which, g);
            responses.put(which, s.responses());
        }
        double wins = 0;
        double[] a = golds.get("ppo").scores(), b = golds.get("sft").scores();
        for (int i = 0; i < a.length; i++) {
            wins += a[i] > b[i] ? 1 : a[i] == b[i] ? 0.5 : 0;
        }
        out.put("ppo_win_rate_vs_sft", wins / a.length);
        out.put("prompts", prompts.size());
        out.put("seconds", (System.nanoTime() - t0) / 1e9);
        out.put("flops", FlopCounter.since(f0));
        List<Map<String, String>> examples = new ArrayList<>();
        for (int i = 0; i < Math.min(12, prompts.size()); i++) {
            examples.add(new TreeMap<>(Map.of("prompt", prompts.get(i), "sft", responses.get("sft").get(i), "ppo",
                    responses.get("ppo").get(i))));
        }
        out.put("examples", examples);
        run.write("eval.json", RlaifConfig.MAPPER.writeValueAsString(out));
        run.markDone(EVAL, out);
        log.printf(Locale.ROOT, "[eval    ] gold: SFT %.3f -> %s %.3f (correct %.2f -> %.2f), win rate vs SFT %.2f%n",
                golds.get("sft").mean(), cfg.algorithm.toUpperCase(Locale.ROOT), golds.get("ppo").mean(), golds.get("sft").correctRate(),
                golds.get("ppo").correctRate(), wins / a.length);
        return out;
    }

    // ---- 7. report ------------------------------------------------------------------------------------------

    /** Writes {@code report.html} from everything the run recorded. */
    public Path report() throws IOException {
        Path f = RunReport.write(this);
        run.markDone(REPORT, Map.of("file", f.toString()));
        log.println("[report  ] " + f.toAbsolutePath());
        return f;
    }

    // ---- shared -----------------------------------------------------------------------------------------------

    /** Prompts of tasks {@code from..from+count}. */
    public List<String> prompts(long from, int count) {
        List<String> out = new ArrayList<>(count);
        for (Task t : suite.tasks(from, count)) {
            out.add(t.prompt());
        }
        return out;
    }

    /** The gold scorer. */
    public GoldScorer gold() {
        return gold;
    }

    /** The device models run on. */
    public Device device() {
        return device;
    }

    /** Where progress is printed. */
    public PrintStream log() {
        return log;
    }

    private void requireDone(String stage) {
        if (!run.isDone(stage)) {
            throw new IllegalStateException("stage '" + stage + "' has not run in " + run.root()
                    + ": run 'plumbline " + stage + " --run-dir " + run.root() + "' first (or 'plumbline demo')");
        }
    }
}
