package dev.plumbline.it.parity;

import dev.plumbline.it.parity.ParityCase.Input;
import dev.plumbline.it.parity.ParityCase.Tolerance;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.ops.Fused;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

import static dev.plumbline.it.parity.Reference64.*;

/**
 * The cases every backend runs: each op forward and backward on odd sizes (1, 3, 17, 65, 127)
 * and on non-contiguous views (transposed, step-sliced, expanded). Sizes keep the CPU's
 * float64 finite-difference reference cheap (a few thousand input elements per case).
 */
final class ParityCases {
    private ParityCases() {}

    static int ids(double v) {
        return (int) v;
    }

    static int[] ids(double[] v) {
        int[] o = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = (int) v[i];
        }
        return o;
    }

    private static ParityCase unary(String name, Input in, Function<Tensor, Tensor> op, DoubleUnaryOperator f) {
        return new ParityCase(name, List.of(in), t -> op.apply(t[0]), x -> map(x[0], f), Tolerance.DEFAULT);
    }

    private static ParityCase binary(String name, int[] as, int[] bs, boolean positiveB,
                                     java.util.function.BinaryOperator<Tensor> op, DoubleBinaryOperator f) {
        return new ParityCase(name + " " + java.util.Arrays.toString(as) + "," + java.util.Arrays.toString(bs),
                List.of(Input.normal(as), positiveB ? Input.uniform(0.5, 2, bs) : Input.normal(bs)),
                t -> op.apply(t[0], t[1]), x -> zip(x[0], as, x[1], bs, f), Tolerance.DEFAULT);
    }

    static List<ParityCase> all() {
        List<ParityCase> c = new ArrayList<>();
        // ---- unary, contiguous and through views ----
        c.add(unary("exp [17,65]", Input.normal(17, 65), Tensor::exp, Math::exp));
        c.add(unary("log [127]", Input.uniform(0.2, 3, 127), Tensor::log, Math::log));
        c.add(unary("sqrt [3,17]", Input.uniform(0.2, 3, 3, 17), Tensor::sqrt, Math::sqrt));
        c.add(unary("rsqrt [3,17]", Input.uniform(0.2, 3, 3, 17), Tensor::rsqrt, x -> 1 / Math.sqrt(x)));
        c.add(unary("tanh [1]", Input.normal(1), Tensor::tanh, Math::tanh));
        c.add(unary("sigmoid [65]", Input.normal(65), Tensor::sigmoid, Reference64::sigmoid));
        c.add(unary("gelu [17,3]", Input.normal(17, 3), Tensor::gelu, Reference64::gelu));
        c.add(unary("silu [17,3]", Input.normal(17, 3), Tensor::silu, x -> x * sigmoid(x)));
        c.add(unary("relu [127]", Input.awayFromZero(127), Tensor::relu, x -> Math.max(0, x)));
        c.add(unary("abs [65]", Input.awayFromZero(65), Tensor::abs, Math::abs));
        c.add(unary("pow3 [17]", Input.normal(17), t -> t.pow(3f), x -> x * x * x));
        c.add(unary("affine [17]", Input.normal(17), t -> t.mul(1.5f).add(-2f), x -> 1.5 * x - 2));
        c.add(unary("clamp [65]", Input.uniform(-2, 2, 65), t -> t.clamp(-0.5f, 0.5f),
                x -> Math.min(Math.max(x, -0.5), 0.5)));
        c.add(new ParityCase("tanh of transposed [65,17]ᵀ", List.of(Input.normal(65, 17)), t -> t[0].mT().tanh(),
                x -> map(permute(x[0], new int[] {65, 17}, 1, 0), Math::tanh), Tolerance.DEFAULT));
        c.add(new ParityCase("exp of step slice [17,65][:, 1::3]", List.of(Input.normal(17, 65)),
                t -> t[0].slice(1, 1, 65, 3).exp(),
                x -> map(strided(x[0], new int[] {17, 22}, new int[] {65, 3}, 1), Math::exp), Tolerance.DEFAULT));
        // ---- binary with broadcasting ----
        c.add(binary("add", new int[] {3, 1, 17}, new int[] {5, 1}, false, Tensor::add, Double::sum));
        c.add(binary("sub", new int[] {17}, new int[] {65, 17}, false, Tensor::sub, (a, b) -> a - b));
        c.add(binary("mul", new int[] {1, 65}, new int[] {3, 1}, false, Tensor::mul, (a, b) -> a * b));
        c.add(binary("div", new int[] {17, 3}, new int[] {3}, true, Tensor::div, (a, b) -> a / b));
        c.add(binary("pow", new int[] {17, 3}, new int[] {3}, true, (a, b) -> b.pow(a.mul(0.5f)),
                (a, b) -> Math.pow(b, 0.5 * a)));
        c.add(new ParityCase("maximum/minimum on expanded", List.of(Input.normal(3, 1), Input.normal(1, 17)),
                t -> t[0].expand(3, 17).maximum(t[1]).add(t[0].minimum(t[1])),
                x -> {
                    double[] a = expand(x[0], new int[] {3, 1}, new int[] {3, 17});
                    double[] b = expand(x[1], new int[] {1, 17}, new int[] {3, 17});
                    double[] o = new double[a.length];
                    for (int i = 0; i < o.length; i++) {
                        o[i] = Math.max(a[i], b[i]) + 2 * Math.min(a[i], b[i]) - Math.min(a[i], b[i]);
                    }
                    return o;
                }, Tolerance.DEFAULT));
        c.add(new ParityCase("where [17,3]", List.of(Input.normal(17, 3), Input.normal(3)),
                t -> Tensor.where(t[0].gt(0f), t[0], t[1]),
                x -> zip(x[0], new int[] {17, 3}, x[1], new int[] {3}, (a, b) -> a > 0 ? a : b), Tolerance.DEFAULT));
        // ---- reductions ----
        c.add(new ParityCase("sum dims [0,2] of [5,17,3]", List.of(Input.normal(5, 17, 3)),
                t -> t[0].sum(new int[] {0, 2}, false), x -> reduce(x[0], new int[] {5, 17, 3}, new int[] {0, 2}, Red.SUM),
                Tolerance.DEFAULT));
        c.add(new ParityCase("mean dim 1 of permuted [5,17,3]→[3,5,17]", List.of(Input.normal(5, 17, 3)),
                t -> t[0].permute(2, 0, 1).mean(2, true),
                x -> map(reduce(permute(x[0], new int[] {5, 17, 3}, 2, 0, 1), new int[] {3, 5, 17}, new int[] {2}, Red.SUM),
                        v -> v / 17), Tolerance.DEFAULT));
        c.add(new ParityCase("max dim 1 [3,127]", List.of(Input.normal(3, 127)), t -> t[0].max(1, false),
                x -> reduce(x[0], new int[] {3, 127}, new int[] {1}, Red.MAX), Tolerance.DEFAULT));
        c.add(new ParityCase("logsumexp dim -1 [17,65]", List.of(Input.normal(17, 65)), t -> t[0].logsumexp(-1, false),
                x -> {
                    double[] o = new double[17];
                    for (int r = 0; r < 17; r++) {
                        o[r] = logSumExp(x[0], r * 65, 65);
                    }
                    return o;
                }, Tolerance.DEFAULT));
        c.add(new ParityCase("var unbiased dim 0 [17,3]", List.of(Input.normal(17, 3)), t -> t[0].var(0, true, false),
                x -> {
                    double[] m = map(reduce(x[0], new int[] {17, 3}, new int[] {0}, Red.SUM), v -> v / 17);
                    double[] d = zip(x[0], new int[] {17, 3}, m, new int[] {3}, (a, b) -> (a - b) * (a - b));
                    return map(reduce(d, new int[] {17, 3}, new int[] {0}, Red.SUM), v -> v / 16);
                }, Tolerance.DEFAULT));
        // ---- matmul ----
        c.add(new ParityCase("matmul [17,65]@[65,3]", List.of(Input.normal(17, 65), Input.normal(65, 3)),
                t -> t[0].matmul(t[1]), x -> matmul(x[0], new int[] {17, 65}, x[1], new int[] {65, 3}),
                Tolerance.ACCUMULATING));
        c.add(new ParityCase("matmul batched broadcast [2,1,5,7]@[3,7,3]", List.of(Input.normal(2, 1, 5, 7),
                Input.normal(3, 7, 3)), t -> t[0].matmul(t[1]),
                x -> matmul(x[0], new int[] {2, 1, 5, 7}, x[1], new int[] {3, 7, 3}), Tolerance.ACCUMULATING));
        c.add(new ParityCase("matmul transposed operands [65,17]ᵀ@[3,65]ᵀ", List.of(Input.normal(65, 17),
                Input.normal(3, 65)), t -> t[0].mT().matmul(t[1].mT()),
                x -> matmul(permute(x[0], new int[] {65, 17}, 1, 0), new int[] {17, 65}, permute(x[1], new int[] {3, 65}, 1, 0),
                        new int[] {65, 3}), Tolerance.ACCUMULATING));
        c.add(new ParityCase("linear [3,5,17]·[7,17]ᵀ+b", List.of(Input.normal(3, 5, 17), Input.normal(7, 17), Input.normal(7)),
                t -> t[0].linear(t[1], t[2]),
                x -> zip(matmul(x[0], new int[] {15, 17}, permute(x[1], new int[] {7, 17}, 1, 0), new int[] {17, 7}),
                        new int[] {15, 7}, x[2], new int[] {7}, Double::sum), Tolerance.ACCUMULATING));
        // ---- fused ----
        c.add(new ParityCase("softmax [5,127]", List.of(Input.normal(5, 127)), t -> t[0].mul(3f).softmax(),
                x -> softmaxRows(map(x[0], v -> 3 * v), 127, false), Tolerance.DEFAULT));
        c.add(new ParityCase("logSoftmax dim 0 [65,3]", List.of(Input.normal(65, 3)), t -> t[0].logSoftmax(0),
                x -> permute(softmaxRows(permute(x[0], new int[] {65, 3}, 1, 0), 65, true), new int[] {3, 65}, 1, 0),
                Tolerance.DEFAULT));
        c.add(new ParityCase("crossEntropy [17,13] ignore -100", List.of(Input.normal(17, 13), Input.ints(13, 17)),
                t -> t[0].crossEntropy(withIgnored(t[1])), x -> {
                    int[] tg = ids(x[1]);
                    tg[3] = -100;
                    tg[11] = -100;
                    return new double[] {crossEntropy(x[0], 13, tg, -100)};
                }, Tolerance.DEFAULT));
        c.add(new ParityCase("gatherLogProbs [3,5,65]", List.of(Input.normal(3, 5, 65), Input.ints(65, 3, 5)),
                t -> t[0].gatherLogProbs(t[1]), x -> {
                    double[] ls = softmaxRows(x[0], 65, true);
                    double[] o = new double[15];
                    for (int i = 0; i < 15; i++) {
                        o[i] = ls[i * 65 + ids(x[1][i])];
                    }
                    return o;
                }, Tolerance.DEFAULT));
        c.add(new ParityCase("layerNorm affine [5,65]", List.of(Input.normal(5, 65), Input.normal(65), Input.normal(65)),
                t -> t[0].layerNorm(t[1], t[2], 1e-5f), x -> layerNorm(x[0], 65, x[1], x[2], 1e-5), Tolerance.ACCUMULATING));
        c.add(new ParityCase("layerNorm plain of transposed [17,3]ᵀ", List.of(Input.normal(17, 3)),
                t -> t[0].mT().layerNorm(null, null, 1e-5f), x -> layerNorm(permute(x[0], new int[] {17, 3}, 1, 0), 17, null,
                null, 1e-5), Tolerance.ACCUMULATING));
        c.add(attention("attention causal Tq<Tk + key mask", 2, 2, 3, 7, 5, true, true));
        c.add(attention("attention full", 1, 3, 5, 5, 17, false, false));
        c.add(new ParityCase("embedding repeated ids [17,7]", List.of(Input.normal(17, 7), Input.ints(5, 3, 11)),
                t -> t[0].embedding(t[1]), x -> {
                    double[] o = new double[33 * 7];
                    for (int i = 0; i < 33; i++) {
                        System.arraycopy(x[0], ids(x[1][i]) * 7, o, i * 7, 7);
                    }
                    return o;
                }, Tolerance.DEFAULT));
        c.add(new ParityCase("gather last dim [3,17]→[3,5]", List.of(Input.normal(3, 17), Input.ints(17, 3, 5)),
                t -> t[0].gather(t[1]), x -> {
                    double[] o = new double[15];
                    for (int i = 0; i < 15; i++) {
                        o[i] = x[0][(i / 5) * 17 + ids(x[1][i])];
                    }
                    return o;
                }, Tolerance.DEFAULT));
        // ---- views ----
        c.add(new ParityCase("cat of transposed + sliced", List.of(Input.normal(3, 17), Input.normal(5, 17)),
                t -> Tensor.cat(List.of(t[0].mT(), t[1].slice(0, 0, 5, 2).mT()), 1).tanh(), x -> {
                    double[] a = permute(x[0], new int[] {3, 17}, 1, 0);
                    double[] b = strided(x[1], new int[] {17, 3}, new int[] {1, 34}, 0);
                    double[] o = new double[17 * 6];
                    for (int i = 0; i < 17; i++) {
                        for (int j = 0; j < 6; j++) {
                            o[i * 6 + j] = Math.tanh(j < 3 ? a[i * 3 + j] : b[i * 3 + j - 3]);
                        }
                    }
                    return o;
                }, Tolerance.DEFAULT));
        c.add(new ParityCase("stack + expand + reshape", List.of(Input.normal(1, 17), Input.normal(3, 17)),
                t -> Tensor.stack(List.of(t[0].expand(3, 17), t[1]), 0).reshape(2, 51).mul(t[1].reshape(51)),
                x -> {
                    double[] a = expand(x[0], new int[] {1, 17}, new int[] {3, 17});
                    double[] o = new double[102];
                    for (int i = 0; i < 51; i++) {
                        o[i] = a[i] * x[1][i];
                        o[51 + i] = x[1][i] * x[1][i];
                    }
                    return o;
                }, Tolerance.DEFAULT));
        return c;
    }

    /** Targets with rows 3 and 11 set to the ignore index. */
    static Tensor withIgnored(Tensor ids) {
        int[] t = ids.toIntArray();
        t[3] = -100;
        t[11] = -100;
        return Tensor.fromArray(ids.device(), t, ids.shape());
    }

    private static ParityCase attention(String name, int bsz, int h, int tq, int tk, int d, boolean causal, boolean masked) {
        float scale = (float) (1 / Math.sqrt(d));
        double[] mask = new double[bsz * tk];
        java.util.Arrays.fill(mask, 1);
        if (masked) {
            mask[0] = 0;
            mask[tk + 2] = 0;
        }
        List<Input> in = List.of(Input.normal(bsz, tq, h, d), Input.normal(bsz, h, tk, d), Input.normal(bsz, h, tk, d));
        return new ParityCase(name + " B" + bsz + " H" + h + " Tq" + tq + " Tk" + tk + " D" + d, in, t -> {
            Tensor m = masked ? Tensor.fromArray(t[0].device(), toFloats(mask), bsz, tk) : null;
            // q arrives (B, T, H, D) and is permuted, as a transformer produces it
            return Fused.attention(t[0].permute(0, 2, 1, 3), t[1], t[2], m, causal, scale);
        }, x -> Reference64.attention(permute(x[0], new int[] {bsz, tq, h, d}, 0, 2, 1, 3), x[1], x[2], masked ? mask : null, causal,
                scale, bsz, h, tq, tk, d), Tolerance.ACCUMULATING);
    }

    static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
