package dev.plumbline.nn;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;

/**
 * A linear C → 1 read-out on a transformer's hidden states: per token (PPO's value head) or at the
 * last real token of each row (a reward model's score). Parameters: {@code weight} (1, C),
 * {@code bias} (1).
 *
 * <pre>{@code
 * ScalarHead rm = ScalarHead.reward(768, gen);     // N(0, 1/√(C+1)), as in Stiennon et al.
 * ScalarHead vh = ScalarHead.value(768);           // zeros: values start at 0
 * Tensor r = rm.atLastToken(hidden, mask);         // hidden: (B, T, C), mask: (B, T) → (B)
 * Tensor v = vh.perToken(hidden);                  // (B, T)
 * }</pre>
 */
public final class ScalarHead extends Module {
    private final int dModel;
    private final Parameter weight; // (1, C)
    private final Parameter bias;   // (1)

    private ScalarHead(int dModel, Tensor w) {
        if (dModel <= 0) {
            throw new IllegalArgumentException("ScalarHead: dModel must be positive, got " + dModel);
        }
        this.dModel = dModel;
        weight = param("weight", w, true);
        bias = param("bias", Tensor.zeros(1), false);
    }

    /** A reward head: weight N(0, 1/(C+1)) i.e. std 1/√(C+1), bias 0. */
    public static ScalarHead reward(int dModel, Generator gen) {
        return new ScalarHead(dModel, Init.normal(gen, (float) (1.0 / Math.sqrt(dModel + 1.0)), 1, dModel));
    }

    /** A value head: weight and bias 0, so initial value estimates are 0. */
    public static ScalarHead value(int dModel) {
        return new ScalarHead(dModel, Tensor.zeros(1, dModel));
    }

    /** hidden: (B, T, C) → (B, T), one scalar per token. */
    public Tensor perToken(Tensor hidden) {
        if (hidden.dim() != 3 || hidden.size(2) != dModel) {
            throw new IllegalArgumentException("ScalarHead: hidden must be (B, T, " + dModel + "), got "
                    + Shape.str(hidden.shape()));
        }
        return hidden.linear(weight.data(), bias.data()).squeeze(2);
    }

    /**
     * hidden: (B, T, C), mask: (B, T) F32 1/0 or null → (B): the scalar at each row's last real token
     * (the last position whose mask is 1; T − 1 without a mask). Works with left or right padding.
     */
    public Tensor atLastToken(Tensor hidden, Tensor mask) {
        Tensor perTok = perToken(hidden);                 // (B, T)
        int b = perTok.size(0), t = perTok.size(1);
        int[] last = lastTokenIndex(mask, b, t);
        Tensor idx = Tensor.fromArray(hidden.device(), last, b, 1);
        return perTok.gather(idx).reshape(b);            // (B)
    }

    /** Index of the last position whose mask is non-zero in each row; T − 1 for every row if mask is null. */
    public static int[] lastTokenIndex(Tensor mask, int b, int t) {
        int[] last = new int[b];
        if (mask == null) {
            java.util.Arrays.fill(last, t - 1);
            return last;
        }
        if (mask.dim() != 2 || mask.size(0) != b || mask.size(1) != t || mask.dtype() != DType.F32) {
            throw new IllegalArgumentException("ScalarHead: mask must be (B, T) = [" + b + ", " + t + "] F32, got "
                    + Shape.str(mask.shape()) + " " + mask.dtype());
        }
        float[] m = mask.toFloatArray();
        for (int r = 0; r < b; r++) {
            last[r] = -1;
            for (int j = t - 1; j >= 0; j--) {
                if (m[r * t + j] != 0f) {
                    last[r] = j;
                    break;
                }
            }
            if (last[r] < 0) {
                throw new IllegalArgumentException("ScalarHead: row " + r + " of the mask has no real token");
            }
        }
        return last;
    }

    /** weight (1, C). */
    public Parameter weight() {
        return weight;
    }

    /** bias (1). */
    public Parameter bias() {
        return bias;
    }
}
