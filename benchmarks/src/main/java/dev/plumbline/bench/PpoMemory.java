// Peak memory of one PPO step on GPT-2 124M (policy + π_ref + value model + pθ, batch 8, 128 new
// tokens), full fine-tuning vs LoRA: the numbers the README's "how much memory" line quotes.
package dev.plumbline.bench;

import dev.plumbline.nn.GPT;
import dev.plumbline.nn.GPTConfig;
import dev.plumbline.nn.Lora;
import dev.plumbline.nn.ScalarHead;
import dev.plumbline.nn.ScalarModel;
import dev.plumbline.nn.tokenizer.ByteLevelBpe;
import dev.plumbline.rlaif.policy.TextCodec;
import dev.plumbline.rlaif.ppo.PpoConfig;
import dev.plumbline.rlaif.ppo.PpoTrainer;
import dev.plumbline.rlaif.ppo.RewardSource;
import dev.plumbline.rlaif.reward.PreferenceModel;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.MemoryStats;
import dev.plumbline.tensor.random.Generator;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One PPO iteration (rollout of 8 × 128 tokens, pθ scoring, π_ref log-probs, GAE, one epoch of
 * minibatch-4 updates of policy and critic) on randomly initialised GPT-2 124M models, printing the
 * tensor high-water mark ({@link MemoryStats#peakBytes}: live tensor storage, what the models,
 * optimizer states, activations and caches need) and the JVM heap pools' peak (which also holds
 * garbage not yet collected, so it is an upper bound that depends on the collector).
 *
 * <pre>
 * java -Xmx20g --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     dev.plumbline.bench.PpoMemory VOCAB_DIR [loraRank]      # VOCAB_DIR: GPT-2's vocab.json + merges.txt
 * </pre>
 *
 * With LoRA (rank &gt; 0) π_ref is the policy with adapters off and the critic is a LoRA model too,
 * so there are three 124M weight sets instead of four and no full-size optimizer state.
 */
public final class PpoMemory {
    private PpoMemory() {}

    public static void main(String[] args) throws Exception {
        Path vocab = Path.of(args.length > 0 ? args[0] : "nn/src/test/resources/gpt2");
        int rank = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        TextCodec codec = TextCodec.of(ByteLevelBpe.load(vocab));
        Device cpu = Device.cpu();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
        MemoryStats.resetPeak(cpu);
        long t0 = System.nanoTime();
        GPTConfig cfg = GPTConfig.gpt2();
        GPT policy = new GPT(cfg, new Generator(1));
        PreferenceModel pm = PreferenceModel.fromPolicy(policy, codec, 2);
        GPT criticTrunk = new GPT(cfg, new Generator(3));
        ScalarModel critic = new ScalarModel(criticTrunk, ScalarHead.value(cfg.dModel()));
        GPT reference;
        if (rank > 0) {
            Lora.apply(policy, Lora.Config.gpt2(rank, 2.0 * rank), new Generator(4));
            Lora.apply(critic, Lora.Config.gpt2(rank, 2.0 * rank).withModulesToSave("head"), new Generator(5));
            reference = policy;
        } else {
            reference = new GPT(cfg, new Generator(6));
            reference.loadStateDict(policy.stateDict());
            reference.parameters().forEach(p -> p.setTrainable(false));
        }
        long weights = MemoryStats.liveBytes(cpu);
        RewardSource reward = RewardSource.of((p, r) -> pm.score(p, r, 8));
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            prompts.add("Write a short story about a lighthouse keeper who finds message number " + i + ":");
        }
        PpoConfig pc = new PpoConfig();
        pc.steps = 1;
        pc.batchSize = 8;
        pc.minibatchSize = 4;
        pc.epochs = 1;
        pc.maxNewTokens = 128;
        pc.lr = 1e-5;
        PpoTrainer ppo = new PpoTrainer(policy, reference, critic, reward, (step, n) -> prompts.subList(0, n), codec, pc,
                new Generator(7));
        Map<String, Double> m = ppo.step();
        long heapPeak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                heapPeak += p.getPeakUsage().getUsed();
            }
        }
        System.out.printf(Locale.ROOT, "ppo-memory gpt2-124M %s: weights+optimizer-free live %.2f GiB, tensor peak %.2f GiB, "
                        + "JVM heap peak %.2f GiB (max %.1f GiB), %.0f s, kl %.4f%n",
                rank > 0 ? "LoRA r=" + rank : "full", weights / 1073741824.0, MemoryStats.peakBytes(cpu) / 1073741824.0,
                heapPeak / 1073741824.0, Runtime.getRuntime().maxMemory() / 1073741824.0, (System.nanoTime() - t0) / 1e9,
                m.getOrDefault("objective/kl", Double.NaN));
    }
}
