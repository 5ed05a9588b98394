package dev.plumbline.nn;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.backend.RandomKind;
import dev.plumbline.tensor.random.Generator;

/**
 * Parameter initialisers shared by the layers, each drawing from a Philox {@link Generator} so the
 * same seed gives the same weights on every backend.
 *
 * <pre>{@code
 * Tensor w = Init.normal(gen, 0.02f, 768, 3072);   // GPT-2's N(0, 0.02)
 * }</pre>
 */
public final class Init {
    private Init() {}

    /** N(0, std²) of the given shape, F32 on the CPU. */
    public static Tensor normal(Generator gen, float std, int... shape) {
        requireGen(gen);
        return Tensor.random(Device.cpu(), gen, RandomKind.NORMAL, 0f, std, shape);
    }

    /** U[−bound, bound) of the given shape, F32 on the CPU. */
    public static Tensor uniform(Generator gen, float bound, int... shape) {
        requireGen(gen);
        return Tensor.random(Device.cpu(), gen, RandomKind.UNIFORM, -bound, bound, shape);
    }

    private static void requireGen(Generator gen) {
        if (gen == null) {
            throw new IllegalArgumentException("init: a Generator is required for random initialisation (got null)");
        }
    }
}
