// A process-wide count of the floating-point operations the matmul and attention ops performed.
package dev.plumbline.tensor;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts floating-point operations (one multiply and one add = 2 FLOPs) as ops run, so a stage,
 * a training step or a benchmark can report the compute it used.
 *
 * <pre>{@code
 * long before = FlopCounter.total();
 * Tensor y = x.matmul(w);                    // x (64, 128), w (128, 32), both requiring grad
 * y.sum().backward();                        // dx = dy·wᵀ, dw = xᵀ·dy: two more products
 * long flops = FlopCounter.since(before);    // 3 · 2·64·32·128 = 1,572,864
 * }</pre>
 *
 * <h2>What is counted</h2>
 * <ul>
 *   <li><b>matmul</b> (and so {@code linear}, which is one matmul): {@code 2·M·N·K} per product,
 *       times the number of products in the broadcast batch. A 1-D operand counts as a matrix with
 *       one row or column, so a dot product of length K is {@code 2K}.</li>
 *   <li><b>fused attention</b> ({@link dev.plumbline.tensor.ops.Fused#attention}): per (batch,
 *       head) and per query–key pair the query can see, {@code 4·D} forward (q·k and p·v) and
 *       {@code 10·D} backward (q·k recomputed, dO·v, dV += p·dO, dQ += dS·k, dK += dS·q): the
 *       backward is 2.5× the forward, the accounting FlashAttention uses. With {@code causal} only
 *       the <i>visible</i> pairs count, {@code Tq·(Tk − Tq) + Tq·(Tq + 1)/2} of them (the lower
 *       triangle with its diagonal, {@code T(T+1)/2} for {@code Tq = Tk = T}), not the full
 *       {@code Tq × Tk}: that is the work the CPU kernels do and the tiles a causal GPU kernel
 *       skips. Key-padding masks are <i>not</i> subtracted (that would mean reading the mask back
 *       from the device on every call).</li>
 *   <li><b>Backward passes</b> count as they run: matmul's gradient rule is itself two matmuls,
 *       so they are counted by the rule above (for {@code y = x@w} forward plus backward is
 *       3× the forward); attention's backward calls the backend directly and is counted
 *       explicitly.</li>
 * </ul>
 * Elementwise ops, reductions, softmax, layer norm, cross-entropy, embedding gathers and optimizer
 * steps are <b>not</b> counted: they are O(size) per element where matmul and attention are
 * O(size · K), and the two dominate a transformer's FLOPs (which is also what the usual
 * {@code 6·N·tokens} estimate counts).
 *
 * <h2>Where and how</h2>
 * Counting happens in the op layer ({@code dev.plumbline.tensor.ops}), where an op and its
 * gradient rule are defined, never in a backend: CPU, OpenCL and CUDA runs of the same program
 * count the same. Numbers are computed from shapes alone (no device synchronisation). The count
 * is a {@link LongAdder}, cheap and thread safe, shared by the whole process: a delta taken with
 * {@link #since(long)} includes the work of every thread that ran ops meanwhile, so measure a
 * stage while nothing else computes.
 */
public final class FlopCounter {
    private static final LongAdder TOTAL = new LongAdder();

    private FlopCounter() {}

    /** FLOPs counted since the process started. Never reset: take deltas with {@link #since(long)}. */
    public static long total() {
        return TOTAL.sum();
    }

    /** FLOPs counted since {@code before}, a value {@link #total()} returned earlier. */
    public static long since(long before) {
        return TOTAL.sum() - before;
    }

    /**
     * Adds {@code flops} to the count. The ops call this; a custom op that does its own heavy
     * arithmetic through a backend may call it too.
     *
     * @throws IllegalArgumentException if {@code flops} is negative
     */
    public static void add(long flops) {
        if (flops < 0) {
            throw new IllegalArgumentException("FlopCounter.add: flops must be >= 0, got " + flops);
        }
        TOTAL.add(flops);
    }
}
