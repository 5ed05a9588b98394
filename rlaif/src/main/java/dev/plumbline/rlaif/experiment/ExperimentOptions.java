// Options every failure-mode experiment accepts: PPO length and the values a sweep visits.
package dev.plumbline.rlaif.experiment;

import dev.plumbline.rlaif.pipeline.RlaifConfig;

import java.util.List;

/**
 * Options shared by the experiments.
 *
 * <pre>{@code
 * ExperimentOptions o = ExperimentOptions.defaults().withPpoSteps(30).withValues(List.of(0.0, 0.4));
 * }</pre>
 *
 * @param ppoSteps PPO iterations per arm; 0 keeps the base run's {@code ppo.steps}
 * @param values   the swept values (noise rates, injected biases, gold-pair counts…); empty means
 *                 the experiment's own defaults
 */
public record ExperimentOptions(int ppoSteps, List<Double> values) {

    public ExperimentOptions {
        if (ppoSteps < 0) {
            throw new IllegalArgumentException("ppoSteps must be >= 0, got " + ppoSteps);
        }
        values = List.copyOf(values);
    }

    /** The base run's PPO length and each experiment's default values. */
    public static ExperimentOptions defaults() {
        return new ExperimentOptions(0, List.of());
    }

    /** With another PPO length. */
    public ExperimentOptions withPpoSteps(int steps) {
        return new ExperimentOptions(steps, values);
    }

    /** With other sweep values. */
    public ExperimentOptions withValues(List<Double> v) {
        return new ExperimentOptions(ppoSteps, v);
    }

    /** The values to sweep: the given ones, else {@code defaults}. */
    public List<Double> valuesOr(List<Double> defaults) {
        return values.isEmpty() ? defaults : values;
    }

    /** Applies the PPO length to a config (no change when 0). */
    public void applyTo(RlaifConfig c) {
        if (ppoSteps > 0) {
            c.ppo.steps = ppoSteps;
        }
    }
}
