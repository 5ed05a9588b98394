package dev.plumbline.nn;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;

/**
 * Inverted dropout: in training, zero each element with probability p and scale the rest by
 * 1/(1−p); in eval mode, the identity. Masks come from a Philox {@link Generator}, so a seed
 * reproduces them on every backend.
 *
 * <pre>{@code
 * Dropout drop = new Dropout(0.1f, gen);
 * Tensor y = drop.forward(x);   // x: (...) → (...)
 * model.eval();                 // drop.forward(x) == x from now on
 * }</pre>
 */
public final class Dropout extends Module {
    private final float p;
    private final Generator gen;

    /** Dropout with probability {@code p} in [0, 1); {@code gen} may be null only when p = 0. */
    public Dropout(float p, Generator gen) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: probability must be in [0, 1), got " + p);
        }
        if (p > 0 && gen == null) {
            throw new IllegalArgumentException("Dropout: p = " + p + " needs a Generator (got null)");
        }
        this.p = p;
        this.gen = gen;
    }

    /** x: (...) → (...). */
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) {
            return x;
        }
        return x.dropout(p, true, gen);
    }

    /** The drop probability. */
    public float p() {
        return p;
    }
}
