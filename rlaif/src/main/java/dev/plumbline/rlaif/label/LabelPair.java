// The input to a labeler: a prompt, two responses, and the pair's stable index.
package dev.plumbline.rlaif.label;

/**
 * A pair to label.
 *
 * @param index     the pair's index in its dataset; labelers that are random key their randomness by
 *                  it, and labelers that drift use {@link #step()} as the step, so a label depends on
 *                  the pair, not on how many came before (resume-safe)
 * @param prompt    the prompt both responses answer
 * @param responseA the first response as given
 * @param responseB the second response as given
 */
public record LabelPair(long index, String prompt, String responseA, String responseB) {

    /**
     * Indices that differ by a multiple of this (2<sup>40</sup>) are the same labeling step asked again
     * with fresh randomness: {@link BothOrders} asks the swapped order of pair {@code i} at
     * {@code i + STEP_PERIOD}, and a drifting judge must see that query at step {@code i}, not
     * 2<sup>40</sup> pairs later.
     */
    public static final long STEP_PERIOD = 1L << 40;

    /** The labeling step of this pair for drift: {@code index mod STEP_PERIOD}. */
    public long step() {
        return Math.floorMod(index, STEP_PERIOD);
    }
}
