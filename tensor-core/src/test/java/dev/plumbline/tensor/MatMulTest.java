package dev.plumbline.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** matmul (1-D, 2-D, batched, broadcast batch, transposed operands) and linear vs float64. */
class MatMulTest {

    /** Shape pairs covering NumPy's matmul cases, with odd sizes. */
    static final int[][][] CASES = {
            {{1, 1}, {1, 1}}, {{3, 5}, {5, 7}}, {{17, 33}, {33, 9}}, {{2, 4, 3}, {2, 3, 5}},
            {{2, 1, 4, 3}, {3, 3, 2}}, {{4, 3}, {2, 3, 5}}, {{65, 3}, {3, 1}}};

    @Test
    void matmulAgainstFloat64() {
        Ref r = Ref.fresh();
        for (int[][] c : CASES) {
            double[] a = r.normal(Ref.numel(c[0])), b = r.normal(Ref.numel(c[1]));
            Tensor out = Ref.tensor(a, c[0]).matmul(Ref.tensor(b, c[1]));
            String what = "matmul " + Shape.str(c[0]) + " @ " + Shape.str(c[1]);
            r.assertClose(out.toFloatArray(), Ref.matmul(a, c[0], b, c[1]), 1e-5, 1e-5, what);
            if (Ref.numel(c[0]) + Ref.numel(c[1]) < 200) {
                r.gradCheck(what, in -> in[0].matmul(in[1]), Ref.leaves(Ref.tensor(a, c[0]), Ref.tensor(b, c[1])));
            }
        }
    }

    @Test
    void oneDimensionalOperands() {
        Ref r = Ref.fresh();
        double[] v = r.normal(4), w = r.normal(4), m = r.normal(12);
        Tensor dot = Ref.tensor(v, 4).matmul(Ref.tensor(w, 4));
        assertEquals(0, dot.dim());
        r.assertClose(dot.toFloatArray(), Ref.matmul(v, new int[] {1, 4}, w, new int[] {4, 1}), 1e-6, 1e-6, "vec·vec");
        Tensor vm = Ref.tensor(v, 4).matmul(Ref.tensor(m, 4, 3));
        assertArrayEquals(new int[] {3}, vm.shape());
        r.assertClose(vm.toFloatArray(), Ref.matmul(v, new int[] {1, 4}, m, new int[] {4, 3}), 1e-6, 1e-6, "vec@mat");
        Tensor mv = Ref.tensor(m, 3, 4).matmul(Ref.tensor(w, 4));
        assertArrayEquals(new int[] {3}, mv.shape());
        r.assertClose(mv.toFloatArray(), Ref.matmul(m, new int[] {3, 4}, w, new int[] {4, 1}), 1e-6, 1e-6, "mat@vec");
        r.gradCheck("vec@mat", in -> in[0].matmul(in[1]), Ref.leaves(r.randn(4), r.randn(4, 3)));
        r.gradCheck("mat@vec", in -> in[0].matmul(in[1]), Ref.leaves(r.randn(3, 4), r.randn(4)));
    }

    @Test
    void transposedAndSlicedOperands() {
        Ref r = Ref.fresh();
        double[] a = r.normal(35), b = r.normal(30);
        // aᵀ: (7, 5) viewed; b: every other column of (5, 6) → (5, 3)
        Tensor at = Ref.tensor(a, 5, 7).mT();
        Tensor bs = Ref.tensor(b, 5, 6).slice(1, 0, 6, 2);
        double[] bsRef = new double[15];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 3; j++) {
                bsRef[i * 3 + j] = b[i * 6 + 2 * j];
            }
        }
        r.assertClose(at.matmul(bs).toFloatArray(),
                Ref.matmul(Ref.permute(a, new int[] {5, 7}, 1, 0), new int[] {7, 5}, bsRef, new int[] {5, 3}), 1e-5, 1e-5,
                "aᵀ @ b[:, ::2]");
        r.gradCheck("aᵀ @ b[:, ::2]", in -> in[0].mT().matmul(in[1].slice(1, 0, 6, 2)),
                Ref.leaves(Ref.tensor(a, 5, 7), Ref.tensor(b, 5, 6)));
        r.gradCheck("expanded batch", in -> in[0].expand(3, 2, 4).matmul(in[1]),
                Ref.leaves(r.randn(1, 2, 4), r.randn(3, 4, 2)));
    }

    @Test
    void linearWithAndWithoutBias() {
        Ref r = Ref.fresh();
        double[] x = r.normal(2 * 3 * 5), w = r.normal(4 * 5), b = r.normal(4);
        Tensor y = Ref.tensor(x, 2, 3, 5).linear(Ref.tensor(w, 4, 5), Ref.tensor(b, 4));
        assertArrayEquals(new int[] {2, 3, 4}, y.shape());
        double[] ref = Ref.matmul(x, new int[] {6, 5}, Ref.permute(w, new int[] {4, 5}, 1, 0), new int[] {5, 4});
        r.assertClose(Ref.tensor(x, 2, 3, 5).linear(Ref.tensor(w, 4, 5), null).toFloatArray(), ref, 1e-5, 1e-5,
                "linear no bias");
        r.assertClose(y.toFloatArray(), Ref.zip(ref, new int[] {6, 4}, b, new int[] {4}, Double::sum), 1e-5, 1e-5,
                "linear");
        r.gradCheck("linear", in -> in[0].linear(in[1], in[2]),
                Ref.leaves(Ref.tensor(x, 2, 3, 5), Ref.tensor(w, 4, 5), Ref.tensor(b, 4)));
    }
}
