package dev.plumbline.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Reductions over any set of dims, with and without keepDim, against float64; their gradients. */
class ReductionsTest {
    static final int[] SHAPE = {3, 5, 4};
    static final int[][] DIM_SETS = {{0}, {1}, {2}, {0, 2}, {1, 2}, {0, 1, 2}, {-1}};

    static int[] norm(int[] dims) {
        int[] d = dims.clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] < 0 ? d[i] + SHAPE.length : d[i];
        }
        return d;
    }

    static int[] squeezed(int[] dims) {
        int[] k = Ref.keptShape(SHAPE, norm(dims));
        return java.util.Arrays.stream(java.util.stream.IntStream.range(0, SHAPE.length).toArray())
                .filter(i -> java.util.Arrays.stream(norm(dims)).noneMatch(d -> d == i)).map(i -> k[i]).toArray();
    }

    @Test
    void sumMeanMaxMinOverDimSets() {
        Ref r = Ref.fresh();
        double[] a = r.normal(60);
        for (int[] dims : DIM_SETS) {
            Tensor t = Ref.tensor(a, SHAPE);
            String at = " over " + Shape.str(dims);
            double[] sum = Ref.reduce(a, SHAPE, norm(dims), Ref.Red.SUM);
            int count = a.length / sum.length;
            r.assertClose(t.sum(dims, false).toFloatArray(), sum, 1e-5, 1e-5, "sum" + at);
            assertArrayEquals(squeezed(dims), t.sum(dims, false).shape(), "sum shape" + at);
            assertArrayEquals(Ref.keptShape(SHAPE, norm(dims)), t.sum(dims, true).shape(), "sum keepDim shape" + at);
            r.assertClose(t.mean(dims, true).toFloatArray(), Ref.map(sum, s -> s / count), 1e-6, 1e-5, "mean" + at);
            if (dims.length == 1) {
                r.assertClose(t.max(dims[0], false).toFloatArray(), Ref.reduce(a, SHAPE, norm(dims), Ref.Red.MAX), 0, 0,
                        "max" + at);
                r.assertClose(t.min(dims[0], true).toFloatArray(), Ref.reduce(a, SHAPE, norm(dims), Ref.Red.MIN), 0, 0,
                        "min" + at);
            }
            r.gradCheck("sum" + at, in -> in[0].sum(dims, false), Ref.leaves(Ref.tensor(a, SHAPE)));
            r.gradCheck("mean" + at, in -> in[0].mean(dims, true).mul(in[0]), Ref.leaves(Ref.tensor(a, SHAPE)));
        }
        r.assertClose(new float[] {Ref.tensor(a, SHAPE).sum().item()}, new double[] {java.util.Arrays.stream(a).sum()},
                1e-5, 1e-5, "sum all");
        r.assertClose(new float[] {Ref.tensor(a, SHAPE).max().item()}, new double[] {java.util.Arrays.stream(a).max()
                .getAsDouble()}, 0, 0, "max all");
    }

    @Test
    void reductionOfNonContiguousInput() {
        Ref r = Ref.fresh();
        double[] a = r.normal(60);
        Tensor t = Ref.tensor(a, SHAPE).permute(2, 0, 1); // (4, 3, 5)
        double[] p = Ref.permute(a, SHAPE, 2, 0, 1);
        r.assertClose(t.sum(1, false).toFloatArray(), Ref.reduce(p, new int[] {4, 3, 5}, new int[] {1}, Ref.Red.SUM),
                1e-5, 1e-5, "sum of permuted");
        r.gradCheck("sum of permuted", in -> in[0].permute(2, 0, 1).sum(1, false).pow(2f),
                Ref.leaves(Ref.tensor(a, SHAPE)));
    }

    @Test
    void maxMinGradientsRouteToTheExtremeAndSplitTies() {
        Ref r = Ref.fresh();
        // distinct values ≥ 0.05 apart: a permutation of a grid, so FD never flips the argmax
        double[] a = new double[20];
        int[] perm = r.ints(20, 1 << 30);
        Integer[] order = new Integer[20];
        for (int i = 0; i < 20; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Integer.compare(perm[x], perm[y]));
        for (int i = 0; i < 20; i++) {
            a[order[i]] = -1 + 0.1 * i;
        }
        r.gradCheck("max dim 1", in -> in[0].max(1, false), Ref.leaves(Ref.tensor(a, 4, 5)));
        r.gradCheck("min dim 0", in -> in[0].min(0, true), Ref.leaves(Ref.tensor(a, 4, 5)));
        r.gradCheck("max all", in -> in[0].max(), Ref.leaves(Ref.tensor(a, 4, 5)));
        Tensor x = Tensor.fromArray(new float[] {1, 3, 3, 0}, 4).requiresGrad(true);
        x.max().backward();
        assertArrayEquals(new float[] {0, 0.5f, 0.5f, 0}, x.grad().toFloatArray());
    }

    @Test
    void argmaxAndMaxWithIndices() {
        Ref r = Ref.fresh();
        double[] a = r.normal(12);
        Tensor t = Ref.tensor(a, 3, 4);
        int[] am = t.argmax(1, false).toIntArray();
        for (int i = 0; i < 3; i++) {
            int best = 0;
            for (int j = 1; j < 4; j++) {
                if (a[i * 4 + j] > a[i * 4 + best]) {
                    best = j;
                }
            }
            assertEquals(best, am[i], "argmax row " + i + " (seed " + r.seed + ")");
        }
        assertEquals(DType.I32, t.argmax(0, true).dtype());
        assertArrayEquals(new int[] {1, 4}, t.argmax(0, true).shape());
        var vi = t.maxWithIndices(1, false);
        assertArrayEquals(am, vi.indices().toIntArray());
        // first index on ties
        assertArrayEquals(new int[] {1}, Tensor.fromArray(new float[] {0, 2, 2}, 1, 3).argmax(1, false).toIntArray());
    }

    @Test
    void logsumexpIsStableAndDifferentiable() {
        Ref r = Ref.fresh();
        double[] a = Ref.map(r.normal(15), x -> 30 * x); // exp would overflow F32 without the max shift
        double[] ref = new double[3];
        for (int i = 0; i < 3; i++) {
            ref[i] = Ref.logSumExp(a, i * 5, 5);
        }
        r.assertClose(Ref.tensor(a, 3, 5).logsumexp(1, false).toFloatArray(), ref, 1e-5, 1e-6, "logsumexp");
        r.assertClose(Ref.tensor(new double[] {1000, 1000}, 2).logsumexp(0, false).toFloatArray(),
                new double[] {1000 + Math.log(2)}, 1e-4, 0, "logsumexp large");
        float[] negInf = Tensor.full(Float.NEGATIVE_INFINITY, 2, 3).logsumexp(1, false).toFloatArray();
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, negInf, "all −∞ rows stay −∞");
        r.gradCheck("logsumexp", in -> in[0].logsumexp(new int[] {0, 2}, true), Ref.leaves(r.randn(2, 3, 4)));
    }

    @Test
    void varianceBiasedAndUnbiased() {
        Ref r = Ref.fresh();
        double[] a = r.normal(24);
        for (boolean unbiased : new boolean[] {false, true}) {
            double[] ref = new double[4];
            for (int i = 0; i < 4; i++) {
                double m = 0, s = 0;
                for (int j = 0; j < 6; j++) {
                    m += a[i * 6 + j];
                }
                m /= 6;
                for (int j = 0; j < 6; j++) {
                    s += (a[i * 6 + j] - m) * (a[i * 6 + j] - m);
                }
                ref[i] = s / (unbiased ? 5 : 6);
            }
            r.assertClose(Ref.tensor(a, 4, 6).var(1, unbiased, false).toFloatArray(), ref, 1e-6, 1e-5,
                    "var unbiased=" + unbiased);
            r.gradCheck("var", in -> in[0].var(1, unbiased, true), Ref.leaves(Ref.tensor(a, 4, 6)));
        }
    }

    @Test
    void sumToUndoesBroadcasting() {
        Ref r = Ref.fresh();
        double[] a = r.normal(24);
        int[] s = {2, 3, 4};
        r.assertClose(Ref.tensor(a, s).sumTo(new int[] {3, 1}).toFloatArray(),
                Ref.reduce(a, s, new int[] {0, 2}, Ref.Red.SUM), 1e-5, 1e-5, "sumTo");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ref.tensor(a, s).sumTo(new int[] {5}));
        assertEquals("sumTo: shape [2, 3, 4] does not broadcast from [5]", e.getMessage());
    }
}
