package dev.plumbline.nn;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;

/**
 * A lookup table of {@code count} rows of width {@code dim}: ids (...) → (..., dim). The gradient
 * scatter-adds into the rows that were read.
 *
 * <pre>{@code
 * Embedding wte = new Embedding(50257, 768, 0.02f, gen);
 * Tensor x = wte.forward(ids);   // ids: (B, T) I32 → (B, T, 768)
 * }</pre>
 */
public final class Embedding extends Module {
    private final int count, dim;
    private final Parameter weight; // (count, dim)

    /** Rows drawn from N(0, std²) (PyTorch's default is std = 1; GPT-2 uses 0.02). */
    public Embedding(int count, int dim, float std, Generator gen) {
        if (count <= 0 || dim <= 0) {
            throw new IllegalArgumentException("Embedding: count and dim must be positive, got " + count + " x " + dim);
        }
        this.count = count;
        this.dim = dim;
        this.weight = param("weight", Init.normal(gen, std, count, dim), true);
    }

    /** ids: (...) I32 in [0, count) → (..., dim). */
    public Tensor forward(Tensor ids) {
        if (ids.dtype() != DType.I32) {
            throw new IllegalArgumentException("Embedding: ids must be I32, got " + ids.dtype());
        }
        return weight.data().embedding(ids);
    }

    /** The table, (count, dim). */
    public Parameter weight() {
        return weight;
    }

    /** Number of rows. */
    public int count() {
        return count;
    }

    /** Row width. */
    public int dim() {
        return dim;
    }
}
