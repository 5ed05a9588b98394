package dev.plumbline.tensor;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Elementwise ops: forward against float64 on host arrays (contiguous, transposed, step-sliced
 * and broadcast inputs), backward by finite differences (GradCheck), for every op.
 */
class ElementwiseTest {

    /** One unary op: engine call, float64 reference, input domain (kept away from kinks). */
    record Unary(String name, Function<Tensor, Tensor> op, DoubleUnaryOperator ref, IntFunction<double[]> domain) {}

    static List<Unary> unaries(Ref r) {
        IntFunction<double[]> normal = r::normal;
        IntFunction<double[]> positive = n -> r.uniform(n, 0.3, 3);
        IntFunction<double[]> kinked = n -> r.awayFromZero(n, 0.05);
        return List.of(
                new Unary("neg", Tensor::neg, x -> -x, normal),
                new Unary("exp", Tensor::exp, Math::exp, normal),
                new Unary("log", Tensor::log, Math::log, positive),
                new Unary("sqrt", Tensor::sqrt, Math::sqrt, positive),
                new Unary("rsqrt", Tensor::rsqrt, x -> 1 / Math.sqrt(x), positive),
                new Unary("pow3", t -> t.pow(3f), x -> x * x * x, normal),
                new Unary("pow0.5", t -> t.pow(0.5f), Math::sqrt, positive),
                new Unary("pow2", t -> t.pow(2f), x -> x * x, normal),
                new Unary("square", Tensor::square, x -> x * x, normal),
                new Unary("abs", Tensor::abs, Math::abs, kinked),
                new Unary("tanh", Tensor::tanh, Math::tanh, normal),
                new Unary("sigmoid", Tensor::sigmoid, Ref::sigmoid, normal),
                new Unary("relu", Tensor::relu, x -> Math.max(x, 0), kinked),
                new Unary("gelu", Tensor::gelu, Ref::gelu, normal),
                new Unary("silu", Tensor::silu, x -> x * Ref.sigmoid(x), normal),
                new Unary("clamp", t -> t.clamp(-0.5f, 0.7f), x -> Math.min(Math.max(x, -0.5), 0.7),
                        n -> Ref.map(r.normal(n), x -> Math.abs(x + 0.5) < 0.05 || Math.abs(x - 0.7) < 0.05 ? x + 0.2 : x)),
                new Unary("clampMin", t -> t.clampMin(0.25f), x -> Math.max(x, 0.25),
                        n -> Ref.map(r.normal(n), x -> Math.abs(x - 0.25) < 0.05 ? x + 0.2 : x)),
                new Unary("addScalar", t -> t.add(1.5f), x -> x + 1.5, normal),
                new Unary("subScalar", t -> t.sub(0.25f), x -> x - 0.25, normal),
                new Unary("mulScalar", t -> t.mul(-3f), x -> -3 * x, normal),
                new Unary("divScalar", t -> t.div(4f), x -> x / 4, normal));
    }

