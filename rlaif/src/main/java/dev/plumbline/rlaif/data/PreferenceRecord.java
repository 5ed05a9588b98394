// One line of preferences.jsonl: a labeled pair with full provenance.
package dev.plumbline.rlaif.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.plumbline.rlaif.label.Judgement;
import dev.plumbline.rlaif.label.Preference;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import dev.plumbline.rlaif.label.RawJudgement;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A labeled pair as written to {@code preferences.jsonl}. {@code chosen}/{@code rejected} are set
 * only for A/B labels; TIE and FAILED records keep {@code response_a}/{@code response_b} and the
 * label. Failed records are kept (with {@code failure_reason}) so audits can count them, and a
 * resumed run does not pay for them again; a preference model must skip them.
 *
 * <pre>{@code
 * PreferenceRecord r = PreferenceRecord.of(pair, 0, judge, judge.label(...), Instant.now());
 * Jsonl.writeAtomic(Path.of("preferences.jsonl"), List.of(r));
 * }</pre>
 *
 * @param pairId           the pair's id (explicit or content hash)
 * @param pairIndex        the pair's 0-based position in its input file
 * @param label            A, B, TIE or FAILED, relative to response_a/response_b as given
 * @param ordersShown      the orders the pair was shown to the judge in ("AB", "BA")
 * @param rawJudgements    each judge call's raw output and parse
 * @param probabilityA     the labeler's probability that A is better, when it has one
 * @param labeledAt        ISO-8601 instant
 * @param labelerSettings  the labeler's settings, never secrets
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PreferenceRecord(
        @JsonProperty("pair_id") String pairId,
        @JsonProperty("pair_index") long pairIndex,
        @JsonProperty("prompt") String prompt,
        @JsonProperty("response_a") String responseA,
        @JsonProperty("response_b") String responseB,
        @JsonProperty("label") Preference label,
        @JsonProperty("chosen") String chosen,
        @JsonProperty("rejected") String rejected,
        @JsonProperty("probability_a") Double probabilityA,
        @JsonProperty("labeler") String labeler,
        @JsonProperty("labeler_version") String labelerVersion,
        @JsonProperty("template_id") String templateId,
        @JsonProperty("orders_shown") List<String> ordersShown,
        @JsonProperty("raw_judgements") List<RawJudgement> rawJudgements,
        @JsonProperty("failure_reason") String failureReason,
        @JsonProperty("labeled_at") String labeledAt,
        @JsonProperty("labeler_settings") Map<String, Object> labelerSettings) {

    public PreferenceRecord {
        if (pairId == null) throw new IllegalArgumentException("missing field \"pair_id\"");
        if (label == null) throw new IllegalArgumentException("missing field \"label\"");
    }

    /** The record for {@code pair} (at {@code index} in its file) labeled by {@code labeler} as {@code j}. */
    public static PreferenceRecord of(PairRecord pair, long index, PreferenceLabeler labeler, Judgement j, Instant at) {
        String chosen = null, rejected = null;
        if (j.preferred() == Preference.A) {
            chosen = pair.responseA();
            rejected = pair.responseB();
        } else if (j.preferred() == Preference.B) {
            chosen = pair.responseB();
            rejected = pair.responseA();
        }
        List<String> orders = j.raw().stream().map(RawJudgement::order).toList();
        return new PreferenceRecord(pair.id(), index, pair.prompt(), pair.responseA(), pair.responseB(),
                j.preferred(), chosen, rejected, j.probabilityA(), labeler.name(), labeler.version(),
                labeler.templateId(), orders, j.raw(), j.failureReason(), at.toString(), labeler.settings());
    }
}
