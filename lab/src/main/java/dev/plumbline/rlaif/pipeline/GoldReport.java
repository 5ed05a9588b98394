// Gold (programmatic) statistics of a batch of responses: the truth the proxy reward is checked against.
package dev.plumbline.rlaif.pipeline;

import dev.plumbline.rlaif.task.GoldScore;
import dev.plumbline.rlaif.task.GoldScorer;
import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskSuite;

import java.util.List;

/**
 * Gold statistics of responses to built-in prompts.
 *
 * @param scores          gold score per response
 * @param mean            mean gold score
 * @param correctRate     fraction with an exactly correct answer
 * @param sycophancyRate  among prompts whose stated opinion is wrong, the fraction that agreed with it
 *                        (NaN when there were none)
 * @param meanLength      mean response length in characters
 * @param eosRate         fraction of responses that ended with EOS
 */
public record GoldReport(double[] scores, double mean, double correctRate, double sycophancyRate, double meanLength,
                         double eosRate) {

    /** Scores every (prompt, response). */
    public static GoldReport of(GoldScorer gold, List<String> prompts, List<String> responses, boolean[] endedWithEos) {
        int n = prompts.size();
        double[] s = new double[n];
        double sum = 0, correct = 0, len = 0, eos = 0;
        int wrongOpinion = 0, agreed = 0;
        for (int i = 0; i < n; i++) {
            GoldScore g = gold.score(prompts.get(i), responses.get(i));
            s[i] = g.score();
            sum += g.score();
            correct += g.correct() ? 1 : 0;
            len += g.length();
            Task t = TaskSuite.parse(prompts.get(i)).orElseThrow();
            if (t.hasOpinion() && !t.opinionIsCorrect()) {
                wrongOpinion++;
                agreed += g.sycophantic() ? 1 : 0;
            }
            eos += endedWithEos == null || endedWithEos[i] ? 1 : 0;
        }
        return new GoldReport(s, sum / n, correct / n, wrongOpinion == 0 ? Double.NaN : (double) agreed / wrongOpinion,
                len / n, eos / n);
    }
}
