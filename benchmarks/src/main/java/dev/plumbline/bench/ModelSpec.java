// Parses the "model" @Param of the model-level benchmarks: a GPTConfig preset and the batch
// shape, "tiny:8x32" (B = 8 sequences of T = 32) or "gpt2:1x16+32" (prompt 16, 32 new tokens).
package dev.plumbline.bench;

import dev.plumbline.nn.GPTConfig;

/**
 * A preset GPT configuration with a batch shape.
 *
 * <pre>{@code
 * ModelSpec m = ModelSpec.parse("gpt2:1x16+32");
 * m.config();      // GPTConfig.gpt2()
 * m.batch();       // 1
 * m.length();      // 16 (prompt length for generation, sequence length for training)
 * m.newTokens();   // 32 (0 when no "+N" is given)
 * }</pre>
 *
 * @param config    {@link GPTConfig#tiny()} for "tiny", {@link GPTConfig#gpt2()} for "gpt2"
 * @param batch     sequences per step B
 * @param length    tokens per sequence T (training) or prompt length (generation)
 * @param newTokens tokens generated per sequence (generation only)
 */
public record ModelSpec(GPTConfig config, int batch, int length, int newTokens) {

    /** Parses "preset:BxT" or "preset:BxP+N". */
    public static ModelSpec parse(String text) {
        String[] parts = text.split(":");
        if (parts.length != 2) {
            throw new IllegalArgumentException("model '" + text + "': expected preset:BxT or preset:BxP+N");
        }
        GPTConfig cfg = switch (parts[0]) {
            case "tiny" -> GPTConfig.tiny();
            case "gpt2" -> GPTConfig.gpt2();
            default -> throw new IllegalArgumentException("model '" + text + "': unknown preset " + parts[0]
                    + " (tiny, gpt2)");
        };
        String[] plus = parts[1].split("\\+");
        int[] bt = BenchParams.dims(plus[0]);
        int extra = plus.length > 1 ? Integer.parseInt(plus[1]) : 0;
        if (bt.length != 2 || bt[1] + extra > cfg.contextLength()) {
            throw new IllegalArgumentException("model '" + text + "': need BxT with T (+N) <= context length "
                    + cfg.contextLength());
        }
        return new ModelSpec(cfg, bt[0], bt[1], extra);
    }
}
