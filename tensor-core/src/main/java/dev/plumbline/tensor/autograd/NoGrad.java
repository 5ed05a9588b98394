package dev.plumbline.tensor.autograd;

/**
 * A region where no graph is recorded (inference, optimizer updates).
 *
 * <pre>{@code
 * try (NoGrad ng = NoGrad.enter()) {
 *     Tensor logits = model.forward(ids);   // no graph, no saved activations
 * }
 * }</pre>
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private boolean closed;

    private NoGrad() {
        DEPTH.get()[0]++;
    }

    /** Enters a no-grad region on this thread; close it to leave. */
    public static NoGrad enter() {
        return new NoGrad();
    }

    /** Whether the current thread is inside a no-grad region. */
    public static boolean active() {
        return DEPTH.get()[0] > 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DEPTH.get()[0]--;
        }
    }
}