    @TestFactory
    Stream<DynamicTest> unaryForwardAndBackward() {
        Ref r = Ref.fresh();
        return unaries(r).stream().map(u -> DynamicTest.dynamicTest(u.name(), () -> {
            // contiguous
            double[] a = u.domain().apply(15);
            r.assertClose(u.op().apply(Ref.tensor(a, 3, 5)).toFloatArray(), Ref.map(a, u.ref()), 1e-6, 1e-5,
                    u.name() + " contiguous");
            // transposed (non-contiguous) input: out[i, j] = f(a[j, i])
            Tensor t = Ref.tensor(a, 3, 5).transpose(0, 1);
            assertFalse(t.isContiguous());
            r.assertClose(u.op().apply(t).toFloatArray(), Ref.map(Ref.permute(a, new int[] {3, 5}, 1, 0), u.ref()),
                    1e-6, 1e-5, u.name() + " transposed");
            // every other column: stride 2
            double[] b = u.domain().apply(24);
            Tensor s = Ref.tensor(b, 4, 6).slice(1, 1, 6, 2);
            double[] sref = new double[12];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 3; j++) {
                    sref[i * 3 + j] = u.ref().applyAsDouble(b[i * 6 + 1 + 2 * j]);
                }
            }
            r.assertClose(u.op().apply(s).toFloatArray(), sref, 1e-6, 1e-5, u.name() + " step-sliced");
            // gradients: plain and through a transposed view
            r.gradCheck(u.name(), in -> u.op().apply(in[0]), Ref.leaves(Ref.tensor(u.domain().apply(6), 2, 3)));
            r.gradCheck(u.name() + " transposed", in -> u.op().apply(in[0].mT()),
                    Ref.leaves(Ref.tensor(u.domain().apply(6), 2, 3)));
        }));
    }

    /**
     * GELU and its gradient on the CPU's SIMD path (contiguous input, long enough for vector bodies
     * and a tail) over [−20, 20] and the special values, against the float64 formula: within 2e-6
     * absolute + 1e-5 relative, ±∞ and NaN as the formula gives them.
     */
    @Test
    void geluAndItsGradientMatchFloat64OverTheWholeRange() {
        int n = 40_003;
        float[] x = new float[n + 6];
        for (int i = 0; i < n; i++) {
            x[i] = -20f + 40f * i / (n - 1);
        }
        float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-30f};
        System.arraycopy(special, 0, x, n, special.length);
        Tensor t = Tensor.fromArray(x, x.length).requiresGrad(true);
        Tensor y = t.gelu();
        y.sum().backward();
        float[] fy = y.toFloatArray(), gy = t.grad().toFloatArray();
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            // the formulas evaluated literally in float64: ±∞ give what IEEE gives (∞·0 = NaN)
            double c = Math.sqrt(2 / Math.PI), u = c * (v + 0.044715 * v * v * v), th = Math.tanh(u);
            double yr = Ref.gelu(v);
            double gr = 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * c * (1 + 3 * 0.044715 * v * v);
            for (double[] pair : new double[][] {{fy[i], yr}, {gy[i], gr}}) {
                String what = "x = " + x[i] + ": got " + pair[0] + ", float64 " + pair[1];
                if (Double.isNaN(pair[1])) {
                    assertTrue(Double.isNaN(pair[0]), what);
                } else if (Double.isInfinite(pair[1])) {
                    assertEquals(pair[1], pair[0], what);
                } else {
                    assertEquals(pair[1], pair[0], 2e-6 + 1e-5 * Math.abs(pair[1]), what);
                }
            }
        }
    }

    /** One binary op with broadcasting. */
    record Binary(String name, java.util.function.BinaryOperator<Tensor> op, DoubleBinaryOperator ref, boolean positiveB,
                  boolean separated) {}

    static List<Binary> binaries() {
        return List.of(
                new Binary("add", Tensor::add, Double::sum, false, false),
                new Binary("sub", Tensor::sub, (x, y) -> x - y, false, false),
                new Binary("mul", Tensor::mul, (x, y) -> x * y, false, false),
                new Binary("div", Tensor::div, (x, y) -> x / y, true, false),
                new Binary("maximum", Tensor::maximum, Math::max, false, true),
                new Binary("minimum", Tensor::minimum, Math::min, false, true));
    }

    /** Shape pairs that broadcast: trailing, leading, both sides, scalar. */
    static final int[][][] BROADCAST_SHAPES = {
            {{3, 4}, {3, 4}}, {{2, 3, 4}, {4}}, {{3, 1}, {1, 5}}, {{2, 1, 5}, {3, 1}}, {{4}, {}}, {{1}, {2, 3}}};

    @TestFactory
    Stream<DynamicTest> binaryBroadcastForwardAndBackward() {
        Ref r = Ref.fresh();
        return binaries().stream().flatMap(bop -> Stream.of(BROADCAST_SHAPES).map(sh -> DynamicTest.dynamicTest(
                bop.name() + " " + Shape.str(sh[0]) + " " + Shape.str(sh[1]), () -> {
                    int[] as = sh[0], bs = sh[1];
                    double[] a = r.normal(Ref.numel(as));
                    double[] b = bop.positiveB() ? r.uniform(Ref.numel(bs), 0.5, 2) : r.normal(Ref.numel(bs));
                    if (bop.separated()) {
                        // keep every pair ≥ 0.1 apart so the finite difference does not cross a tie
                        b = Ref.map(b, y -> Math.round(y * 5) / 5.0 + 0.1);
                        a = Ref.map(a, x -> Math.round(x * 5) / 5.0);
                    }
                    Tensor ta = Ref.tensor(a, as), tb = Ref.tensor(b, bs);
                    Tensor out = bop.op().apply(ta, tb);
                    assertArrayEquals(Ref.broadcast(as, bs), out.shape());
                    r.assertClose(out.toFloatArray(), Ref.zip(a, as, b, bs, bop.ref()), 1e-6, 1e-6, bop.name());
                    r.gradCheck(bop.name(), in -> bop.op().apply(in[0], in[1]), Ref.leaves(ta, tb));
                })));
    }

    @Test
    void binaryOnNonContiguousAndExpandedInputs() {
        Ref r = Ref.fresh();
        double[] a = r.normal(12), b = r.normal(4);
        // a viewed transposed (4, 3), b expanded explicitly to (4, 3) with stride 0
        Tensor ta = Ref.tensor(a, 3, 4).transpose(0, 1);
        Tensor tb = Ref.tensor(b, 4, 1).expand(4, 3);
        double[] at = Ref.permute(a, new int[] {3, 4}, 1, 0);
        r.assertClose(ta.mul(tb).toFloatArray(), Ref.zip(at, new int[] {4, 3}, b, new int[] {4, 1}, (x, y) -> x * y),
                1e-6, 1e-6, "mul transposed × expanded");
        r.gradCheck("mul transposed × expanded", in -> in[0].transpose(0, 1).mul(in[1].expand(4, 3)),
                Ref.leaves(Ref.tensor(a, 3, 4), Ref.tensor(b, 4, 1)));
        r.gradCheck("add step-sliced", in -> in[0].slice(1, 0, 6, 2).add(in[1]),
                Ref.leaves(r.randn(2, 6), r.randn(3)));
    }

    @Test
    void powWithTensorExponent() {
        Ref r = Ref.fresh();
        double[] x = r.uniform(6, 0.5, 2), y = r.uniform(3, -1.5, 2);
        int[] xs = {2, 3}, ys = {3};
        r.assertClose(Ref.tensor(x, xs).pow(Ref.tensor(y, ys)).toFloatArray(), Ref.zip(x, xs, y, ys, Math::pow), 1e-6, 1e-5,
                "pow(tensor)");
        r.gradCheck("pow(tensor)", in -> in[0].pow(in[1]), Ref.leaves(Ref.tensor(x, xs), Ref.tensor(y, ys)));
    }

    @Test
    void maximumAndMinimumSplitTiesEvenly() {
        Tensor a = Tensor.fromArray(new float[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor b = Tensor.fromArray(new float[] {1, 5, 0}, 3).requiresGrad(true);
        a.maximum(b).sum().backward();
        assertArrayEquals(new float[] {0.5f, 0, 1}, a.grad().toFloatArray());
        assertArrayEquals(new float[] {0.5f, 1, 0}, b.grad().toFloatArray());
        a.setGrad(null);
        b.setGrad(null);
        a.minimum(b).sum().backward();
        assertArrayEquals(new float[] {0.5f, 1, 0}, a.grad().toFloatArray());
        assertArrayEquals(new float[] {0.5f, 0, 1}, b.grad().toFloatArray());
    }

    @Test
    void whereSelectsAndRoutesGradients() {
        Ref r = Ref.fresh();
        int[] cs = {3, 1}, as = {3, 4}, bs = {4};
        double[] c = {1, 0, 1};
        double[] a = r.normal(12), b = r.normal(4);
        double[] expected = new double[12];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                expected[i * 4 + j] = c[i] != 0 ? a[i * 4 + j] : b[j];
            }
        }
        Tensor cond = Ref.tensor(c, cs);
        r.assertClose(Tensor.where(cond, Ref.tensor(a, as), Ref.tensor(b, bs)).toFloatArray(), expected, 0, 0, "where");
        // I32 condition works the same
        Tensor icond = Tensor.fromArray(new int[] {1, 0, 1}, 3, 1);
        r.assertClose(Tensor.where(icond, Ref.tensor(a, as), Ref.tensor(b, bs)).toFloatArray(), expected, 0, 0,
                "where (I32 cond)");
        r.gradCheck("where", in -> Tensor.where(cond, in[0], in[1]), Ref.leaves(Ref.tensor(a, as), Ref.tensor(b, bs)));
    }

    @Test
    void comparisonsGiveZeroOneMasks() {
        Tensor a = Tensor.fromArray(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.fromArray(new float[] {2, 2}, 2);
        assertArrayEquals(new float[] {0, 1, 0, 0}, a.eq(b).toFloatArray());
        assertArrayEquals(new float[] {1, 0, 1, 1}, a.ne(b).toFloatArray());
        assertArrayEquals(new float[] {1, 0, 0, 0}, a.lt(b).toFloatArray());
        assertArrayEquals(new float[] {1, 1, 0, 0}, a.le(b).toFloatArray());
        assertArrayEquals(new float[] {0, 0, 1, 1}, a.gt(b).toFloatArray());
        assertArrayEquals(new float[] {0, 1, 1, 1}, a.ge(b).toFloatArray());
        assertArrayEquals(new float[] {0, 0, 1, 1}, a.gt(2.5f).toFloatArray());
        Tensor nf = Tensor.fromArray(new float[] {1, Float.NaN, Float.POSITIVE_INFINITY, -1}, 4).isNonFinite();
        assertArrayEquals(new float[] {0, 1, 1, 0}, nf.toFloatArray());
    }

    @Test
    void intArithmeticStaysIntAndMixedPromotes() {
        Tensor i = Tensor.fromArray(new int[] {1, 2, 3}, 3);
        Tensor s = i.add(Tensor.fromArray(new int[] {10, 20, 30}, 3));
        assertEquals(DType.I32, s.dtype());
        assertArrayEquals(new int[] {11, 22, 33}, s.toIntArray());
        Tensor m = i.add(Tensor.fromArray(new float[] {0.5f, 0.5f, 0.5f}, 3));
        assertEquals(DType.F32, m.dtype());
        assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f}, m.toFloatArray());
        Tensor d = i.div(Tensor.fromArray(new int[] {2, 2, 2}, 3));
        assertEquals(DType.F32, d.dtype());
        assertArrayEquals(new float[] {0.5f, 1f, 1.5f}, d.toFloatArray());
    }
}
