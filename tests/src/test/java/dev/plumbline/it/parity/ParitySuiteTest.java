package dev.plumbline.it.parity;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Scope;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.backend.Backends;
import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Backend parity: every {@link ParityCases case}, forward and the gradients of all its float
 * inputs, on every device {@link ParityDevices} selects — one dynamic test per (device, case).
 *
 * <ul>
 *   <li>On the CPU, values are compared with the float64 definition and gradients with float64
 *       central differences of Σ w·f(x) (w fixed random weights).</li>
 *   <li>On a GPU device D, the same inputs are run on D and compared with the CPU result.</li>
 * </ul>
 * Tolerances are per case: |got − ref| ≤ atol + rtol·|ref|. Each case's inputs are seeded from its
 * name ({@code TestSeeds}: the same every run; {@code -Dplumbline.test.seed=random} draws fresh ones);
 * the seed and the flag that replays it are in every failure message.
 *
 * <pre>
 * mvn -B -q -o -pl tests -am test -Dtest='dev.plumbline.it.parity.*Test' -Dsurefire.failIfNoSpecifiedTests=false
 * (surefire 3.5.4 matches nothing with the bare 'dev.plumbline.it.parity.*')
 * PLUMBLINE_PARITY_DEVICES=cpu,opencl:0 mvn ...   # choose devices
 * </pre>
 */
class ParitySuiteTest {
    @TestFactory
    List<DynamicNode> parity() {
        List<DynamicNode> out = new ArrayList<>();
        List<ParityCase> cases = ParityCases.all();
        for (ParityDevices.Target t : ParityDevices.targets(System.getenv(), Backends.probeAll())) {
            if (!t.runnable()) {
                String reason = t.reason();
                out.add(DynamicTest.dynamicTest(t.name() + ": not run", t.required()
                        ? () -> Assertions.fail(reason)
                        : () -> Assumptions.abort(reason)));
                continue;
            }
            List<DynamicTest> tests = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                ParityCase c = cases.get(i);
                tests.add(DynamicTest.dynamicTest(c.name(), () -> run(t.device(), c, "ParitySuiteTest." + c.name())));
            }
            out.add(DynamicContainer.dynamicContainer(t.name(), tests));
        }
        return out;
    }

    /** Forward value and input gradients of one case on one device, as host arrays. */
    record Result(float[] value, float[][] grads) {}

    static Result compute(Device device, ParityCase c, double[][] inputs, double[] weights) {
        try (Scope s = Scope.open()) {
            Tensor[] leaves = new Tensor[inputs.length];
            for (int k = 0; k < inputs.length; k++) {
                ParityCase.Input in = c.inputs().get(k);
                if (in.isInt()) {
                    leaves[k] = Tensor.fromArray(device, ParityCases.ids(inputs[k]), in.shape());
                } else {
                    leaves[k] = Tensor.fromArray(device, ParityCases.toFloats(inputs[k]), in.shape()).requiresGrad(true);
                }
            }
            Tensor y = c.op().apply(leaves);
            float[] value = y.toFloatArray();
            y.backward(Tensor.fromArray(device, ParityCases.toFloats(weights), y.shape()));
            float[][] grads = new float[inputs.length][];
            for (int k = 0; k < inputs.length; k++) {
                if (!c.inputs().get(k).isInt()) {
                    Tensor g = leaves[k].grad();
                    grads[k] = g == null ? new float[inputs[k].length] : g.toFloatArray();
                }
            }
            return new Result(value, grads);
        }
    }

    static void run(Device device, ParityCase c, String seedName) {
        SplittableRandom rng = TestSeeds.splittable(seedName);
        double[][] inputs = new double[c.inputs().size()][];
        for (int k = 0; k < inputs.length; k++) {
            inputs[k] = c.inputs().get(k).draw(rng);
        }
        double[] ref = c.reference().apply(inputs);
        double[] w = ParityCase.Input.normal(ref.length).draw(rng);
        Result got = compute(device, c, inputs, w);
        String at = c.name() + " on " + device + " (" + TestSeeds.describe(seedName) + ")";
        ParityCase.Tolerance tol = c.tolerance();
        if (device.isCpu()) {
            compare(got.value(), ref, tol.atol(), tol.rtol(), "forward vs float64: " + at);
            for (int k = 0; k < inputs.length; k++) {
                if (!c.inputs().get(k).isInt()) {
                    compare(got.grads()[k], numericGradient(c, inputs, w, k), tol.gradAtol(), tol.gradRtol(),
                            "gradient of input " + k + " vs float64 finite differences: " + at);
                }
            }
        } else {
            Result cpu = compute(Device.cpu(), c, inputs, w);
            compare(got.value(), toDoubles(cpu.value()), tol.atol(), tol.rtol(), "forward vs cpu: " + at);
            for (int k = 0; k < inputs.length; k++) {
                if (!c.inputs().get(k).isInt()) {
                    compare(got.grads()[k], toDoubles(cpu.grads()[k]), tol.gradAtol(), tol.gradRtol(),
                            "gradient of input " + k + " vs cpu: " + at);
                }
            }
        }
    }

    /** ∂(Σ w·ref(x))/∂x_k by float64 central differences (h = 1e-6: truncation ~1e-12, rounding ~1e-10). */
    static double[] numericGradient(ParityCase c, double[][] inputs, double[] w, int k) {
        double h = 1e-6;
        double[] g = new double[inputs[k].length];
        for (int i = 0; i < g.length; i++) {
            double keep = inputs[k][i];
            inputs[k][i] = keep + h;
            double plus = dot(w, c.reference().apply(inputs));
            inputs[k][i] = keep - h;
            double minus = dot(w, c.reference().apply(inputs));
            inputs[k][i] = keep;
            g[i] = (plus - minus) / (2 * h);
        }
        return g;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    static void compare(float[] got, double[] ref, double atol, double rtol, String what) {
        if (got.length != ref.length) {
            Assertions.fail(what + ": " + got.length + " values, expected " + ref.length);
        }
        double worst = 0;
        int at = -1;
        for (int i = 0; i < got.length; i++) {
            double excess = Math.abs(got[i] - ref[i]) - (atol + rtol * Math.abs(ref[i]));
            if (!(excess <= 0) && (at < 0 || excess > worst || Double.isNaN(excess))) {
                worst = excess;
                at = i;
            }
        }
        if (at >= 0) {
            Assertions.fail(String.format("%s: worst at flat index %d: got %.7g, expected %.7g (|diff| %.3g > atol %.1g + "
                    + "rtol %.1g·|ref|)", what, at, got[at], ref[at], Math.abs(got[at] - ref[at]), atol, rtol));
        }
    }
}
