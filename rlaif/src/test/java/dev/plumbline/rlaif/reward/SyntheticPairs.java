// Test data: preference pairs on built-in tasks where chosen is the right answer and rejected a wrong one.
package dev.plumbline.rlaif.reward;

import dev.plumbline.rlaif.task.GoldScorer;
import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskKind;
import dev.plumbline.rlaif.task.TaskSuite;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/** Pairs (right answer, wrong answer) whose gold verdict comes from {@link GoldScorer}, not from the generator. */
public final class SyntheticPairs {
    private SyntheticPairs() {}

    /**
     * {@code n} pairs a tiny model can learn from a few hundred examples: UPPER tasks whose rejected
     * response echoes the word in lower case, and ADD/SUBTRACT tasks whose rejected response is the
     * right number padded with " ok ok" (gold penalises padding). Gold is recomputed independently.
     */
    public static List<PreferenceExample> casePaddingPairs(long seed, long from, int n) {
        TaskSuite suite = TaskSuite.builder().seed(seed).opinionRate(0)
                .kinds(EnumSet.of(TaskKind.UPPER, TaskKind.ADD, TaskKind.SUBTRACT)).build();
        GoldScorer gold = new GoldScorer();
        List<PreferenceExample> out = new ArrayList<>(n);
        for (long i = from; out.size() < n; i++) {
            Task t = suite.task(i);
            String wrong = t.kind() == TaskKind.UPPER ? t.answer().toLowerCase(java.util.Locale.ROOT) : t.answer() + " ok ok";
            out.add(new PreferenceExample(t.prompt(), t.answer(), wrong,
                    PreferenceExample.goldVerdict(gold, t.prompt(), t.answer(), wrong)));
        }
        return out;
    }

    /**
     * {@code n} pairs from tasks {@code from..}: chosen = the ideal answer, rejected = the failure of an
     * untrained policy, echoing the task's word back unchanged (UPPER, SORT_LETTERS, SORT_DIGITS: wrong case or unsorted). Pairs
     * where the echo happens to be right (a palindrome, an already sorted word) are skipped. The
     * order of chosen/rejected is the label; gold is recomputed independently.
     */
    public static List<PreferenceExample> echoPairs(long seed, long from, int n) {
        TaskSuite suite = TaskSuite.builder().seed(seed).opinionRate(0)
                .kinds(EnumSet.of(TaskKind.UPPER, TaskKind.SORT_LETTERS, TaskKind.SORT_DIGITS)).build();
        GoldScorer gold = new GoldScorer();
        List<PreferenceExample> out = new ArrayList<>(n);
        for (long i = from; out.size() < n; i++) {
            Task t = suite.task(i);
            String word = t.question().substring(t.question().indexOf(' ') + 1);
            if (word.equals(t.answer())) continue;
            out.add(new PreferenceExample(t.prompt(), t.answer(), word,
                    PreferenceExample.goldVerdict(gold, t.prompt(), t.answer(), word)));
        }
        return out;
    }
}
