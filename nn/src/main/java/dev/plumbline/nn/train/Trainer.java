// Trainer: language-model pre-training and SFT on any LanguageModel + Module — random-window or
// per-example batches, AdamW with warm-up/decay, clipping, accumulation, held-out loss, metrics,
// progress bar, atomic checkpoints and exact resume.
package dev.plumbline.nn.train;

import dev.plumbline.nn.LanguageModel;
import dev.plumbline.nn.Module;
import dev.plumbline.nn.Parameter;
import dev.plumbline.nn.optim.AdamW;
import dev.plumbline.nn.optim.GradAccumulation;
import dev.plumbline.nn.optim.GradClip;
import dev.plumbline.nn.optim.LrSchedule;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.AnomalyException;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.random.Generator;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a causal language model with next-token cross-entropy (targets −100 are ignored).
 *
 * <pre>{@code
 * GPT model = new GPT(config, new Generator(1));
 * Corpus.Split data = Corpus.fromText(Files.readString(path), tokenizer::encode).split(0.1);
 * TrainerConfig cfg = new TrainerConfig().batchSize(16).seqLen(128).maxSteps(2000).lr(3e-4)
 *         .warmupSteps(100).evalEvery(200).checkpointEvery(500).runDir(Path.of("runs/tiny"));
 * TrainResult r = new Trainer(model, cfg, data.train(), data.eval()).fit();   // resumes if it can
 * }</pre>
 *
 * <p>Each step: schedule the lr; clear gradients; for each of {@code accumSteps} micro-batches, in
 * its own {@link Scope}, forward, scale the loss by 1/accumSteps, backward; clip the global
 * gradient norm; AdamW step. Live memory therefore stays flat from step to step.
 *
 * <p>Exact resume: a checkpoint holds the weights, the optimizer state (moments, per-parameter
 * steps), the step count and the state of the batch-sampling generator (and of the model's own
 * generator if one was given with {@link #withModelGenerator}); the learning rate is a function of
 * the step. Continuing from it gives the same losses as a run that was never interrupted.
 */
public final class Trainer {
    private final Module module;
    private final LanguageModel lm;
    private final TrainerConfig cfg;
    private final Corpus train;
    private final Corpus eval;
    private final int seqLen;
    private final AdamW optimizer;
    private final LrSchedule schedule;
    private final GradAccumulation accumulation;
    private final Generator sampler;
    private final List<Parameter> params;
    private Generator modelGenerator;
    private PrintStream progressOut = System.err;
    private long step;
    private long skippedSteps;

    /**
     * @param model a module that is a language model (GPT, or anything implementing both)
     * @param eval  held-out corpus, or null for none
     */
    public <M extends Module & LanguageModel> Trainer(M model, TrainerConfig cfg, Corpus train, Corpus eval) {
        cfg.validate();
        this.module = model;
        this.lm = model;
        this.cfg = cfg;
        this.train = train;
        this.eval = eval;
        this.seqLen = cfg.seqLen == 0 ? model.contextLength() : cfg.seqLen;
        if (seqLen > model.contextLength()) {
            throw new IllegalArgumentException("Trainer: seqLen " + seqLen + " exceeds the model's context length "
                    + model.contextLength());
        }
        this.optimizer = new AdamW(model, cfg.lr, cfg.beta1, cfg.beta2, cfg.eps, cfg.weightDecay);
        this.schedule = switch (cfg.schedule) {
            case COSINE -> LrSchedule.warmupCosine(cfg.warmupSteps, cfg.maxSteps, cfg.minLrRatio);
            case LINEAR -> LrSchedule.warmupLinear(cfg.warmupSteps, cfg.maxSteps, cfg.minLrRatio);
            case CONSTANT -> LrSchedule.constantWithWarmup(cfg.warmupSteps);
        };
        this.accumulation = new GradAccumulation(cfg.accumSteps);
        this.sampler = new Generator(cfg.seed);
        this.params = model.parameters();
    }

    /** Saves and restores this generator's state in checkpoints too (e.g. the model's dropout RNG). */
    public Trainer withModelGenerator(Generator gen) {
        this.modelGenerator = gen;
        return this;
    }

    /** Where the progress bar goes (default stderr). */
    public Trainer withProgressOutput(PrintStream out) {
        this.progressOut = out;
        return this;
    }

    /** The optimizer (AdamW, decay on {@code Parameter.decay()} parameters only). */
    public AdamW optimizer() {
        return optimizer;
    }

    /** Optimizer steps done so far. */
    public long step() {
        return step;
    }

    /**
     * Steps whose update was skipped under {@link TrainerConfig.NonFinitePolicy#SKIP_STEP} (a NaN or
     * infinite loss or gradient), over the whole run including resumed parts.
     */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** Trains to {@code maxSteps}, resuming from the newest checkpoint when configured to. */
    public TrainResult fit() {
        return fit(cfg.maxSteps);
    }

    /**
     * Trains until {@code untilStep} (≤ maxSteps; the schedule still spans maxSteps), then writes a
     * checkpoint. Calling it with a smaller value and later again is the same as one call.
     */
    public TrainResult fit(long untilStep) {
        if (untilStep < 0 || untilStep > cfg.maxSteps) {
            throw new IllegalArgumentException("Trainer.fit: untilStep must be in [0, maxSteps=" + cfg.maxSteps + "], got " + untilStep);
        }
        try {
            return run(untilStep);
        } catch (IOException e) {
            throw new UncheckedIOException("Trainer: writing to run directory " + cfg.runDir + " failed: " + e.getMessage(), e);
        }
    }

    private CheckpointStore store() {
        return cfg.runDir == null ? null : new CheckpointStore(cfg.runDir.resolve("checkpoints"), cfg.keepCheckpoints);
    }

    private TrainResult run(long untilStep) throws IOException {
        CheckpointStore store = store();
        Path metricsFile = cfg.runDir == null ? null : cfg.runDir.resolve("metrics.jsonl");
        if (store != null && cfg.resume) {
            var latest = store.latest();
            if (latest.isPresent() && latest.get().step() > step) {
                restore(latest.get());
                MetricsLog.truncateAfter(metricsFile, step);
            }
        }
        long first = step;
        double[] losses = new double[(int) Math.max(0, untilStep - first)];
        Device device = module.device();
        long tokensPerStep = (long) cfg.batchSize * seqLen * cfg.accumSteps;
        ProgressLine bar = cfg.progress ? new ProgressLine(progressOut, cfg.maxSteps, System.console() != null) : null;
        long trainNanos = 0;
        long lastSaved = -1;
        module.train();
        try (MetricsLog metrics = metricsFile == null ? null : MetricsLog.open(metricsFile)) {
            while (step < untilStep) {
                long t0 = System.nanoTime();
                double lr = schedule.lrAt(step, cfg.lr);
                schedule.apply(optimizer, step);
                optimizer.zeroGrad();
                double lossSum = 0;
                for (int micro = 0; micro < cfg.accumSteps; micro++) {
                    Batch b = train.sample(sampler, cfg.batchSize, seqLen);
                    try (Scope s = Scope.open()) {
                        Tensor loss = lossOf(b, device);
                        accumulation.scale(loss).backward();
                        lossSum += loss.item();
                    } catch (AnomalyException e) {
                        // Anomaly mode is for finding the culprit: it always stops, naming step and op.
                        AnomalyException named = new AnomalyException("Trainer: step " + (step + 1) + " (micro-batch " + (micro + 1)
                                + " of " + cfg.accumSteps + "): " + e.getMessage());
                        named.initCause(e);
                        throw named;
                    }
                }
                double loss = lossSum / cfg.accumSteps;
                // Checked before the optimizer runs, so a NaN never reaches the parameters or the AdamW
                // moments; clipping with errorIfNonFinite changes nothing when the norm is not finite.
                double gradNorm;
                String gradProblem = null;
                try {
                    gradNorm = cfg.gradClip > 0 ? GradClip.clipGradNorm(params, cfg.gradClip, true) : GradClip.gradNorm(params);
                } catch (ArithmeticException e) {
                    gradNorm = Double.NaN;
                    gradProblem = e.getMessage();
                }
                if (!Double.isFinite(loss) || !Double.isFinite(gradNorm)) {
                    String what = (!Double.isFinite(loss) ? "loss is " + loss
                            : "loss is finite (" + loss + ") but the gradient norm is " + gradNorm)
                            + " at step " + (step + 1) + " (lr " + lr + ")"
                            + (gradProblem != null ? " [" + gradProblem + "]" : "");
                    if (cfg.nonFinitePolicy == TrainerConfig.NonFinitePolicy.FAIL) {
                        throw new ArithmeticException("Trainer: " + what + "; the update was not applied. Lower the lr, check "
                                + "the data, run with -Dplumbline.anomaly=true to name the op, or set nonFinitePolicy(SKIP_STEP)");
                    }
                    optimizer.zeroGrad();
                    skippedSteps++;
                    if (bar != null) bar.message("skipped step " + (step + 1) + ": " + what);
                } else {
                    optimizer.step();
                }
                step++;
                losses[(int) (step - first - 1)] = loss;
                trainNanos += System.nanoTime() - t0;
                double tokPerSec = tokensPerStep * (step - first) / (trainNanos / 1e9);
                double secPerStep = trainNanos / 1e9 / (step - first);
                if (metrics != null && (step % cfg.logEvery == 0 || step == untilStep)) {
                    Map<String, Object> rec = new LinkedHashMap<>();
                    rec.put("step", step);
                    rec.put("loss", loss);
                    rec.put("lr", lr);
                    rec.put("tokens_per_sec", tokPerSec);
                    rec.put("grad_norm", gradNorm);
                    rec.put("train/skipped_steps", skippedSteps);
                    metrics.write(rec);
                }
                if (bar != null) {
                    bar.update(step, loss, lr, tokPerSec, secPerStep);
                }
                if (eval != null && cfg.evalEvery > 0 && step % cfg.evalEvery == 0 && step != cfg.maxSteps) {
                    double el = evaluate();
                    if (metrics != null) {
                        metrics.write(Map.of("step", step, "eval_loss", el));
                    }
                    if (bar != null) {
                        bar.message(String.format(java.util.Locale.ROOT, "step %d: eval loss %.4f", step, el));
                    }
                }
                if (store != null && cfg.checkpointEvery > 0 && step % cfg.checkpointEvery == 0) {
                    save(store);
                    lastSaved = step;
                }
            }
            double evalLoss = Double.NaN;
            if (eval != null && step == cfg.maxSteps) {
                evalLoss = evaluate();
                if (metrics != null) {
                    metrics.write(Map.of("step", step, "eval_loss", evalLoss));
                }
            }
            if (store != null && lastSaved != step && step > first) {
                save(store);
            }
            if (bar != null) {
                bar.finish();
            }
            double tps = trainNanos == 0 ? 0 : tokensPerStep * (step - first) / (trainNanos / 1e9);
            return new TrainResult(first, step, losses, evalLoss, tps);
        }
    }

    /** Mean next-token loss of a batch (a scalar in the current scope). */
    private Tensor lossOf(Batch b, Device device) {
        Tensor logits = lm.logits(b.idsTensor(device));
        return logits.crossEntropy(b.targetsTensor(device), Batch.IGNORE);
    }

    /**
     * The mean loss over {@code evalBatches} held-out batches, the same batches every time (a fixed
     * generator), in eval mode and without a graph; NaN without an eval corpus.
     */
    public double evaluate() {
        if (eval == null) {
            return Double.NaN;
        }
        boolean wasTraining = module.isTraining();
        module.eval();
        Generator g = new Generator(cfg.seed ^ 0x5EED_E7A1L);
        double sum = 0;
        try (NoGrad ng = NoGrad.enter()) {
            for (int i = 0; i < cfg.evalBatches; i++) {
                try (Scope s = Scope.open()) {
                    sum += lossOf(eval.sample(g, cfg.batchSize, seqLen), module.device()).item();
                }
            }
        } finally {
            module.train(wasTraining);
        }
        return sum / cfg.evalBatches;
    }

    private void save(CheckpointStore store) throws IOException {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("format", "plumbline-trainer-1");
        state.put("step", step);
        state.put("skipped_steps", skippedSteps);
        state.put("sampler_seed", sampler.seed());
        state.put("sampler_offset", sampler.offset());
        if (modelGenerator != null) {
            state.put("model_rng_seed", modelGenerator.seed());
            state.put("model_rng_offset", modelGenerator.offset());
        }
        state.put("config", cfg.toMap());
        store.save(step, module.stateDict(), optimizer.stateDict(), state);
    }

    private void restore(CheckpointStore.Checkpoint c) {
        Map<String, Object> t = c.trainer();
        long savedStep = ((Number) t.get("step")).longValue();
        if (savedStep != c.step()) {
            throw new IllegalStateException("Trainer: checkpoint " + c.dir() + " says step " + savedStep + " but is named for step " + c.step());
        }
        module.loadStateDict(c.model());
        optimizer.loadStateDict(c.optimizer());
        sampler.setState(((Number) t.get("sampler_seed")).longValue(), ((Number) t.get("sampler_offset")).longValue());
        if (modelGenerator != null && t.containsKey("model_rng_seed")) {
            modelGenerator.setState(((Number) t.get("model_rng_seed")).longValue(), ((Number) t.get("model_rng_offset")).longValue());
        }
        step = savedStep;
        skippedSteps = t.containsKey("skipped_steps") ? ((Number) t.get("skipped_steps")).longValue() : 0;
    }
}
