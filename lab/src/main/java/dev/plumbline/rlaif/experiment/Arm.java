// One arm of a failure-mode sweep: a config change and the first stage it makes stale.
package dev.plumbline.rlaif.experiment;

import dev.plumbline.rlaif.pipeline.RlaifConfig;
import dev.plumbline.rlaif.pipeline.RlaifPipeline;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One arm of a {@link Sweep}: a copy of a finished run (the base run, or an earlier arm of the same
 * sweep) with its config changed by {@code change}; the stages before {@code fromStage} are reused,
 * {@code fromStage} and the later ones up to {@code lastStage} run again.
 *
 * <pre>{@code
 * Arm noisy = Arm.of("eps-0.2", "20% of labels flipped", RlaifPipeline.LABEL, c -> c.labeler.noise = 0.2);
 * Arm penalised = Arm.of("eps-0.2-pen", "the same labels and pθ, PPO with a length penalty", RlaifPipeline.PPO,
 *         c -> c.reward.lengthPenalty = 0.05).after("eps-0.2");      // noise 0.2 comes from the parent
 * }</pre>
 *
 * @param name        directory name under {@code experiments/EXPERIMENT/} and the label in tables
 * @param description one line for the report
 * @param parent      the arm whose outputs are reused, or null for the base run
 * @param fromStage   the first stage that runs again (one of {@link Sweep#STAGES} after sft)
 * @param lastStage   the last stage that runs ({@code ppo} when evaluation is not needed)
 * @param change      how the config differs from the parent's
 */
public record Arm(String name, String description, String parent, String fromStage, String lastStage,
                  Consumer<RlaifConfig> change) {

    public Arm {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("arm name must be a plain directory name, got '" + name + "'");
        }
        int from = Sweep.STAGES.indexOf(fromStage), last = Sweep.STAGES.indexOf(lastStage);
        if (from < 1 || last < from) {
            throw new IllegalArgumentException("arm " + name + ": stages must satisfy sft < from (" + fromStage
                    + ") <= last (" + lastStage + ") in " + Sweep.STAGES);
        }
        Objects.requireNonNull(change, "change");
    }

    /** An arm over the base run that reruns from {@code fromStage} through evaluation. */
    public static Arm of(String name, String description, String fromStage, Consumer<RlaifConfig> change) {
        return new Arm(name, description, null, fromStage, RlaifPipeline.EVAL, change);
    }

    /** This arm reusing another arm's outputs instead of the base run's. */
    public Arm after(String parentArm) {
        return new Arm(name, description, parentArm, fromStage, lastStage, change);
    }

    /** This arm stopping after {@code stage}. */
    public Arm through(String stage) {
        return new Arm(name, description, parent, fromStage, stage, change);
    }

    /** The stages this arm runs, in order. */
    public List<String> stagesToRun() {
        return Sweep.STAGES.subList(Sweep.STAGES.indexOf(fromStage), Sweep.STAGES.indexOf(lastStage) + 1);
    }
}
