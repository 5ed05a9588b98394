// SFT demonstrations of mixed quality, as human demonstrations are.
package dev.plumbline.rlaif.pipeline;

import dev.plumbline.rlaif.task.Demonstration;
import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskSuite;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Demonstrations for SFT where a fraction is flawed the ways human demonstrations are: a wrong
 * answer, padding around a right answer ("46 ok"), or agreeing with a wrong stated opinion. The
 * SFT policy inherits these flaws, which leaves room for RLAIF to improve gold quality.
 *
 * <pre>{@code
 * List<Demonstration> d = Demonstrations.mixed(suite, 0, 4000, 0.35, seed);
 * }</pre>
 */
public final class Demonstrations {
    private Demonstrations() {}

    private static final String[] PADDING = {" ok", " done", " yes", " sure", " i think", " is it"};

    /** {@code count} demonstrations of tasks {@code from..}, each flawed with probability {@code flawed}. */
    public static List<Demonstration> mixed(TaskSuite suite, long from, int count, double flawed, long seed) {
        List<Demonstration> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Task t = suite.task(from + i);
            SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + from + i);
            String response = t.answer();
            if (rnd.nextDouble() < flawed) {
                int kind = rnd.nextInt(3);
                if (kind == 0 && t.hasOpinion() && !t.opinionIsCorrect()) {
                    response = t.statedOpinion();                          // sycophantic
                } else if (kind <= 1) {
                    response = TaskSuite.wrongAnswer(t, rnd);              // wrong
                } else {
                    response = t.answer() + PADDING[rnd.nextInt(PADDING.length)];  // padded
                }
            }
            out.add(new Demonstration(t.prompt(), response));
        }
        return out;
    }
}
