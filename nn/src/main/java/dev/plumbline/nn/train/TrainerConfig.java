// TrainerConfig: every knob of a Trainer run, fluent setters with defaults, validated with messages
// that name the bad value.
package dev.plumbline.nn.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of a {@link Trainer} run. Setters return this; {@link #validate()} runs when the trainer
 * is built.
 *
 * <pre>{@code
 * TrainerConfig cfg = new TrainerConfig()
 *         .batchSize(16).seqLen(128).maxSteps(2000)
 *         .lr(3e-4).warmupSteps(100).schedule(TrainerConfig.Schedule.COSINE).minLrRatio(0.1)
 *         .gradClip(1.0).accumSteps(2)
 *         .evalEvery(200).checkpointEvery(500).runDir(Path.of("runs/sft"));
 * }</pre>
 */
public final class TrainerConfig {
    /** Learning-rate shape after warm-up. */
    public enum Schedule { COSINE, LINEAR, CONSTANT }

    /**
     * What a step does when its loss or gradient norm is NaN or infinite. Either way the optimizer
     * does not run, so the parameters keep their last finite values.
     */
    public enum NonFinitePolicy {
        /** Stop the run with an ArithmeticException naming the step (and, in anomaly mode, the op). */
        FAIL,
        /** Drop the step's gradients, leave the parameters unchanged, count it in {@code train/skipped_steps}. */
        SKIP_STEP
    }

    int batchSize = 8;
    int seqLen = 0; // 0: the model's context length
    long maxSteps = 1000;
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weightDecay = 0.01;
    long warmupSteps = 0;
    Schedule schedule = Schedule.COSINE;
    double minLrRatio = 0.0;
    double gradClip = 1.0; // 0: no clipping
    int accumSteps = 1;
    long evalEvery = 0; // 0: only at the end
    int evalBatches = 4;
    long checkpointEvery = 0; // 0: only at the end
    int keepCheckpoints = 0; // 0: keep all
    long logEvery = 1;
    long seed = 0;
    Path runDir = null; // null: no files written
    boolean resume = true;
    boolean progress = true;
    NonFinitePolicy nonFinitePolicy = NonFinitePolicy.FAIL;

    /** Rows per micro-batch (default 8). */
    public TrainerConfig batchSize(int v) { batchSize = v; return this; }
    /** Positions per row; 0 (default) uses the model's context length. */
    public TrainerConfig seqLen(int v) { seqLen = v; return this; }
    /** Optimizer steps of the whole run; the schedule spans them (default 1000). */
    public TrainerConfig maxSteps(long v) { maxSteps = v; return this; }
    /** Peak learning rate (default 1e-3). */
    public TrainerConfig lr(double v) { lr = v; return this; }
    /** AdamW betas (default 0.9, 0.999). */
    public TrainerConfig betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
    /** AdamW epsilon (default 1e-8). */
    public TrainerConfig eps(double v) { eps = v; return this; }
    /** Decoupled weight decay on decay() parameters (default 0.01). */
    public TrainerConfig weightDecay(double v) { weightDecay = v; return this; }
    /** Linear warm-up steps (default 0). */
    public TrainerConfig warmupSteps(long v) { warmupSteps = v; return this; }
    /** Decay shape after warm-up (default COSINE). */
    public TrainerConfig schedule(Schedule v) { schedule = v; return this; }
    /** Final lr as a fraction of the peak (default 0). */
    public TrainerConfig minLrRatio(double v) { minLrRatio = v; return this; }
    /** Max global gradient L2 norm; 0 turns clipping off (default 1.0). */
    public TrainerConfig gradClip(double v) { gradClip = v; return this; }
    /** Micro-batches per optimizer step (default 1). */
    public TrainerConfig accumSteps(int v) { accumSteps = v; return this; }
    /** Held-out loss every N steps; 0: only at the end (default 0). */
    public TrainerConfig evalEvery(long v) { evalEvery = v; return this; }
    /** Batches per held-out evaluation (default 4). */
    public TrainerConfig evalBatches(int v) { evalBatches = v; return this; }
    /** Checkpoint every N steps; 0: only at the end (default 0). Needs a run directory. */
    public TrainerConfig checkpointEvery(long v) { checkpointEvery = v; return this; }
    /** Checkpoints to keep, newest first; 0 keeps all (default 0). */
    public TrainerConfig keepCheckpoints(int v) { keepCheckpoints = v; return this; }
    /** Metrics line every N steps (default 1). */
    public TrainerConfig logEvery(long v) { logEvery = v; return this; }
    /** Seed of batch sampling (default 0). */
    public TrainerConfig seed(long v) { seed = v; return this; }
    /** Where metrics.jsonl and checkpoints/ go; null writes nothing (default). */
    public TrainerConfig runDir(Path v) { runDir = v; return this; }
    /** Continue from the newest checkpoint in the run directory if there is one (default true). */
    public TrainerConfig resume(boolean v) { resume = v; return this; }
    /** Draw the progress bar on stderr (default true). */
    public TrainerConfig progress(boolean v) { progress = v; return this; }

    /**
     * What to do with a step whose loss or gradients are not finite (default FAIL).
     * {@code new TrainerConfig().nonFinitePolicy(TrainerConfig.NonFinitePolicy.SKIP_STEP)}
     */
    public TrainerConfig nonFinitePolicy(NonFinitePolicy v) { nonFinitePolicy = java.util.Objects.requireNonNull(v, "nonFinitePolicy"); return this; }

    /** Throws naming the first bad setting. */
    public void validate() {
        positive("batchSize", batchSize);
        if (seqLen < 0) {
            throw new IllegalArgumentException("TrainerConfig: seqLen must be >= 0 (0 = context length), got " + seqLen);
        }
        positive("maxSteps", maxSteps);
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("TrainerConfig: lr must be finite and >= 0, got " + lr);
        }
        if (warmupSteps < 0 || warmupSteps > maxSteps) {
            throw new IllegalArgumentException("TrainerConfig: warmupSteps must be in [0, maxSteps=" + maxSteps + "], got " + warmupSteps);
        }
        if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
            throw new IllegalArgumentException("TrainerConfig: minLrRatio must be in [0, 1], got " + minLrRatio);
        }
        if (!(gradClip >= 0) || Double.isInfinite(gradClip)) {
            throw new IllegalArgumentException("TrainerConfig: gradClip must be finite and >= 0 (0 = off), got " + gradClip);
        }
        positive("accumSteps", accumSteps);
        positive("evalBatches", evalBatches);
        positive("logEvery", logEvery);
        for (Map.Entry<String, Long> e : Map.of("evalEvery", evalEvery, "checkpointEvery", checkpointEvery,
                "keepCheckpoints", (long) keepCheckpoints).entrySet()) {
            if (e.getValue() < 0) {
                throw new IllegalArgumentException("TrainerConfig: " + e.getKey() + " must be >= 0, got " + e.getValue());
            }
        }
    }

    private static void positive(String name, long v) {
        if (v < 1) {
            throw new IllegalArgumentException("TrainerConfig: " + name + " must be >= 1, got " + v);
        }
    }

    /** The settings as a JSON-ready map (stored in trainer.json). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batch_size", batchSize);
        m.put("seq_len", seqLen);
        m.put("max_steps", maxSteps);
        m.put("lr", lr);
        m.put("betas", new double[] {beta1, beta2});
        m.put("eps", eps);
        m.put("weight_decay", weightDecay);
        m.put("warmup_steps", warmupSteps);
        m.put("schedule", schedule.name().toLowerCase(java.util.Locale.ROOT));
        m.put("min_lr_ratio", minLrRatio);
        m.put("grad_clip", gradClip);
        m.put("accum_steps", accumSteps);
        m.put("eval_every", evalEvery);
        m.put("eval_batches", evalBatches);
        m.put("checkpoint_every", checkpointEvery);
        m.put("seed", seed);
        m.put("non_finite_policy", nonFinitePolicy.name().toLowerCase(java.util.Locale.ROOT));
        return m;
    }
}
