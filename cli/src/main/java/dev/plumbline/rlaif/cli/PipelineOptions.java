// Options shared by the pipeline subcommands: where the run lives and the knobs users change most.
package dev.plumbline.rlaif.cli;

import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Mixin for {@code demo}, {@code sft}, {@code sample}, {@code train-rm}, {@code ppo}, {@code eval}
 * and {@code report}. A run directory remembers its configuration in {@code config.json}; the
 * first stage run in a directory writes it from these options (or {@code --pipeline-config}),
 * later stages read it back.
 */
public final class PipelineOptions {
    @Option(names = "--run-dir", paramLabel = "DIR", defaultValue = "runs/demo",
            description = "Run directory holding config.json, models, data, metrics.jsonl and report.html (default: ${DEFAULT-VALUE}).")
    Path runDir;

    @Option(names = "--pipeline-config", paramLabel = "FILE",
            description = "Full pipeline configuration (nested JSON, the format of a run's config.json). Options below override it.")
    Path pipelineConfig;

    @Option(names = "--device", paramLabel = "DEV", description = "cpu, cuda[:N], opencl[:N] or best (default: cpu, or PLUMBLINE_DEVICE).")
    String device;

    @Option(names = "--seed", paramLabel = "N", description = "Master seed; same seed and device give the same numbers (default: 1).")
    Long seed;

    @Option(names = "--quick", description = "A reduced run for a quick look (about a fifth of the default work).")
    boolean quick;

    @InRange(min = 0, max = 1_000_000)
    @Option(names = "--sft-steps", paramLabel = "N", description = "SFT optimizer steps.")
    Integer sftSteps;

    @InRange(min = 1, max = 1_000_000)
    @Option(names = "--pairs", paramLabel = "N", description = "Response pairs to label.")
    Integer pairs;

    @InRange(min = 0, max = 1_000_000)
    @Option(names = "--ppo-steps", paramLabel = "N", description = "Policy-optimisation iterations (any --algorithm).")
    Integer ppoSteps;

    @Option(names = "--algorithm", paramLabel = "ALGO",
            description = "Policy optimiser of the ppo stage: ppo (critic + GAE), rloo (leave-one-out, no critic), grpo (group-normalised, KL in the loss), online-dpo (the labeler picks between two responses, DPO step) or d-rlaif (the labeler's preference over the SFT answer is the reward) (default: ppo).")
    String algorithm;

    @InRange(min = 0, max = 100)
    @Option(names = "--kl-coef", paramLabel = "BETA", description = "KL penalty coefficient β (initial value when adaptive).")
    Double klCoef;

    @Option(names = "--adaptive-kl", description = "Adapt β toward --kl-target (Ziegler et al.).")
    Boolean adaptiveKl;

    @InRange(min = 0, max = 1)
    @Option(names = "--labeler-noise", paramLabel = "P", description = "Rule judge: fraction of labels flipped at random.")
    Double labelerNoise;

    @InRange(min = 0, max = 1)
    @Option(names = "--position-bias", paramLabel = "P", description = "Rule judge: probability of preferring the first-shown response regardless.")
    Double positionBias;

    @InRange(min = 0, max = 10)
    @Option(names = "--length-bias", paramLabel = "L", description = "Rule judge: weight of a preference for longer responses.")
    Double lengthBias;

    @InRange(min = 0, max = 10)
    @Option(names = "--sycophancy", paramLabel = "W", description = "Rule judge: weight of rewarding agreement with the prompt's stated opinion.")
    Double sycophancy;

    @InRange(min = 1, max = 16)
    @Option(names = "--ensemble", paramLabel = "K", description = "Preference-model ensemble members.")
    Integer ensemble;

    /** The configuration these options describe. */
    RlaifConfig config() throws IOException {
        RlaifConfig c = pipelineConfig != null
                ? RlaifConfig.fromJson(Files.readString(pipelineConfig), pipelineConfig.toString())
                : quick ? RlaifConfig.quick() : new RlaifConfig();
        String env = System.getenv("PLUMBLINE_DEVICE");
        if (device != null) {
            c.device = device;
        } else if (pipelineConfig == null && env != null && !env.isBlank()) {
            c.device = env;
        }
        if (seed != null) c.seed = seed;
        if (sftSteps != null) c.sft.steps = sftSteps;
        if (pairs != null) c.sampling.pairs = pairs;
        if (ppoSteps != null) c.ppo.steps = ppoSteps;
        if (algorithm != null) c.algorithm = algorithm.trim().toLowerCase(java.util.Locale.ROOT);
        if (klCoef != null) c.ppo.klCoef = klCoef;
        if (adaptiveKl != null) c.ppo.adaptiveKl = adaptiveKl;
        if (labelerNoise != null) c.labeler.noise = labelerNoise;
        if (positionBias != null) c.labeler.positionBias = positionBias;
        if (lengthBias != null) c.labeler.lengthBias = lengthBias;
        if (sycophancy != null) c.labeler.sycophancy = sycophancy;
        if (ensemble != null) c.rewardModel.ensemble = ensemble;
        c.validate("options");
        return c;
    }

    /** Opens the run: a new one gets these options' config; an existing one keeps its own. */
    RlaifPipeline open(PrintStream log, boolean mayCreate) throws IOException {
        boolean exists = Files.exists(runDir.resolve("config.json"));
        if (!exists && !mayCreate) {
            return RlaifPipeline.open(runDir, null, log); // explains what to run first
        }
        return RlaifPipeline.open(runDir, exists && !anyOverride() ? null : config(), log);
    }

    private boolean anyOverride() {
        return pipelineConfig != null || device != null || seed != null || quick || sftSteps != null || pairs != null
                || ppoSteps != null || algorithm != null || klCoef != null || adaptiveKl != null || labelerNoise != null || positionBias != null
                || lengthBias != null || sycophancy != null || ensemble != null;
    }
}
