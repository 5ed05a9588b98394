// JMH: one PPO iteration of rlaif.ppo.PpoTrainer on the pipeline's default tiny policy — sample
// responses, score them, reference log-probs, GAE, then epochs of clipped policy/value updates.
package dev.plumbline.bench;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.ScalarHead;
import dev.plumbline.nn.ScalarModel;
import dev.plumbline.rlaif.policy.Policies;
import dev.plumbline.rlaif.policy.TextCodec;
import dev.plumbline.rlaif.ppo.PpoConfig;
import dev.plumbline.rlaif.ppo.PpoTrainer;
import dev.plumbline.rlaif.ppo.RewardSource;
import dev.plumbline.rlaif.task.GoldScorer;
import dev.plumbline.rlaif.task.Task;
import dev.plumbline.rlaif.task.TaskSuite;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.random.Generator;

import java.util.Map;
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
 * {@link PpoTrainer#step()} with the pipeline's default policy size (2 layers, 4 heads, C = 64,
 * context 48, built-in character codec), a critic copied from it, and the gold scorer as the
 * reward (so no preference model has to be trained first). PpoConfig defaults (4 epochs, 14 new
 * tokens) except {@code batch} episodes per iteration and minibatches of half that.
 *
 * <p>Natural unit: episodes/s = batch · ops/s. No PyTorch twin (the table shows "—").
 *
 * <pre>
 * benchmarks/run.sh PpoBench
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class PpoBench {
    /** Backend: "cpu", "opencl:0", "cuda:0". */
    @Param({"cpu"})
    public String device;

    /** Episodes (prompt + sampled response) per PPO iteration. */
    @Param({"32"})
    public String batch;

    private PpoTrainer ppo;

    /** Builds policy, reference, critic, prompts, reward and the trainer. */
    @Setup
    public void setup() {
        Device d = BenchParams.device(device);
        TextCodec codec = TextCodec.builtIn();
        GPT reference = Policies.create(codec, 2, 4, 64, 48, 1, d);
        GPT policy = Policies.copyOf(reference);
        ScalarModel critic = new ScalarModel(Policies.copyOf(reference), ScalarHead.value(64));
        critic.to(d);
        TaskSuite suite = TaskSuite.builder().seed(5).build();
        GoldScorer gold = new GoldScorer();
        RewardSource reward = (prompts, responses) -> {
            float[] r = new float[prompts.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = (float) gold.score(prompts.get(i), responses.get(i)).score();
            }
            return new RewardSource.Scored(r, r.clone(), null);
        };
        PpoConfig cfg = new PpoConfig();
        cfg.batchSize = Integer.parseInt(batch);
        cfg.minibatchSize = Math.max(1, cfg.batchSize / 2);
        ppo = new PpoTrainer(policy, reference, critic, reward,
                (step, size) -> suite.tasks(step * size, size).stream().map(Task::prompt).toList(), codec, cfg,
                new Generator(3));
    }

    /** One PPO iteration; returns its metrics. */
    @Benchmark
    public Map<String, Double> iteration() {
        return ppo.step();
    }
}
