// Audit of an AI labeler before any training: gold agreement, position and length bias, template
// sensitivity, self-consistency and an estimated noise rate, each with a 95% Wilson interval.
package dev.plumbline.rlaif.audit;

import dev.plumbline.rlaif.data.PairRecord;
import dev.plumbline.rlaif.label.Judgement;
import dev.plumbline.rlaif.label.LabelPair;
import dev.plumbline.rlaif.label.Preference;
import dev.plumbline.rlaif.label.PreferenceLabeler;
import dev.plumbline.rlaif.task.GoldScorer;
import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskSuite;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a labeler does on a set of pairs, measured against the programmatic gold scorer.
 *
 * <p><b>Queries.</b> Pair {@code i} (its {@link LabelPair#index()}) is asked three times, plus once
 * by an optional second labeler:
 * <ol start="0">
 *   <li>as given, (A, B), at index {@code i} &mdash; the label the pipeline would record;</li>
 *   <li>swapped, (B, A), at index {@code i + stride};</li>
 *   <li>as given again, at index {@code i + 2·stride} (the repeat, for self-consistency);</li>
 *   <li>the alternative labeler (another template or constitution), as given, at index {@code i}.</li>
 * </ol>
 * Labelers whose randomness is keyed by the index (like {@link dev.plumbline.rlaif.label.RuleJudge})
 * therefore draw independent randomness for queries 0&ndash;2, and the same randomness for queries 0
 * and 3, so a template comparison shows only what the template changes. A labeler that drifts with
 * the index sees queries 1 and 2 at later steps; audit drift separately.
 *
 * <p><b>Measures</b> ("decisive" = the labeler answered A or B; ties and failures are counted, not used):
 * <ul>
 *   <li>{@code agreementWithGold}: query 0 picks the gold-better response, over pairs gold decides.</li>
 *   <li>{@code firstPosition}: the first-shown response is picked, over decisive queries 0 and 1 of all
 *       pairs. Each pair is shown both ways, so content cancels: an unbiased labeler scores 0.5.</li>
 *   <li>{@code firstPositionGoldEqual}: the same over pairs gold rates equal.</li>
 *   <li>{@code orderInconsistency}: queries 0 and 1 pick the same <em>position</em> (so different
 *       responses), over pairs with both decisive; {@code orderInconsistencyGoldDecisive} only over
 *       pairs gold decides. On gold-equal pairs even a fair coin is inconsistent half the time, so the
 *       gold-decided figure is the one to read: for a sharp judge that picks the first position with
 *       probability p regardless of content it is about p.</li>
 *   <li>{@code longerPreferredGoldEqual}: the longer response is picked, over decisive queries 0 and 1
 *       of pairs gold rates equal whose lengths differ; {@code lengthBins} splits it by length difference.</li>
 *   <li>{@code selfAgreement}: queries 0 and 2 agree, over pairs with both decisive.</li>
 *   <li>{@code noiseFromRepeats}: {@link NoiseEstimate} from the disagreement of queries 0 and 2 on
 *       gold-decided pairs; {@code noiseFromOrders}: the same from {@code orderInconsistencyGoldDecisive},
 *       which also absorbs position bias &mdash; the gap between the two is the position effect.</li>
 *   <li>{@code templateAgreement}: queries 0 and 3 agree, over pairs with both decisive; null without
 *       an alternative labeler. Compare it with {@code selfAgreement}.</li>
 * </ul>
 * Intervals treat every counted query as an independent trial; the two orders of one pair are
 * independent draws for index-keyed labelers, but may be correlated for others.
 *
 * <pre>{@code
 * LabelerAudit a = LabelerAudit.of(judge, LabelerAudit.fromRecords(pairs), new GoldScorer(),
 *         LabelerAudit.Options.defaults().withAlternative(otherTemplateJudge));
 * a.firstPositionGoldEqual().format();   // "0.648 [0.629, 0.667] (1491/2300)"
 * }</pre>
 */
public record LabelerAudit(String labeler, String templateId, String alternativeTemplateId, int pairs,
                           int goldDecidedPairs, int goldEqualPairs, int queries, int ties, int failures,
                           Proportion agreementWithGold, Proportion firstPosition, Proportion firstPositionGoldEqual,
                           Proportion orderInconsistency, Proportion orderInconsistencyGoldDecisive,
                           Proportion longerPreferredGoldEqual, List<LengthBin> lengthBins, Proportion selfAgreement,
                           NoiseEstimate noiseFromRepeats, NoiseEstimate noiseFromOrders, Proportion templateAgreement) {

    /** Default offset between the indices of a pair's queries (see the class comment). */
    public static final long DEFAULT_STRIDE = 1L << 32;

    /** Length-difference bins of {@link #lengthBins}: [1,1], [2,2], [3,4], [5,8], [9,∞). */
    static final int[][] LENGTH_BIN_EDGES = {{1, 1}, {2, 2}, {3, 4}, {5, 8}, {9, Integer.MAX_VALUE}};

    public LabelerAudit {
        lengthBins = List.copyOf(lengthBins);
    }

    /**
     * P(longer preferred) among gold-equal pairs whose lengths differ by {@code minDiff..maxDiff} characters.
     *
     * @param label           e.g. {@code "3-4"} or {@code "9+"}
     * @param longerPreferred the rate and its interval over decisive queries in this bin
     */
    public record LengthBin(String label, int minDiff, int maxDiff, Proportion longerPreferred) {
    }

    /**
     * How to audit.
     *
     * @param stride      offset between the indices of one pair's queries, &ge; 1
     * @param alternative a second labeler for template sensitivity, or null
     */
    public record Options(long stride, PreferenceLabeler alternative) {
        public Options {
            if (stride < 1) throw new IllegalArgumentException("stride must be >= 1, got " + stride);
        }

        /** Stride {@link #DEFAULT_STRIDE}, no alternative labeler. */
        public static Options defaults() {
            return new Options(DEFAULT_STRIDE, null);
        }

        /** These options with a second labeler to compare templates against. */
        public Options withAlternative(PreferenceLabeler alt) {
            return new Options(stride, alt);
        }

        /** These options with another stride. */
        public Options withStride(long s) {
            return new Options(s, alternative);
        }
    }

    /** Pairs of a {@code pairs.jsonl}, indexed by their position in the file (as the pipeline labels them). */
    public static List<LabelPair> fromRecords(List<PairRecord> records) {
        List<LabelPair> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            PairRecord r = records.get(i);
            out.add(new LabelPair(i, r.prompt(), r.responseA(), r.responseB()));
        }
        return out;
    }

    /** Audits {@code labeler} on {@code pairs} (see the class comment for every measure). */
    public static LabelerAudit of(PreferenceLabeler labeler, List<LabelPair> pairs, GoldScorer gold, Options options) {
        if (labeler == null || pairs == null || gold == null || options == null) {
            throw new IllegalArgumentException("LabelerAudit.of: labeler, pairs, gold and options must not be null");
        }
        long stride = options.stride();
        PreferenceLabeler alt = options.alternative();
        Proportion.Counter agreeGold = new Proportion.Counter(), first = new Proportion.Counter(),
                firstEqual = new Proportion.Counter(), inconsistent = new Proportion.Counter(),
                inconsistentDecided = new Proportion.Counter(), longer = new Proportion.Counter(),
                self = new Proportion.Counter(), selfDecided = new Proportion.Counter(),
                template = new Proportion.Counter();
        Proportion.Counter[] bins = new Proportion.Counter[LENGTH_BIN_EDGES.length];
        for (int b = 0; b < bins.length; b++) bins[b] = new Proportion.Counter();
        int decided = 0, equal = 0, queries = 0, ties = 0, failures = 0;

        for (LabelPair p : pairs) {
            String a = p.responseA(), b = p.responseB();
            Preference q0 = label(labeler, new LabelPair(p.index(), p.prompt(), a, b));
            // q1 is asked as (B, A): map its pick back to the pair as given
            Preference q1 = swapBack(label(labeler, new LabelPair(p.index() + stride, p.prompt(), b, a)));
            Preference q2 = label(labeler, new LabelPair(p.index() + 2 * stride, p.prompt(), a, b));
            Preference q3 = alt == null ? null : label(alt, new LabelPair(p.index(), p.prompt(), a, b));
            for (Preference q : alt == null ? List.of(q0, q1, q2) : List.of(q0, q1, q2, q3)) {
                queries++;
                if (q == Preference.TIE) ties++;
                if (q == Preference.FAILED) failures++;
            }
            boolean d0 = decisive(q0), d1 = decisive(q1), d2 = decisive(q2);

            // gold: +1 A better, -1 B better, 0 equal, null unknown (not a built-in task prompt)
            Integer goldSign = goldSign(gold, p.prompt(), a, b);
            if (goldSign != null && goldSign != 0) decided++;
            if (goldSign != null && goldSign == 0) equal++;

            if (d0 && goldSign != null && goldSign != 0) agreeGold.add((q0 == Preference.A) == (goldSign > 0));
            // position: in q0 the first shown is A, in q1 it is B
            if (d0) first.add(q0 == Preference.A);
            if (d1) first.add(q1 == Preference.B);
            if (goldSign != null && goldSign == 0) {
                if (d0) firstEqual.add(q0 == Preference.A);
                if (d1) firstEqual.add(q1 == Preference.B);
            }
            if (d0 && d1) {
                boolean samePosition = (q0 == Preference.A) == (q1 == Preference.B);
                inconsistent.add(samePosition);
                if (goldSign != null && goldSign != 0) inconsistentDecided.add(samePosition);
            }
            int lenA = visibleLength(a), lenB = visibleLength(b);
            if (goldSign != null && goldSign == 0 && lenA != lenB) {
                Preference longerOne = lenA > lenB ? Preference.A : Preference.B;
                int bin = lengthBin(Math.abs(lenA - lenB));
                for (Preference q : List.of(q0, q1)) {
                    if (!decisive(q)) continue;
                    longer.add(q == longerOne);
                    bins[bin].add(q == longerOne);
                }
            }
            if (d0 && d2) {
                self.add(q0 == q2);
                if (goldSign != null && goldSign != 0) selfDecided.add(q0 == q2);
            }
            if (alt != null && d0 && decisive(q3)) template.add(q0 == q3);
        }

        List<LengthBin> lengthBins = new ArrayList<>(bins.length);
        for (int b = 0; b < bins.length; b++) {
            int lo = LENGTH_BIN_EDGES[b][0], hi = LENGTH_BIN_EDGES[b][1];
            String label = hi == Integer.MAX_VALUE ? lo + "+" : lo == hi ? Integer.toString(lo) : lo + "-" + hi;
            lengthBins.add(new LengthBin(label, lo, hi, bins[b].proportion()));
        }
        Proportion selfDecidedP = selfDecided.proportion();
        Proportion selfDisagreement = Proportion.of(selfDecidedP.n() - selfDecidedP.count(), selfDecidedP.n());
        Proportion inconsistentDecidedP = inconsistentDecided.proportion();
        return new LabelerAudit(labeler.name(), labeler.templateId(), alt == null ? null : alt.templateId(),
                pairs.size(), decided, equal, queries, ties, failures,
                agreeGold.proportion(), first.proportion(), firstEqual.proportion(),
                inconsistent.proportion(), inconsistentDecidedP, longer.proportion(), lengthBins, self.proportion(),
                NoiseEstimate.fromDisagreement(selfDisagreement), NoiseEstimate.fromDisagreement(inconsistentDecidedP),
                alt == null ? null : template.proportion());
    }

    private static Preference label(PreferenceLabeler labeler, LabelPair pair) {
        Judgement j = labeler.label(pair);
        return j == null ? Preference.FAILED : j.preferred();
    }

    private static Preference swapBack(Preference p) {
        return p == Preference.A ? Preference.B : p == Preference.B ? Preference.A : p;
    }

    private static boolean decisive(Preference p) {
        return p == Preference.A || p == Preference.B;
    }

    /** Characters of a response, not counting a trailing {@code "<eos>"} that a decoded sample carries. */
    static int visibleLength(String response) {
        return stripEos(response).length();
    }

    private static String stripEos(String s) {
        return s.endsWith("<eos>") ? s.substring(0, s.length() - "<eos>".length()) : s;
    }

    /** +1 when gold prefers A, -1 when B, 0 when equal, null when the prompt is not a built-in task. */
    static Integer goldSign(GoldScorer gold, String prompt, String a, String b) {
        Optional<Task> t = TaskSuite.parse(prompt);
        if (t.isEmpty()) return null;
        double ga = gold.score(t.get(), stripEos(a)).score(), gb = gold.score(t.get(), stripEos(b)).score();
        return Double.compare(ga, gb) > 0 ? 1 : Double.compare(ga, gb) < 0 ? -1 : 0;
    }

    static int lengthBin(int diff) {
        for (int b = 0; b < LENGTH_BIN_EDGES.length; b++) {
            if (diff >= LENGTH_BIN_EDGES[b][0] && diff <= LENGTH_BIN_EDGES[b][1]) return b;
        }
        throw new IllegalArgumentException("length difference must be >= 1, got " + diff);
    }
}
