// Trains a preference model with the Bradley–Terry loss and AdamW, then evaluates it on held-out pairs.
package dev.plumbline.rlaif.reward;

import dev.plumbline.nn.optim.AdamW;
import dev.plumbline.nn.optim.GradClip;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fits pθ to labeled pairs: each step scores chosen and rejected of a mini-batch in one forward pass
 * (2B rows) and minimises −[t·log σ(d) + (1−t)·log σ(−d)], d = f(x, y_w) − f(x, y_l) − m, (t = 1 for
 * an A/B label: the classic −log σ(f_w − f_l − m); t = 0.5 for a kept tie, whose margin is 0), with
 * AdamW and global gradient clipping; every step runs in its own {@link Scope}.
 *
 * <p>A seeded shuffle holds out {@code heldOutFraction} of the pairs (at least one when the fraction
 * is positive) before training; the report evaluates them before and after.
 *
 * <pre>{@code
 * var cfg = PreferenceModelTrainer.Config.defaults().withEpochs(4).withSeed(1);
 * PreferenceModelReport r = new PreferenceModelTrainer(cfg).train(pm, examples);
 * System.err.println(r.summary());
 * }</pre>
 */
public final class PreferenceModelTrainer {

    /**
     * Training settings.
     *
     * @param epochs          passes over the training pairs, ≥ 1
     * @param batchSize       pairs per step, ≥ 1
     * @param lr              AdamW learning rate, &gt; 0 (constant)
     * @param weightDecay     AdamW decoupled weight decay on matrices and embeddings, ≥ 0
     * @param margin          BT margin m ≥ 0 for hard labels
     * @param heldOutFraction share of pairs held out for evaluation, in [0, 1)
     * @param seed            split and shuffle seed
     * @param gradClip        max global gradient norm, &gt; 0 (infinite disables)
     * @param progress        print one progress line per epoch to stderr
     */
    public record Config(int epochs, int batchSize, double lr, double weightDecay, double margin,
                         double heldOutFraction, long seed, double gradClip, boolean progress) {
        public Config {
            if (epochs < 1) throw new IllegalArgumentException("Config: epochs must be >= 1, got " + epochs);
            if (batchSize < 1) throw new IllegalArgumentException("Config: batchSize must be >= 1, got " + batchSize);
            if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("Config: lr must be finite and > 0, got " + lr);
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("Config: weightDecay must be >= 0, got " + weightDecay);
            if (!(margin >= 0) || Double.isInfinite(margin)) throw new IllegalArgumentException("Config: margin must be finite and >= 0, got " + margin);
            if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
                throw new IllegalArgumentException("Config: heldOutFraction must be in [0, 1), got " + heldOutFraction);
            }
            if (!(gradClip > 0)) throw new IllegalArgumentException("Config: gradClip must be > 0, got " + gradClip);
        }

        /** epochs 4, batch 16, lr 1e-3, weight decay 0.01, margin 0, held out 0.1, seed 0, clip 1.0, quiet. */
        public static Config defaults() {
            return new Config(4, 16, 1e-3, 0.01, 0, 0.1, 0, 1.0, false);
        }

