package dev.plumbline.tensor.autograd;

import dev.plumbline.tensor.Shape;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.random.Generator;

import java.util.function.Function;

/**
 * Checks an op's analytic gradient against central finite differences, like
 * {@code torch.autograd.gradcheck}.
 *
 * <p>The output is reduced to a scalar L = Σ wᵢ·f(x)ᵢ with fixed random weights w (so every
 * output element matters); L is summed in float64 on the host, and each input element is
 * perturbed by ±eps to estimate ∂L/∂x. Agreement is required within {@code atol + rtol·|numeric|}.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(new Generator(1), 3, 4).requiresGrad(true);
 * GradCheck.check(in -> in[0].tanh().mul(in[0]), x);   // throws AssertionError on a mismatch
 * }</pre>
 */
public final class GradCheck {
    private GradCheck() {}

    /** Default perturbation, tolerances suited to F32 forward passes. */
    public static final double EPS = 1e-2, ATOL = 2e-3, RTOL = 2e-2;

    /** Checks with default settings; throws {@link AssertionError} naming the first mismatch. */
    public static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(f, EPS, ATOL, RTOL, inputs);
    }

    /**
     * Checks d f / d input for every input that requires grad.
     *
     * @throws AssertionError naming the input, element, analytic and numeric values
     */
    public static void check(Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        Tensor out = f.apply(inputs);
        Tensor w = Tensor.randn(new Generator(0x5eedL + out.numel()), out.shape());
        float[] wv = w.toFloatArray();
        for (Tensor in : inputs) {
            if (in.requiresGrad()) {
                in.setGrad(null);
            }
        }
        out.backward(w.to(out.device()));
        for (int k = 0; k < inputs.length; k++) {
            Tensor in = inputs[k];
            if (!in.requiresGrad()) {
                continue;
            }
            if (in.grad() == null) {
                throw new AssertionError("input " + k + " " + Shape.str(in.shape()) + " got no gradient");
            }
            float[] analytic = in.grad().toFloatArray();
            float[] base = in.toFloatArray();
            for (int i = 0; i < base.length; i++) {
                double plus = perturbed(f, inputs, k, base, i, base[i] + eps, wv);
                double minus = perturbed(f, inputs, k, base, i, base[i] - eps, wv);
                double numeric = (plus - minus) / (2 * eps);
                double diff = Math.abs(numeric - analytic[i]);
                if (!(diff <= atol + rtol * Math.abs(numeric))) {
                    throw new AssertionError(String.format(
                            "gradient mismatch for input %d %s at flat index %d: analytic %.6g, numeric %.6g (|diff| %.3g)",
                            k, Shape.str(in.shape()), i, analytic[i], numeric, diff));
                }
            }
        }
    }

    private static double perturbed(Function<Tensor[], Tensor> f, Tensor[] inputs, int k, float[] base, int i,
                                    double value, float[] w) {
        float[] v = base.clone();
        v[i] = (float) value;
        Tensor[] in = inputs.clone();
        in[k] = Tensor.fromArray(inputs[k].device(), v, inputs[k].shape());
        float[] o;
        try (NoGrad ng = NoGrad.enter()) {
            o = f.apply(in).toFloatArray();
        }
        double s = 0;
        for (int j = 0; j < o.length; j++) {
            s += (double) w[j] * o[j];
        }
        return s;
    }
}
