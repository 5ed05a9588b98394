// The input to a labeler: a prompt, two responses, and the pair's stable index.
package dev.plumbline.rlaif.label;

/**
 * A pair to label.
 *
 * @param index     the pair's index in its dataset; labelers that are random or drift use it as
 *                  the step, so a label depends on the pair, not on how many came before (resume-safe)
 * @param prompt    the prompt both responses answer
 * @param responseA the first response as given
 * @param responseB the second response as given
 */
public record LabelPair(long index, String prompt, String responseA, String responseB) {
}
