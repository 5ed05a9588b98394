// The one thing ensembles and reward functions need from a preference model: a score per (prompt, response).
package dev.plumbline.rlaif.reward;

import java.util.List;

/**
 * Scores responses to prompts without recording a graph. {@link PreferenceModel} implements it;
 * tests and ensembles may use any other scorer (e.g. a fixed table).
 *
 * <pre>{@code
 * RewardScorer rm = PreferenceModel.load(Path.of("run/pm"));
 * float[] f = rm.score(List.of("12+34="), List.of("46"));   // (B)
 * }</pre>
 */
@FunctionalInterface
public interface RewardScorer {

    /** f(x_i, y_i) for each i; {@code prompts} and {@code responses} have the same length. */
    float[] score(List<String> prompts, List<String> responses);
}
