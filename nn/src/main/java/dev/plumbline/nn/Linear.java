package dev.plumbline.nn;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;

/**
 * y = x·Wᵀ + b with W stored (out, in) like PyTorch's {@code nn.Linear}.
 *
 * <pre>{@code
 * Linear fc = new Linear(768, 3072, true, gen);            // PyTorch init U(±1/√in)
 * Linear proj = Linear.normal(3072, 768, true, 0.02f, gen); // GPT-2 init N(0, 0.02), bias 0
 * Tensor y = fc.forward(x);                                 // x: (B, T, 768) → (B, T, 3072)
 * }</pre>
 */
public final class Linear extends Module {
    private final int inFeatures, outFeatures;
    private final Parameter weight; // (out, in)
    private final Parameter bias;   // (out) or null
    // LoRA adapter (Hu et al. 2021), see Lora: y += (alpha / r) · B(A x); A (r, in), B (out, r)
    private Linear loraA, loraB;
    private float loraScale;
    private boolean loraEnabled = true;

    /** PyTorch's default init: weight and bias U[−1/√in, 1/√in) (kaiming-uniform with a = √5). */
    public Linear(int inFeatures, int outFeatures, boolean bias, Generator gen) {
        this(inFeatures, outFeatures, bias, gen, -1f);
    }

    /** N(0, std²) weight and zero bias (GPT-2 style). */
    public static Linear normal(int inFeatures, int outFeatures, boolean bias, float std, Generator gen) {
        return new Linear(inFeatures, outFeatures, bias, gen, std);
    }

    /** Zero weight and bias (e.g. a PPO value head that starts at 0). */
    public static Linear zeros(int inFeatures, int outFeatures, boolean bias) {
        return new Linear(inFeatures, outFeatures, bias, null, 0f);
    }

    private Linear(int inFeatures, int outFeatures, boolean bias, Generator gen, float std) {
        if (inFeatures <= 0 || outFeatures <= 0) {
            throw new IllegalArgumentException("Linear: features must be positive, got in=" + inFeatures + " out="
                    + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        float bound = (float) (1.0 / Math.sqrt(inFeatures));
        Tensor w = std < 0 ? Init.uniform(gen, bound, outFeatures, inFeatures)
                : std == 0 ? Tensor.zeros(outFeatures, inFeatures) : Init.normal(gen, std, outFeatures, inFeatures);
        this.weight = param("weight", w, true);
        if (bias) {
            Tensor b = std < 0 ? Init.uniform(gen, bound, outFeatures) : Tensor.zeros(outFeatures);
            this.bias = param("bias", b, false);
        } else {
            this.bias = null;
        }
    }

    /** x: (..., in) → (..., out). */
    public Tensor forward(Tensor x) {
        if (x.dim() == 0 || x.size(-1) != inFeatures) {
            throw new IllegalArgumentException("Linear(" + inFeatures + " → " + outFeatures + "): input "
                    + dev.plumbline.tensor.Shape.str(x.shape()) + " must end in " + inFeatures + " features");
        }
        Tensor y = x.linear(weight.data(), bias == null ? null : bias.data());
        if (loraA != null && loraEnabled) {
            y = y.add(loraB.forward(loraA.forward(x)).mul(loraScale));   // (..., r) → (..., out)
        }
        return y;
    }

    // ---------------------------------------------------------------- LoRA (driven by Lora)

    /** Adds children lora_A (r, in), PEFT's init U(±1/√in), and lora_B (out, r) = 0, so Δ starts at 0. */
    void attachLora(int rank, double alpha, Generator gen) {
        if (loraA != null) {
            throw new IllegalStateException("Linear(" + inFeatures + " → " + outFeatures + ") already has a LoRA adapter");
        }
        loraA = module("lora_A", new Linear(inFeatures, rank, false, gen));
        loraB = module("lora_B", Linear.zeros(rank, outFeatures, false));
        loraA.to(weight.data().device());
        loraB.to(weight.data().device());
        loraScale = (float) (alpha / rank);
        loraEnabled = true;
    }

    /** Removes the adapter without merging it. */
    void removeLora() {
        removeModule("lora_A");
        removeModule("lora_B");
        loraA = null;
        loraB = null;
    }

    boolean hasLora() {
        return loraA != null;
    }

    /** Turns the adapter's contribution on or off (off: the base layer alone); returns the old state. */
    boolean setLoraEnabled(boolean on) {
        boolean was = loraEnabled;
        loraEnabled = on;
        return was;
    }

    /** W + (alpha / r) · B·A, (out, in), as a new tensor (the module is unchanged). */
    Tensor mergedWeight() {
        try (dev.plumbline.tensor.autograd.NoGrad ng = dev.plumbline.tensor.autograd.NoGrad.enter()) {
            return weight.data().add(loraB.weight().data().matmul(loraA.weight().data()).mul(loraScale));
        }
    }

    /** Folds the adapter into W and removes it. */
    void mergeLora() {
        Tensor w = mergedWeight();
        weight.copyFrom(w);
        removeLora();
    }

    /** The weight parameter, (out, in). */
    public Parameter weight() {
        return weight;
    }

    /** The bias parameter, (out), or null. */
    public Parameter bias() {
        return bias;
    }

    /** Input features. */
    public int inFeatures() {
        return inFeatures;
    }

    /** Output features. */
    public int outFeatures() {
        return outFeatures;
    }
}