        public Config withEpochs(int v) { return new Config(v, batchSize, lr, weightDecay, margin, heldOutFraction, seed, gradClip, progress); }
        public Config withBatchSize(int v) { return new Config(epochs, v, lr, weightDecay, margin, heldOutFraction, seed, gradClip, progress); }
        public Config withLr(double v) { return new Config(epochs, batchSize, v, weightDecay, margin, heldOutFraction, seed, gradClip, progress); }
        public Config withWeightDecay(double v) { return new Config(epochs, batchSize, lr, v, margin, heldOutFraction, seed, gradClip, progress); }
        public Config withMargin(double v) { return new Config(epochs, batchSize, lr, weightDecay, v, heldOutFraction, seed, gradClip, progress); }
        public Config withHeldOutFraction(double v) { return new Config(epochs, batchSize, lr, weightDecay, margin, v, seed, gradClip, progress); }
        public Config withSeed(long v) { return new Config(epochs, batchSize, lr, weightDecay, margin, heldOutFraction, v, gradClip, progress); }
        public Config withGradClip(double v) { return new Config(epochs, batchSize, lr, weightDecay, margin, heldOutFraction, seed, v, progress); }
        public Config withProgress(boolean v) { return new Config(epochs, batchSize, lr, weightDecay, margin, heldOutFraction, seed, gradClip, v); }
    }

    /** A train/held-out split of examples. */
    public record Split(List<PreferenceExample> train, List<PreferenceExample> heldOut) {
        public Split {
            train = List.copyOf(train);
            heldOut = List.copyOf(heldOut);
        }
    }

    private final Config config;

    /** A trainer with {@code config}. */
    public PreferenceModelTrainer(Config config) {
        if (config == null) throw new IllegalArgumentException("PreferenceModelTrainer: config is null");
        this.config = config;
    }

    /** The settings. */
    public Config config() {
        return config;
    }

    /**
     * Splits {@code examples} by a shuffle seeded with {@code config.seed()}: round(n·heldOutFraction)
     * pairs (at least 1 when the fraction is positive and n ≥ 2) are held out.
     */
    public Split split(List<PreferenceExample> examples) {
        checkExamples(examples);
        int n = examples.size();
        int held = (int) Math.round(n * config.heldOutFraction());
        if (config.heldOutFraction() > 0 && held == 0 && n >= 2) held = 1;
        if (held >= n) held = n - 1;
        int[] order = permutation(n, new SplittableRandom(config.seed()));
        List<PreferenceExample> heldOut = new ArrayList<>(held), train = new ArrayList<>(n - held);
        for (int i = 0; i < n; i++) (i < held ? heldOut : train).add(examples.get(order[i]));
        return new Split(train, heldOut);
    }

    /** Splits (see {@link #split}) and trains on the training part. */
    public PreferenceModelReport train(PreferenceModel model, List<PreferenceExample> examples) {
        Split s = split(examples);
        return train(model, s.train(), s.heldOut());
    }

    /**
     * Trains {@code model} on {@code train} and evaluates {@code heldOut} (may be empty) before and after.
     *
     * @throws IllegalArgumentException when {@code train} is empty or a pair cannot be encoded
     */
    public PreferenceModelReport train(PreferenceModel model, List<PreferenceExample> train, List<PreferenceExample> heldOut) {
        if (model == null) throw new IllegalArgumentException("train: model is null");
        checkExamples(train);
        if (heldOut == null) throw new IllegalArgumentException("train: heldOut is null (pass an empty list)");
        for (int i = 0; i < train.size(); i++) {
            PreferenceExample e = train.get(i);
            try {               // fail before any step, naming the pair
                model.encode(e.prompt(), e.chosen());
                model.encode(e.prompt(), e.rejected());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("train: example " + i + ": " + ex.getMessage(), ex);
            }
        }
        long t0 = System.nanoTime();
        PreferenceEvaluation before = heldOut.isEmpty() ? null : evaluate(model, heldOut);
        AdamW opt = new AdamW(model.network(), config.lr(), config.weightDecay());
        SplittableRandom rng = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
        List<Double> stepLoss = new ArrayList<>(), epochLoss = new ArrayList<>();
        Device dev = model.device();
        model.network().train();
        int n = train.size();
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            int[] order = permutation(n, rng);
            double sum = 0;
            int batches = 0;
            for (int from = 0; from < n; from += config.batchSize()) {
                int b = Math.min(config.batchSize(), n - from);
                List<String> prompts = new ArrayList<>(2 * b), responses = new ArrayList<>(2 * b);
                float[] target = new float[b], margin = new float[b];
                for (int j = 0; j < b; j++) {
                    PreferenceExample e = train.get(order[from + j]);
                    prompts.add(e.prompt());
                    responses.add(e.chosen());
                    target[j] = (float) e.labelTarget();
                    margin[j] = e.isTie() ? 0f : (float) config.margin();
                }
                for (int j = 0; j < b; j++) {
                    PreferenceExample e = train.get(order[from + j]);
                    prompts.add(e.prompt());
                    responses.add(e.rejected());
                }
                double lossValue;
                try (Scope s = Scope.open()) {
                    Tensor f = model.scores(prompts, responses);           // (2B): chosen rows, then rejected rows
                    Tensor loss = BradleyTerry.loss(f.slice(0, 0, b), f.slice(0, b, 2 * b),
                            Tensor.fromArray(dev, target, b), Tensor.fromArray(dev, margin, b));
                    opt.zeroGrad();
                    loss.backward();
                    if (!Double.isInfinite(config.gradClip())) GradClip.clipGradNorm(model.network().parameters(), config.gradClip());
                    opt.step();
                    lossValue = loss.item();
                }
                stepLoss.add(lossValue);
                sum += lossValue;
                batches++;
            }
            epochLoss.add(sum / batches);
            if (config.progress()) {
                System.err.printf("pθ epoch %d/%d: train loss %.4f (%d steps, %.1fs)%n", epoch + 1, config.epochs(),
                        sum / batches, stepLoss.size(), (System.nanoTime() - t0) / 1e9);
            }
        }
        opt.zeroGrad();
        model.network().eval();
        PreferenceEvaluation after = heldOut.isEmpty() ? null : evaluate(model, heldOut);
        return new PreferenceModelReport(stepLoss, epochLoss, n, stepLoss.size(), before, after,
                (System.nanoTime() - t0) / 1e9);
    }

    /** Evaluates {@code model} on labeled pairs (no graph); see {@link PreferenceEvaluation}. */
    public static PreferenceEvaluation evaluate(PreferenceModel model, List<PreferenceExample> examples) {
        checkExamples(examples);
        List<String> ps = new ArrayList<>(), a = new ArrayList<>(), b = new ArrayList<>();
        for (PreferenceExample e : examples) {
            ps.add(e.prompt());
            a.add(e.chosen());
            b.add(e.rejected());
        }
        return PreferenceEvaluation.of(examples, model.probabilities(ps, a, b));
    }

    private static void checkExamples(List<PreferenceExample> examples) {
        if (examples == null || examples.isEmpty()) {
            throw new IllegalArgumentException("preference training: no examples (after skipping FAILED and TIE labels?)");
        }
    }

    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {   // Fisher–Yates
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
