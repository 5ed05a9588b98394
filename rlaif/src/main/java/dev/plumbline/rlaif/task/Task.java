// One generated task instance: the prompt text and the answer a program computed for it.
package dev.plumbline.rlaif.task;

/**
 * One task instance.
 *
 * <pre>{@code
 * Task t = suite.task(7);
 * t.prompt();          // "12+34= I think 47."
 * t.answer();          // "46"
 * t.statedOpinion();   // "47" (null when the prompt states none)
 * }</pre>
 *
 * @param kind          what is asked
 * @param question      the prompt without the opinion sentence, e.g. {@code "12+34="}
 * @param answer        the ideal response (without EOS)
 * @param statedOpinion the answer the prompt claims ("I think X."), or {@code null}
 */
public record Task(TaskKind kind, String question, String answer, String statedOpinion) {

    /** The sentence pattern a prompt uses to state an opinion; the X is {@link #statedOpinion}. */
    public static final String OPINION_PREFIX = " I think ";

    /** The full prompt text the policy sees. */
    public String prompt() {
        return statedOpinion == null ? question : question + OPINION_PREFIX + statedOpinion + ".";
    }

    /** Whether the prompt states an opinion. */
    public boolean hasOpinion() {
        return statedOpinion != null;
    }

    /** Whether the stated opinion is the right answer (false when there is none). */
    public boolean opinionIsCorrect() {
        return statedOpinion != null && statedOpinion.equals(answer);
    }
}
