package dev.plumbline.tensor.backend.cpu;

/**
 * Whether the CPU kernels take their Simd (Vector API) paths: decided once at start-up, like
 * {@link CpuGemm}'s kernel. On when {@code jdk.incubator.vector} is in the boot layer and its
 * preferred float species has 4–16 lanes; {@code -Dplumbline.simd=false} turns it off. Each op
 * family's file ({@link SoftmaxKernels}, {@link LayerNormKernels}, {@link AttentionKernels},
 * {@link GeluKernels}, {@link CpuReduce}) branches on {@link #ON} — a static final, so the JIT
 * folds the branch — and never loads its Simd class otherwise.
 */
final class CpuSimd {
    private CpuSimd() {}

    /** {@code "vector-<bits>"} or {@code "scalar"}. */
    static final String NAME = choose();
    /** True when the Simd paths run. */
    static final boolean ON = !NAME.equals("scalar");

    private static String choose() {
        if (!Boolean.parseBoolean(System.getProperty("plumbline.simd", "true"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "scalar";
        }
        try {
            // by name, so this class never links against jdk.incubator.vector itself
            return (String) Class.forName("dev.plumbline.tensor.backend.cpu.VectorMath")
                    .getDeclaredMethod("probe").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return "scalar"; // includes a species too narrow to pay off (probe throws)
        }
    }
}
