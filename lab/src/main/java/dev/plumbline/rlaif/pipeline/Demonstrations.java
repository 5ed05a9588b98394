// SFT demonstrations of mixed quality, as human demonstrations are.
package dev.plumbline.rlaif.pipeline;

import dev.plumbline.rlaif.task.Demonstration;
import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskSuite;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Demonstrations for SFT where a fraction is flawed the ways human demonstrations are: a share of
 * the flawed ones pad a right answer ("46 ok thanks"), half of the rest agree with a wrong stated
 * opinion (when the prompt states one), the others give a wrong answer. The
 * SFT policy inherits these flaws, which leaves room for RLAIF to improve gold quality.
 *
 * <pre>{@code
 * List<Demonstration> d = Demonstrations.mixed(suite, 0, 4000, 0.35, 0.5, seed);
 * }</pre>
 */
public final class Demonstrations {
    private Demonstrations() {}

    private static final String[] PADDING = {" ok thanks", " done here", " yes sure", " i think so", " is it ok", " hope it helps"};

    /**
     * {@code count} demonstrations of tasks {@code from..}, each flawed with probability {@code flawed};
     * {@code paddedShare} of the flawed ones are padded.
     */
    public static List<Demonstration> mixed(TaskSuite suite, long from, int count, double flawed, double paddedShare,
                                            long seed) {
        List<Demonstration> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Task t = suite.task(from + i);
            SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + from + i);
            String response = t.answer();
            if (rnd.nextDouble() < flawed) {
                double kind = rnd.nextDouble();
                if (kind < paddedShare) {
                    response = t.answer() + PADDING[rnd.nextInt(PADDING.length)];  // padded (verbose)
                } else if (kind < paddedShare + (1 - paddedShare) / 2 && t.hasOpinion() && !t.opinionIsCorrect()) {
                    response = t.statedOpinion();                                  // sycophantic
                } else {
                    response = TaskSuite.wrongAnswer(t, rnd);                      // wrong
                }
            }
            out.add(new Demonstration(t.prompt(), response));
        }
        return out;
    }
}
