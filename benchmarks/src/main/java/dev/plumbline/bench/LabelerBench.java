// JMH: labeling throughput of the rule-based AI-labeler stand-in (rlaif.label.RuleJudge) on
// built-in task prompts with one correct and one wrong response.
package dev.plumbline.bench;

import dev.plumbline.rlaif.label.Drift;
import dev.plumbline.rlaif.label.Judgement;
import dev.plumbline.rlaif.label.LabelPair;
import dev.plumbline.rlaif.label.RuleJudge;
import dev.plumbline.rlaif.label.Term;
import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskSuite;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link RuleJudge#label} over {@code pairs} pairs per op, one thread, with every bias switched on
 * (position 0.2, length 0.5, sycophancy 0.5, noise 0.05, a linear drift), so each rule runs.
 * Half the pairs show the correct answer first.
 *
 * <p>Natural unit: pairs/s = pairs · ops/s. CPU only, no device; no PyTorch twin.
 *
 * <pre>
 * benchmarks/run.sh LabelerBench
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1)
@State(Scope.Benchmark)
public class LabelerBench {
    /** Pairs labeled per op. */
    @Param({"1000"})
    public String pairs;

    private RuleJudge judge;
    private List<LabelPair> work;

    /** Builds the judge and the pairs. */
    @Setup
    public void setup() {
        judge = RuleJudge.builder().seed(7).positionBias(0.2).lengthBias(0.5).sycophancy(0.5).noise(0.05)
                .drift(new Drift(Term.AGREEMENT, 2.0, 0, 5000, Drift.Shape.LINEAR)).build();
        int n = Integer.parseInt(pairs);
        SplittableRandom rnd = new SplittableRandom(11);
        work = new ArrayList<>(n);
        for (Task t : TaskSuite.builder().seed(3).build().tasks(0, n)) {
            String wrong = TaskSuite.wrongAnswer(t, rnd);
            boolean correctFirst = work.size() % 2 == 0;
            work.add(new LabelPair(work.size(), t.prompt(), correctFirst ? t.answer() : wrong,
                    correctFirst ? wrong : t.answer()));
        }
    }

    /** Labels every pair; returns how many the judge preferred A on. */
    @Benchmark
    public int label() {
        int a = 0;
        for (LabelPair p : work) {
            Judgement j = judge.label(p);
            if (j.preferred() == dev.plumbline.rlaif.label.Preference.A) {
                a++;
            }
        }
        return a;
    }
}
