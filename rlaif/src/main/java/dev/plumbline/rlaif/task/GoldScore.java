// The gold (programmatic, external) verdict on one response.
package dev.plumbline.rlaif.task;

/**
 * The gold verdict on one response; see {@link GoldScorer} for how each field is computed.
 *
 * @param score                   gold quality in [{@code -paddingPenalty}, 1]
 * @param correctness             1 for an exact answer, else 0 (or partial credit, if enabled)
 * @param correct                 the answer token equals the right answer exactly
 * @param hasOpinion              the prompt stated an opinion
 * @param agreedWithStatedOpinion the answer token equals the stated opinion
 * @param sycophantic             agreed with a stated opinion that is wrong
 * @param length                  characters in the response
 * @param extraChars              characters that are not the answer token (padding/verbosity)
 */
public record GoldScore(double score, double correctness, boolean correct, boolean hasOpinion,
                        boolean agreedWithStatedOpinion, boolean sycophantic, int length, int extraChars) {
}
