package dev.plumbline.nn;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.NoGrad;

/**
 * A trainable tensor owned by a {@link Module}: a leaf that requires grad, lives outside every
 * {@link Scope} (as long as its module), and carries a weight-decay hint for optimizers.
 *
 * <pre>{@code
 * Parameter w = new Parameter(Tensor.randn(gen, 4, 8).mul(0.02f), true);
 * Tensor y = x.matmul(w.data());
 * }</pre>
 */
public final class Parameter {
    private Tensor data;
    private final boolean decay;
    private boolean trainable = true;

    /**
     * Wraps {@code init} (copied out of any scope and detached from any graph).
     *
     * @param decay whether weight decay applies (false for biases and norm gains)
     */
    public Parameter(Tensor init, boolean decay) {
        this.data = fresh(init);
        this.decay = decay;
    }

    private static Tensor fresh(Tensor t) {
        Tensor c;
        try (NoGrad ng = NoGrad.enter(); Scope s = Scope.detached()) {
            c = t.copyDetached();
        }
        return Scope.escape(c).requiresGrad(true);
    }

    /** The current value (a leaf tensor that requires grad). */
    public Tensor data() {
        return data;
    }

    /** The accumulated gradient, or null. */
    public Tensor grad() {
        return data.grad();
    }

    /** Clears the gradient. */
    public void zeroGrad() {
        data.setGrad(null);
    }

    /** Whether weight decay applies to this parameter. */
    public boolean decay() {
        return decay;
    }

    /** Overwrites the value in place from {@code src} (same shape; any device). */
    public void copyFrom(Tensor src) {
        try (NoGrad ng = NoGrad.enter()) {
            data.copy_(src);
        }
    }

    /** Moves the value to a device (drops the gradient). */
    public void to(Device device) {
        if (!data.device().equals(device)) {
            Tensor moved;
            try (NoGrad ng = NoGrad.enter(); Scope s = Scope.detached()) {
                moved = data.detach().to(device);
            }
            data = Scope.escape(moved).requiresGrad(trainable);
        }
    }

    /**
     * Freezes ({@code false}) or unfreezes the parameter. A frozen parameter does not require grad,
     * so backward computes no gradient for it (and skips the work, e.g. dW of a frozen Linear) and
     * optimizers leave it alone, as PyTorch's {@code p.requires_grad_(False)}.
     */
    public void setTrainable(boolean on) {
        trainable = on;
        data.requiresGrad(on);
        if (!on) {
            data.setGrad(null);
        }
    }

    /** Whether the parameter is trained (see {@link #setTrainable}). */
    public boolean trainable() {
        return trainable;
    }

    /** Shape of the value. */
    public int[] shape() {
        return data.shape();
    }

    /** Number of elements. */
    public long numel() {
        return data.numel();
    }
}
