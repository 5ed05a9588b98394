package dev.plumbline.tensor;

import dev.plumbline.tensor.autograd.GradCheck;
import dev.plumbline.testing.TestSeeds;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

/**
 * Float64 reference implementations on host arrays (row-major {@code double[]} + shape), written
 * independently of the engine so tests never check the code under test against itself; plus
 * seeded random inputs whose seed appears in every failure message.
 *
 * <pre>{@code
 * Ref r = Ref.fresh();                         // seed from the calling test's name (TestSeeds)
 * double[] a = r.normal(12);
 * Tensor t = Ref.tensor(a, 3, 4);
 * r.assertClose(t.exp().toFloatArray(), Ref.map(a, Math::exp), 1e-6, 1e-5, "exp");
 * }</pre>
 */
final class Ref {
    final String name;
    final long seed;
    final SplittableRandom rng;

    private Ref(String name) {
        this.name = name;
        this.seed = TestSeeds.seed(name);
        this.rng = new SplittableRandom(seed);
    }

    /**
     * Inputs seeded from the calling method's name, {@code "ClassName.method"} (TestSeeds: the same
     * every run unless {@code -Dplumbline.test.seed} says otherwise); the seed is in failure messages.
     */
    static Ref fresh() {
        StackWalker.StackFrame caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.skip(1).findFirst()).orElseThrow();
        return new Ref(caller.getDeclaringClass().getSimpleName() + "." + caller.getMethodName());
    }

    /** The seed, its name and how to replay it, for failure messages. */
    String seedInfo() {
        return TestSeeds.describe(name);
    }

    // ---- random inputs ----------------------------------------------------------------------------

    /** n standard-normal values. */
    double[] normal(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            // Box–Muller on SplittableRandom: independent of the engine's Philox
            double u1 = 1 - rng.nextDouble(), u2 = rng.nextDouble();
            v[i] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return v;
    }

    /** n values uniform in [lo, hi). */
    double[] uniform(int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        return v;
    }

    /** n normal values pushed at least {@code gap} away from zero (for kinks: relu, abs, clamp). */
    double[] awayFromZero(int n, double gap) {
        double[] v = normal(n);
        for (int i = 0; i < n; i++) {
            v[i] = (float) (v[i] >= 0 ? v[i] + gap : v[i] - gap);
        }
        return v;
    }

    /** n ints in [0, bound). */
    int[] ints(int n, int bound) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextInt(bound);
        }
        return v;
    }

    /** A CPU tensor of fresh normal values. */
    Tensor randn(int... shape) {
        return tensor(normal((int) Shape.numel(shape)), shape);
    }

    // ---- host <-> tensor --------------------------------------------------------------------------

    static Tensor tensor(double[] v, int... shape) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return Tensor.fromArray(f, shape);
    }

    static double[] host(Tensor t) {
        float[] f = t.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    // ---- indexing -----------------------------------------------------------------------------------

    static int numel(int[] shape) {
        return (int) Shape.numel(shape);
    }

    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    static int ravel(int[] idx, int[] shape) {
        int f = 0;
        for (int d = 0; d < shape.length; d++) {
            f = f * shape[d] + idx[d];
        }
        return f;
    }

    /** NumPy broadcast of two shapes (null when they do not broadcast). */
    static int[] broadcast(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
            int db = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                return null;
            }
            out[i] = Math.max(da, db) == 1 ? 1 : (da == 1 ? db : da);
        }
        return out;
    }

    /** Element of a (shape as) read at an index of the broadcast output shape. */
    static double readBroadcast(double[] a, int[] as, int[] outIdx) {
        int lead = outIdx.length - as.length;
        int f = 0;
        for (int d = 0; d < as.length; d++) {
            f = f * as[d] + (as[d] == 1 ? 0 : outIdx[d + lead]);
        }
        return a[f];
    }

    // ---- elementwise --------------------------------------------------------------------------------

    static double[] map(double[] a, DoubleUnaryOperator f) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = f.applyAsDouble(a[i]);
        }
        return o;
    }

    static double[] zip(double[] a, int[] as, double[] b, int[] bs, DoubleBinaryOperator f) {
        int[] os = broadcast(as, bs);
        double[] o = new double[numel(os)];
        for (int i = 0; i < o.length; i++) {
            int[] idx = unravel(i, os);
            o[i] = f.applyAsDouble(readBroadcast(a, as, idx), readBroadcast(b, bs, idx));
        }
        return o;
    }

    static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    // ---- reductions ---------------------------------------------------------------------------------

    /** Kinds of reduction the reference knows. */
    enum Red { SUM, MAX, MIN }

    /** Reduction over dims; result in keep-dim layout (same row-major order as the squeezed one). */
    static double[] reduce(double[] a, int[] shape, int[] dims, Red op) {
        int[] kept = shape.clone();
        for (int d : dims) {
            kept[d] = 1;
        }
        double[] o = new double[numel(kept)];
        Arrays.fill(o, op == Red.SUM ? 0 : op == Red.MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        for (int i = 0; i < a.length; i++) {
            int[] idx = unravel(i, shape);
            for (int d : dims) {
                idx[d] = 0;
            }
            int j = ravel(idx, kept);
            o[j] = op == Red.SUM ? o[j] + a[i] : op == Red.MAX ? Math.max(o[j], a[i]) : Math.min(o[j], a[i]);
        }
        return o;
    }

    static int[] keptShape(int[] shape, int[] dims) {
        int[] k = shape.clone();
        for (int d : dims) {
            k[d] = 1;
        }
        return k;
    }

    // ---- matmul -------------------------------------------------------------------------------------

    /** Batched a (..., M, K) @ b (..., K, N) with broadcast batch dims (both rank ≥ 2). */
    static double[] matmul(double[] a, int[] as, double[] b, int[] bs) {
        int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
        int[] ab = Arrays.copyOf(as, as.length - 2), bb = Arrays.copyOf(bs, bs.length - 2);
        int[] batch = broadcast(ab, bb);
        int nb = numel(batch);
        double[] o = new double[nb * m * n];
        for (int bi = 0; bi < nb; bi++) {
            int[] idx = unravel(bi, batch);
            int ao = batchOffset(ab, idx) * m * k, bo = batchOffset(bb, idx) * k * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += a[ao + i * k + p] * b[bo + p * n + j];
                    }
                    o[bi * m * n + i * n + j] = s;
                }
            }
        }
        return o;
    }

    private static int batchOffset(int[] s, int[] outIdx) {
        int lead = outIdx.length - s.length, f = 0;
        for (int d = 0; d < s.length; d++) {
            f = f * s[d] + (s[d] == 1 ? 0 : outIdx[d + lead]);
        }
        return f;
    }

    /** Row-major transpose-like permutation of a contiguous host array. */
    static double[] permute(double[] a, int[] shape, int... perm) {
        int[] os = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            os[i] = shape[perm[i]];
        }
        double[] o = new double[a.length];
        for (int i = 0; i < o.length; i++) {
            int[] oi = unravel(i, os);
            int[] si = new int[shape.length];
            for (int d = 0; d < perm.length; d++) {
                si[perm[d]] = oi[d];
            }
            o[i] = a[ravel(si, shape)];
        }
        return o;
    }

    // ---- fused --------------------------------------------------------------------------------------

    /** Softmax (or log-softmax) of each row of length v. */
    static double[] softmaxRows(double[] x, int v, boolean log) {
        double[] o = new double[x.length];
        for (int r = 0; r < x.length / v; r++) {
            double lse = logSumExp(x, r * v, v);
            for (int j = 0; j < v; j++) {
                o[r * v + j] = log ? x[r * v + j] - lse : Math.exp(x[r * v + j] - lse);
            }
        }
        return o;
    }

    static double logSumExp(double[] x, int from, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            m = Math.max(m, x[from + j]);
        }
        if (m == Double.NEGATIVE_INFINITY) {
            return m;
        }
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += Math.exp(x[from + j] - m);
        }
        return m + Math.log(s);
    }

    /** Mean cross-entropy over rows whose target is not ignoreIndex (0 when none). */
    static double crossEntropy(double[] logits, int v, int[] targets, int ignoreIndex) {
        double sum = 0;
        int count = 0;
        for (int r = 0; r < targets.length; r++) {
            if (targets[r] == ignoreIndex) {
                continue;
            }
            sum += logSumExp(logits, r * v, v) - logits[r * v + targets[r]];
            count++;
        }
        return count == 0 ? 0 : sum / count;
    }

    /** LayerNorm over rows of length c (biased variance); w, b may be null. */
    static double[] layerNorm(double[] x, int c, double[] w, double[] b, double eps) {
        double[] o = new double[x.length];
        for (int r = 0; r < x.length / c; r++) {
            double mean = 0, var = 0;
            for (int j = 0; j < c; j++) {
                mean += x[r * c + j];
            }
            mean /= c;
            for (int j = 0; j < c; j++) {
                var += (x[r * c + j] - mean) * (x[r * c + j] - mean);
            }
            var /= c;
            for (int j = 0; j < c; j++) {
                double y = (x[r * c + j] - mean) / Math.sqrt(var + eps);
                o[r * c + j] = y * (w == null ? 1 : w[j]) + (b == null ? 0 : b[j]);
            }
        }
        return o;
    }

    /**
     * Attention by the definition: softmax over visible keys of q·k·scale, times v. q (B,H,Tq,D),
     * k, v (B,H,Tk,D), mask (B,Tk) 1/0 or null; causal query i sits at position Tk−Tq+i. Rows that
     * see no key give zeros.
     */
    static double[] attention(double[] q, double[] k, double[] v, double[] mask, boolean causal, double scale,
                              int bsz, int h, int tq, int tk, int d) {
        double[] o = new double[bsz * h * tq * d];
        for (int b = 0; b < bsz; b++) {
            for (int hh = 0; hh < h; hh++) {
                int bh = b * h + hh;
                for (int i = 0; i < tq; i++) {
                    double[] s = new double[tk];
                    boolean[] vis = new boolean[tk];
                    double m = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < tk; j++) {
                        vis[j] = (!causal || j <= tk - tq + i) && (mask == null || mask[b * tk + j] != 0);
                        if (vis[j]) {
                            double dot = 0;
                            for (int e = 0; e < d; e++) {
                                dot += q[(bh * tq + i) * d + e] * k[(bh * tk + j) * d + e];
                            }
                            s[j] = dot * scale;
                            m = Math.max(m, s[j]);
                        }
                    }
                    if (m == Double.NEGATIVE_INFINITY) {
                        continue;
                    }
                    double z = 0;
                    for (int j = 0; j < tk; j++) {
                        if (vis[j]) {
                            z += Math.exp(s[j] - m);
                        }
                    }
                    for (int j = 0; j < tk; j++) {
                        if (vis[j]) {
                            double p = Math.exp(s[j] - m) / z;
                            for (int e = 0; e < d; e++) {
                                o[(bh * tq + i) * d + e] += p * v[(bh * tk + j) * d + e];
                            }
                        }
                    }
                }
            }
        }
        return o;
    }

    // ---- assertions ---------------------------------------------------------------------------------

    /** |actual − expected| ≤ atol + rtol·|expected| elementwise; the message names the seed and index. */
    void assertClose(float[] actual, double[] expected, double atol, double rtol, String what) {
        assertClose(seedInfo(), actual, expected, atol, rtol, what);
    }

    static void assertClose(String seedInfo, float[] actual, double[] expected, double atol, double rtol, String what) {
        if (actual.length != expected.length) {
            throw new AssertionError(what + ": " + actual.length + " values, expected " + expected.length + " ("
                    + seedInfo + ")");
        }
        for (int i = 0; i < actual.length; i++) {
            double diff = Math.abs(actual[i] - expected[i]);
            boolean bothNaN = Double.isNaN(actual[i]) && Double.isNaN(expected[i]);
            boolean sameInf = Double.isInfinite(expected[i]) && actual[i] == expected[i];
            if (!(diff <= atol + rtol * Math.abs(expected[i])) && !bothNaN && !sameInf) {
                throw new AssertionError(String.format("%s: at flat index %d got %.7g, expected %.7g (|diff| %.3g > "
                        + "atol %.1g + rtol %.1g·|ref|) (%s)", what, i, actual[i], expected[i], diff, atol, rtol, seedInfo));
            }
        }
    }

    /** GradCheck with the seed added to any failure. */
    void gradCheck(String what, Function<Tensor[], Tensor> f, Tensor... inputs) {
        try {
            GradCheck.check(f, inputs);
        } catch (AssertionError e) {
            throw new AssertionError(what + ": " + e.getMessage() + " (" + seedInfo() + ")", e);
        }
    }

    /** Marks tensors as requiring grad and returns them. */
    static Tensor[] leaves(Tensor... ts) {
        for (Tensor t : ts) {
            t.requiresGrad(true);
        }
        return ts;
    }
}
