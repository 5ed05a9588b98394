// The labeler interface the pipeline depends on: rule-based, HTTP and (later) model judges all fit it.
package dev.plumbline.rlaif.label;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Something that says which of two responses to a prompt is better.
 *
 * <p>Implementations: {@link RuleJudge} (explicit constitution with switchable biases),
 * {@link HttpJudge} (any OpenAI-compatible chat-completions server). A transformer-backed judge
 * implements {@link #label(LabelPair)} from its own log-probabilities and may override
 * {@link #labelAll(List)} to batch.
 *
 * <pre>{@code
 * PreferenceLabeler judge = RuleJudge.builder().seed(1).positionBias(0.2).build();
 * Judgement j = judge.label(new LabelPair(0, "rev abc", "cba", "cba please"));
 * }</pre>
 *
 * <p>Contract: a labeler never throws for a bad answer from its judge; it returns a
 * {@link Preference#FAILED} judgement with a reason. It throws only for programming errors.
 */
public interface PreferenceLabeler {

    /** Labels one pair. */
    Judgement label(LabelPair pair);

    /** Labels one pair given as strings, with pair index 0. */
    default Judgement label(String prompt, String responseA, String responseB) {
        return label(new LabelPair(0, prompt, responseA, responseB));
    }

    /** Labels many pairs; batching labelers override this. Results are in input order. */
    default List<Judgement> labelAll(List<LabelPair> pairs) {
        List<Judgement> out = new ArrayList<>(pairs.size());
        for (LabelPair p : pairs) out.add(label(p));
        return out;
    }

    /**
     * Whether {@link #label(LabelPair)} may be called from several threads at once. A labeling run
     * with {@code concurrency > 1} keeps that many calls in flight only for labelers that say yes
     * (a server-backed judge); others are called one pair at a time. Default false.
     */
    default boolean concurrent() {
        return false;
    }

    /** Short name written to every record, e.g. {@code "rule-judge"}. */
    String name();

    /** Version of the labeler's behaviour; bump it when the same input could get a different label. */
    String version();

    /** Id of the prompt template or constitution used, written to every record. */
    String templateId();

    /** Settings that determine labels, for the record. Never contains secrets. */
    Map<String, Object> settings();
}
