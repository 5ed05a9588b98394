package dev.plumbline.nn;

import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.autograd.GradCheck;
import dev.plumbline.tensor.autograd.NoGrad;
import dev.plumbline.tensor.random.Generator;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Test support: checks every parameter gradient of a module against central finite differences
 * (float64 sums of a randomly weighted output, Richardson-extrapolated), perturbing parameters in place. Inputs are
 * checked with {@link GradCheck}.
 */
final class ModuleGradCheck {
    private ModuleGradCheck() {}

    static void checkParameters(Module m, Supplier<Tensor> f) {
        check(m, f, GradCheck.EPS, GradCheck.ATOL, GradCheck.RTOL);
    }

    static void check(Module m, Supplier<Tensor> f, double eps, double atol, double rtol) {
        m.zeroGrad();
        Tensor out = f.get();
        float[] w = Tensor.randn(new Generator(99 + out.numel()), out.shape()).toFloatArray();
        out.backward(Tensor.fromArray(w, out.shape()));
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            if (p.grad() == null) {
                throw new AssertionError("parameter " + e.getKey() + " got no gradient");
            }
            float[] analytic = p.grad().toFloatArray();
            float[] base = p.data().toFloatArray();
            for (int i = 0; i < base.length; i++) {
                double numeric = richardson(m, p, base, i, eps, f, w);
                if (!(Math.abs(numeric - analytic[i]) <= atol + rtol * Math.abs(numeric))) {
                    throw new AssertionError(String.format("gradient mismatch for %s at %d: analytic %.6g numeric %.6g",
                            e.getKey(), i, analytic[i], numeric));
                }
            }
            p.copyFrom(Tensor.fromArray(base, p.shape()));
        }
    }

    /**
     * Central difference with Richardson extrapolation, (4·D(h/2) − D(h)) / 3: the O(h²) truncation
     * error cancels, which matters for float32 forwards through small LayerNorms and softmaxes whose
     * curvature makes a plain central difference at h = 1e-2 miss by several percent.
     */
    private static double richardson(Module m, Parameter p, float[] base, int i, double h, Supplier<Tensor> f, float[] w) {
        double dh = (at(m, p, base, i, base[i] + h, f, w) - at(m, p, base, i, base[i] - h, f, w)) / (2 * h);
        double dh2 = (at(m, p, base, i, base[i] + h / 2, f, w) - at(m, p, base, i, base[i] - h / 2, f, w)) / h;
        return (4 * dh2 - dh) / 3;
    }

    private static double at(Module m, Parameter p, float[] base, int i, double value, Supplier<Tensor> f, float[] w) {
        float[] v = base.clone();
        v[i] = (float) value;
        p.copyFrom(Tensor.fromArray(v, p.shape()));
        float[] o;
        try (NoGrad ng = NoGrad.enter()) {
            o = f.get().toFloatArray();
        }
        p.copyFrom(Tensor.fromArray(base, p.shape()));
        double s = 0;
        for (int j = 0; j < o.length; j++) {
            s += (double) w[j] * o[j];
        }
        return s;
    }
}
