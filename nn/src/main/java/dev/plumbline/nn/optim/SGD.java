// SGD: stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
// the update of torch.optim.SGD written with in-place tensor ops.
package dev.plumbline.nn.optim;

import dev.plumbline.nn.Module;
import dev.plumbline.nn.Parameter;
import dev.plumbline.tensor.Tensor;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code torch.optim.SGD}: for each parameter p with gradient g,
 * <pre>
 * d ← g + wd·p                                  (if wd ≠ 0; L2, not decoupled)
 * b ← d on the first step, else μ·b + (1−τ)·d   (if μ ≠ 0; τ = dampening)
 * d ← d + μ·b if nesterov, else b
 * p ← p − lr·d
 * </pre>
 *
 * <pre>{@code
 * SGD opt = new SGD(model, 0.1, 0.9, 0.0, 5e-4, true);   // lr, momentum, dampening, wd, nesterov
 * opt.zeroGrad(); loss.backward(); opt.step();
 * }</pre>
 */
public final class SGD extends Optimizer {
    /** State slot: the momentum buffer b. */
    public static final String MOMENTUM_BUFFER = "momentum_buffer";

    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    /** Plain SGD (no momentum, no weight decay). */
    public SGD(Module model, double lr) {
        this(model, lr, 0, 0, 0, false);
    }

    /** Weight decay applies to parameters whose {@link Parameter#decay()} is true. */
    public SGD(Module model, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        this(AdamW.decayGroups(model.namedTrainableParameters(), lr, weightDecay), momentum, dampening, nesterov);
    }

    /** Explicit groups, each with its own lr and weight decay. */
    public SGD(List<ParamGroup> groups, double momentum, double dampening, boolean nesterov) {
        super(groups);
        checkNonNegative("momentum", momentum);
        checkNonNegative("dampening", dampening);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum requires momentum > 0 and zero dampening, got momentum="
                    + momentum + " dampening=" + dampening);
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    @Override
    protected Set<String> slotNames() {
        return Set.of(MOMENTUM_BUFFER);
    }

    @Override
    protected void update() {
        for (ParamGroup group : groups()) {
            for (Map.Entry<String, Parameter> e : group.namedParams().entrySet()) {
                Parameter p = e.getValue();
                Tensor g = p.grad();
                if (g == null) {
                    continue;
                }
                Tensor w = p.data();
                Tensor d = group.weightDecay() != 0 ? g.add(w.detach().mul((float) group.weightDecay())) : g;
                if (momentum != 0) {
                    Tensor buf = state(e.getKey(), MOMENTUM_BUFFER);
                    if (buf == null) {
                        buf = newState(p).copy_(d);
                        putState(e.getKey(), MOMENTUM_BUFFER, buf);
                    } else {
                        buf.mul_((float) momentum).add_(d, (float) (1 - dampening));
                    }
                    d = nesterov ? d.add(buf.mul((float) momentum)) : buf;
                }
                w.add_(d, (float) -group.lr());
            }
        }
    }
}
