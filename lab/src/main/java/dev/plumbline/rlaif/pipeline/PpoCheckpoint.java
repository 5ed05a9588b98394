// Saves and restores everything PPO needs to continue exactly where it stopped.
package dev.plumbline.rlaif.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plumbline.nn.Module;
import dev.plumbline.nn.optim.Optimizer;
import dev.plumbline.rlaif.rl.PolicyOptimizer;
import dev.plumbline.tensor.io.Safetensors;
import dev.plumbline.tensor.random.Generator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A policy-optimisation checkpoint in {@code ppo/checkpoint/}: every model and optimizer the
 * {@link PolicyOptimizer} names (policy and critic with their optimizers for PPO, the policy and
 * its optimizer for RLOO and GRPO), the algorithm, the KL coefficient, the step and the sampling
 * generator's state. Written to a temporary folder and
 * renamed into place, so a crash leaves either the previous checkpoint or the new one.
 *
 * <pre>{@code
 * long start = ckpt.restore(optimizer, gen);   // 0 when there is none
 * ckpt.save(optimizer, gen);
 * }</pre>
 */
final class PpoCheckpoint {
    private final Path dir;

    PpoCheckpoint(Path ppoDir) {
        this.dir = ppoDir.resolve("checkpoint");
    }

    void save(PolicyOptimizer opt, Generator gen) throws IOException {
        Path parent = dir.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, ".checkpoint");
        for (Map.Entry<String, Module> e : opt.modules().entrySet()) {
            Safetensors.save(tmp.resolve(e.getKey() + ".safetensors"), e.getValue().stateDict(), Map.of());
        }
        for (Map.Entry<String, Optimizer> e : opt.optimizers().entrySet()) {
            Safetensors.save(tmp.resolve(e.getKey() + ".safetensors"), e.getValue().stateDict(), Map.of());
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("algorithm", opt.algorithm());
        state.put("step", opt.stepsDone());
        state.put("kl_coef", opt.klController().coef());
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

    /** Restores the newest checkpoint into the optimiser and generator; returns the step to continue from. */
    long restore(PolicyOptimizer opt, Generator gen) throws IOException {
        Path old = dir.getParent().resolve(".checkpoint-old");
        Path from = Files.exists(dir.resolve("state.json")) ? dir : Files.exists(old.resolve("state.json")) ? old : null;
        if (from == null) {
            return 0;
        }
        JsonNode state = RlaifConfig.MAPPER.readTree(from.resolve("state.json").toFile());
        String saved = state.path("algorithm").asText("ppo");
        if (!saved.equals(opt.algorithm())) {
            throw new IllegalStateException(from + ": the checkpoint was written by " + saved + ", but this run's algorithm is "
                    + opt.algorithm() + "; use a new --run-dir or delete " + dir.getParent());
        }
        for (Map.Entry<String, Module> e : opt.modules().entrySet()) {
            Module m = e.getValue();
            m.loadStateDict(Safetensors.load(from.resolve(e.getKey() + ".safetensors"), m.device()));
        }
        Module policy = opt.modules().get("policy");
        for (Map.Entry<String, Optimizer> e : opt.optimizers().entrySet()) {
            e.getValue().loadStateDict(Safetensors.load(from.resolve(e.getKey() + ".safetensors"),
                    policy.device()));
        }
        opt.klController().setCoef(state.get("kl_coef").asDouble());
        gen.setState(state.get("generator_seed").asLong(), state.get("generator_offset").asLong());
        long step = state.get("step").asLong();
        opt.setStepsDone(step);
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
