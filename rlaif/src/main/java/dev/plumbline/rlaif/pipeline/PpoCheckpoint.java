// Saves and restores everything PPO needs to continue exactly where it stopped.
package dev.plumbline.rlaif.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plumbline.nn.GPT;
import dev.plumbline.nn.ScalarModel;
import dev.plumbline.rlaif.ppo.PpoTrainer;
import dev.plumbline.tensor.io.Safetensors;
import dev.plumbline.tensor.random.Generator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A PPO checkpoint in {@code ppo/checkpoint/}: policy, critic, both optimizers' state, the KL
 * coefficient, the step and the sampling generator's state. Written to a temporary folder and
 * renamed into place, so a crash leaves either the previous checkpoint or the new one.
 *
 * <pre>{@code
 * long start = ckpt.restore(policy, critic, ppo, gen);   // 0 when there is none
 * ckpt.save(policy, critic, ppo, gen);
 * }</pre>
 */
final class PpoCheckpoint {
    private final Path dir;

    PpoCheckpoint(Path ppoDir) {
        this.dir = ppoDir.resolve("checkpoint");
    }

    void save(GPT policy, ScalarModel critic, PpoTrainer ppo, Generator gen) throws IOException {
        Path parent = dir.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, ".checkpoint");
        Safetensors.save(tmp.resolve("policy.safetensors"), policy.stateDict(), Map.of());
        Safetensors.save(tmp.resolve("critic.safetensors"), critic.stateDict(), Map.of());
        Safetensors.save(tmp.resolve("policy_optimizer.safetensors"), ppo.policyOptimizer().stateDict(), Map.of());
        Safetensors.save(tmp.resolve("critic_optimizer.safetensors"), ppo.criticOptimizer().stateDict(), Map.of());
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("step", ppo.stepsDone());
        state.put("kl_coef", ppo.klController().coef());
        state.put("generator_seed", gen.seed());
        state.put("generator_offset", gen.offset());
        Files.writeString(tmp.resolve("state.json"), RlaifConfig.MAPPER.writeValueAsString(state));
        Path old = parent.resolve(".checkpoint-old");
        deleteTree(old);
        if (Files.exists(dir)) {
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
    }

    /** Restores the newest checkpoint into the given objects; returns the step to continue from. */
    long restore(GPT policy, ScalarModel critic, PpoTrainer ppo, Generator gen) throws IOException {
        Path old = dir.getParent().resolve(".checkpoint-old");
        Path from = Files.exists(dir.resolve("state.json")) ? dir : Files.exists(old.resolve("state.json")) ? old : null;
        if (from == null) {
            return 0;
        }
        JsonNode state = RlaifConfig.MAPPER.readTree(from.resolve("state.json").toFile());
        policy.loadStateDict(Safetensors.load(from.resolve("policy.safetensors"), policy.device()));
        critic.loadStateDict(Safetensors.load(from.resolve("critic.safetensors"), critic.device()));
        ppo.policyOptimizer().loadStateDict(Safetensors.load(from.resolve("policy_optimizer.safetensors"), policy.device()));
        ppo.criticOptimizer().loadStateDict(Safetensors.load(from.resolve("critic_optimizer.safetensors"), critic.device()));
        ppo.klController().setCoef(state.get("kl_coef").asDouble());
        gen.setState(state.get("generator_seed").asLong(), state.get("generator_offset").asLong());
        long step = state.get("step").asLong();
        ppo.setStepsDone(step);
        return step;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
