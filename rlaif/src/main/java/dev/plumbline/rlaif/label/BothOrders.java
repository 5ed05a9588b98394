// Position-bias mitigation for any labeler: ask (A, B) and (B, A) and keep only what both orders agree on.
package dev.plumbline.rlaif.label;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Wraps a labeler so every pair is judged in both orders, the way {@link HttpJudge} does by itself.
 *
 * <p>Pair {@code i} is asked as (A, B) at index {@code i} and as (B, A) at index
 * {@code i + }{@link #SECOND_ORDER_OFFSET} (2<sup>40</sup>), so a labeler whose randomness is keyed by
 * the index (like {@link RuleJudge}) draws independently for the two orders; a drifting judge still
 * sees both at step {@code i} ({@link LabelPair#step()}). The second answer is mapped back to the
 * pair's A/B and the two are combined:
 * <ul>
 *   <li>both name the same label (A, B or TIE): that label; {@code probabilityA} is the mean of the
 *       two answers' probabilities after mapping ({@code p1} and {@code 1 - p2}) when both have one,
 *       otherwise the fraction of orders that preferred A (1, 0, or 0.5 for two TIEs);</li>
 *   <li>they differ (the labeler followed position, not content): TIE, {@code probabilityA} 0.5;</li>
 *   <li>either failed: FAILED, with the reason(s) prefixed by the order ({@code "order BA: ..."}).</li>
 * </ul>
 * Both answers' raw judgements are kept (the second with its order and verdict mapped back), so a
 * record's {@code orders_shown} reads {@code ["AB", "BA"]}.
 *
 * <pre>{@code
 * PreferenceLabeler judge = new BothOrders(RuleJudge.builder().seed(1).positionBias(0.3).build());
 * Judgement j = judge.label(new LabelPair(5, "up abc", "ABC", "abc x"));
 * j.raw().size();                  // 2: (A, B) at index 5, (B, A) at index 5 + 2^40
 * judge.settings().get("both_orders");   // true
 * }</pre>
 *
 * <p>{@link #labelAll(List)} sends all {@code 2n} queries to the inner labeler in one
 * {@code labelAll} call, so a batching labeler ({@link ModelJudge}) still batches.
 */
public final class BothOrders implements PreferenceLabeler {

    /** Version of the combining rule, appended to the inner labeler's version. */
    public static final String VERSION = "1";
    /** Index offset of the swapped-order query (2<sup>40</sup>, {@link LabelPair#STEP_PERIOD}). */
    public static final long SECOND_ORDER_OFFSET = LabelPair.STEP_PERIOD;

    private final PreferenceLabeler inner;

    /** Wraps {@code inner}; it must not be null. */
    public BothOrders(PreferenceLabeler inner) {
        this.inner = Objects.requireNonNull(inner, "inner labeler");
    }

    /** The wrapped labeler. */
    public PreferenceLabeler inner() {
        return inner;
    }

    @Override
    public Judgement label(LabelPair pair) {
        return labelAll(List.of(pair)).get(0);
    }

    @Override
    public List<Judgement> labelAll(List<LabelPair> pairs) {
        if (pairs == null) throw new IllegalArgumentException("labelAll: pairs is null");
        int n = pairs.size();
        List<LabelPair> queries = new ArrayList<>(2 * n);
        queries.addAll(pairs);
        for (LabelPair p : pairs) {
            queries.add(new LabelPair(p.index() + SECOND_ORDER_OFFSET, p.prompt(), p.responseB(), p.responseA()));
        }
        List<Judgement> answers = inner.labelAll(queries);
        if (answers == null || answers.size() != 2 * n) {
            throw new IllegalStateException(inner.name() + ".labelAll returned " + (answers == null ? "null" : answers.size())
                    + " judgements for " + 2 * n + " pairs");
        }
        List<Judgement> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(combine(answers.get(i), answers.get(n + i)));
        return out;
    }

    /** Combines the (A, B) answer with the (B, A) answer (still in shown-order terms); see the class comment. */
    static Judgement combine(Judgement first, Judgement swapped) {
        List<RawJudgement> raw = new ArrayList<>(first.raw());
        for (RawJudgement r : swapped.raw()) raw.add(new RawJudgement(flipOrder(r.order()), r.text(), flip(r.parsed())));
        if (!first.succeeded() || !swapped.succeeded()) {
            List<String> reasons = new ArrayList<>(2);
            if (!first.succeeded()) reasons.add("order AB: " + first.failureReason());
            if (!swapped.succeeded()) reasons.add("order BA: " + swapped.failureReason());
            return Judgement.failed(String.join("; ", reasons), raw);
        }
        Preference a = first.preferred(), b = flip(swapped.preferred());
        if (a != b) return new Judgement(Preference.TIE, 0.5, raw, null);
        double p;
        if (first.probabilityA() != null && swapped.probabilityA() != null) {
            p = (first.probabilityA() + (1 - swapped.probabilityA())) / 2;
        } else {
            p = a == Preference.A ? 1.0 : a == Preference.B ? 0.0 : 0.5;
        }
        return new Judgement(a, p, raw, null);
    }

    private static Preference flip(Preference p) {
        return switch (p) {
            case A -> Preference.B;
            case B -> Preference.A;
            default -> p;
        };
    }

    private static String flipOrder(String order) {
        return switch (order) {
            case "AB" -> "BA";
            case "BA" -> "AB";
            default -> order;
        };
    }

    /** As concurrent as the judge it wraps (it keeps no state of its own per call). */
    @Override
    public boolean concurrent() {
        return inner.concurrent();
    }

    /** The inner labeler's name plus {@code +both-orders}, e.g. {@code rule-judge+both-orders}. */
    @Override
    public String name() {
        return inner.name() + "+both-orders";
    }

    /** The inner labeler's version plus this wrapper's, e.g. {@code 1+both-orders-1}. */
    @Override
    public String version() {
        return inner.version() + "+both-orders-" + VERSION;
    }

    /** The inner labeler's template: the wrapper changes the order shown, not the instructions. */
    @Override
    public String templateId() {
        return inner.templateId();
    }

    /** The inner labeler's settings plus {@code both_orders: true}. */
    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>(inner.settings());
        m.put("both_orders", true);
        return m;
    }

    @Override
    public String toString() {
        return "BothOrders[" + inner + "]";
    }
}
