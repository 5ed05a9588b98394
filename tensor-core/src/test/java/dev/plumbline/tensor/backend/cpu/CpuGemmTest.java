package dev.plumbline.tensor.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CpuGemm against an independent float64 triple loop, for both the start-up kernel (SIMD when
 * the Vector API module is present, as under surefire) and the scalar kernel.
 */
class CpuGemmTest {
    private static final SplittableRandom SEEDS = new SplittableRandom(20240611L);

    /** Both kernels; with -Dplumbline.simd=false they are the same one. */
    static List<CpuGemm.Kernel> kernels() {
        List<CpuGemm.Kernel> ks = new ArrayList<>();
        ks.add(CpuGemm.kernel());
        if (CpuGemm.kernel() != CpuGemm.scalarKernel()) {
            ks.add(CpuGemm.scalarKernel());
        }
        return ks;
    }

    /**
     * A strided operand view: rows×cols at offset {@code off} inside {@code data}, with a
     * leading stride larger than the row so unused padding sits between rows.
     */
    private static final class View {
        final float[] data;
        final int off, rs, cs, rows, cols;

        View(float[] data, int off, int rs, int cs, int rows, int cols) {
            this.data = data;
            this.off = off;
            this.rs = rs;
            this.cs = cs;
            this.rows = rows;
            this.cols = cols;
        }

        float get(int i, int j) {
            return data[off + i * rs + j * cs];
        }

        /**
         * Random rows×cols view; {@code transposed} stores it column-major (as a transposed
         * row-major matrix would be); {@code pad} extra elements per leading stride, plus an offset.
         */
        static View random(SplittableRandom rnd, int rows, int cols, boolean transposed, int pad,
                int off) {
            int lead = (transposed ? rows : cols) + pad;
            int outer = transposed ? cols : rows;
            float[] d = new float[off + Math.max(1, outer * lead) + 3];
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (rnd.nextDouble() * 2 - 1);
            }
            return transposed ? new View(d, off, 1, lead, rows, cols)
                    : new View(d, off, lead, 1, rows, cols);
        }
    }

    /** float64 reference C = (acc ? C0 : 0) + A·B over the views. */
    private static double[] reference(View a, View b, float[] c0, int cOff, int ldc,
            int m, int n, int k, boolean acc) {
        double[] ref = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = acc ? c0[cOff + i * ldc + j] : 0.0;
                for (int p = 0; p < k; p++) {
                    s += (double) a.get(i, p) * (double) b.get(p, j);
                }
                ref[i * n + j] = s;
            }
        }
        return ref;
    }

    /** Runs one case and checks C's view against the reference and C's padding untouched. */
    private static void check(CpuGemm.Kernel kern, int m, int n, int k, boolean ta, boolean tb,
            boolean acc, int pad, int off) {
        SplittableRandom rnd = SEEDS.split();
        View a = View.random(rnd, m, k, ta, pad, off);
        View b = View.random(rnd, k, n, tb, pad, off + 1);
        int ldc = n + pad, cOff = off + 2;
        float[] c = new float[cOff + Math.max(1, m * ldc) + 5];
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        float[] before = c.clone();
        double[] ref = reference(a, b, c, cOff, ldc, m, n, k, acc);

        CpuGemm.sgemm(kern, m, n, k, a.data, a.off, a.rs, a.cs, b.data, b.off, b.rs, b.cs,
                c, cOff, ldc, acc);

        // inputs in [-1, 1]: rounding error grows at most ~linearly with k
        double atol = 1e-6 * (k + 1), rtol = 1e-5;
        String what = kern.name() + " m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb
                + " acc=" + acc + " pad=" + pad + " off=" + off;
        boolean[] inView = new boolean[c.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int idx = cOff + i * ldc + j;
                inView[idx] = true;
                double r = ref[i * n + j];
                double err = Math.abs(c[idx] - r);
                if (!(err <= atol + rtol * Math.abs(r))) {
                    throw new AssertionError(what + ": C[" + i + "," + j + "] = " + c[idx]
                            + ", reference " + r + ", error " + err);
                }
            }
        }
        for (int idx = 0; idx < c.length; idx++) {
            if (!inView[idx] && c[idx] != before[idx]) {
                throw new AssertionError(what + ": wrote outside C's view at element " + idx);
            }
        }
    }

    static Stream<Arguments> oddSizes() {
        int[] sizes = {1, 3, 17, 63, 65, 129};
        List<Arguments> cases = new ArrayList<>();
        for (CpuGemm.Kernel kern : kernels()) {
            int v = 0;
            for (int m : sizes) {
                for (int n : sizes) {
                    // k cycles through the sizes too, so each (m, n) meets a different depth
                    int k = sizes[(v++) % sizes.length];
                    cases.add(Arguments.of(kern, m, n, k));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3}")
    @MethodSource("oddSizes")
    void oddSizesContiguous(CpuGemm.Kernel kern, int m, int n, int k) {
        check(kern, m, n, k, false, false, false, 0, 0);
        check(kern, m, n, k, false, false, true, 0, 0);
    }

    static Stream<Arguments> layouts() {
        List<Arguments> cases = new ArrayList<>();
        for (CpuGemm.Kernel kern : kernels()) {
            for (int t = 0; t < 4; t++) {
                cases.add(Arguments.of(kern, (t & 1) != 0, (t & 2) != 0));
            }
        }
        return cases.stream();
    }

    /** Transposed A and/or B via strides, sub-matrix views with offsets and padded strides. */
    @ParameterizedTest(name = "{0} transA={1} transB={2}")
    @MethodSource("layouts")
    void transposedAndStridedViews(CpuGemm.Kernel kern, boolean ta, boolean tb) {
        int[][] shapes = {{1, 1, 1}, {3, 17, 5}, {17, 63, 65}, {65, 3, 129}, {63, 65, 17},
            {129, 129, 63}};
        for (int[] s : shapes) {
            for (boolean acc : new boolean[] {false, true}) {
                check(kern, s[0], s[1], s[2], ta, tb, acc, 0, 0);
                check(kern, s[0], s[1], s[2], ta, tb, acc, 7, 11);
            }
        }
    }

    /** Shapes that cross every blocking boundary (MC, KC, NC) and take both parallel splits. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void largerThanBlocks(CpuGemm.Kernel kern) {
        check(kern, 257, 257, 257, false, false, false, 0, 0);
        check(kern, 257, 257, 257, true, true, true, 5, 3);
        check(kern, 300, 70, 600, false, true, true, 1, 0);   // several MC and KC blocks
        check(kern, 13, 3100, 300, true, false, false, 0, 2); // more than NC columns, split over N
        check(kern, 2, 1000, 513, false, false, true, 0, 0);  // wide and short
        check(kern, 40, 3100, 1300, false, true, true, 0, 0); // B packed in two rounds
        check(kern, 3, 3100, 1300, true, false, false, 3, 0); // ... and split over N
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void kZeroGivesZerosOrLeavesC(CpuGemm.Kernel kern) {
        float[] c = {5, 6, 7, 8, 9, 10};
        CpuGemm.sgemm(kern, 2, 3, 0, new float[0], 0, 0, 1, new float[0], 0, 3, 1, c, 0, 3, true);
        assertArrayEquals(new float[] {5, 6, 7, 8, 9, 10}, c);
        CpuGemm.sgemm(kern, 2, 2, 0, new float[0], 0, 0, 1, new float[0], 0, 2, 1, c, 1, 3, false);
        assertArrayEquals(new float[] {5, 0, 0, 8, 0, 0}, c);
        check(kern, 17, 9, 0, false, false, false, 2, 1);
        check(kern, 17, 9, 0, true, true, true, 2, 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void emptyMOrNIsNoOp(CpuGemm.Kernel kern) {
        float[] c = {1, 2, 3};
        float[] a = {1, 2, 3, 4};
        CpuGemm.sgemm(kern, 0, 3, 4, new float[0], 0, 4, 1, new float[12], 0, 3, 1, c, 0, 3, false);
        CpuGemm.sgemm(kern, 1, 0, 4, a, 0, 4, 1, new float[0], 0, 0, 1, c, 0, 0, false);
        assertArrayEquals(new float[] {1, 2, 3}, c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void negativeStridesAddressBackwards(CpuGemm.Kernel kern) {
        // B's rows read bottom-up: B(p, j) = b[(k-1-p)*n + j]
        int m = 5, n = 19, k = 7;
        SplittableRandom rnd = SEEDS.split();
        View a = View.random(rnd, m, k, false, 0, 0);
        View bUp = View.random(rnd, k, n, false, 0, 0);
        View b = new View(bUp.data, (k - 1) * n, -n, 1, k, n);
        float[] c = new float[m * n];
        CpuGemm.sgemm(kern, m, n, k, a.data, 0, k, 1, b.data, b.off, b.rs, b.cs, c, 0, n, false);
        double[] ref = reference(a, b, c, 0, n, m, n, k, false);
        for (int i = 0; i < m * n; i++) {
            assertEquals(ref[i], c[i], 1e-5, "element " + i);
        }
    }

    @Test
    void smallExampleFromJavadoc() {
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] b = {1, 0, 0, 1, 1, 1};
        float[] c = new float[4];
        CpuGemm.sgemm(2, 2, 3, a, 0, 3, 1, b, 0, 2, 1, c, 0, 2, false);
        assertArrayEquals(new float[] {4, 5, 10, 11}, c);
    }

    @Test
    void kernelNameMatchesRuntime() {
        String name = CpuGemm.kernelName();
        boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean simdWanted = Boolean.parseBoolean(System.getProperty("plumbline.simd", "true"));
        if (vectorModule && simdWanted) {
            assertTrue(name.matches("vector-(64|128|256|512)"), name);
            assertNotEquals(CpuGemm.scalarKernel(), CpuGemm.kernel());
        } else {
            assertEquals("scalar", name);
        }
        assertEquals("scalar", CpuGemm.scalarKernel().name());
    }

    private static String badCall(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void badArgumentsNameTheOperandAndSizes() {
        float[] a = new float[6], b = new float[6], c = new float[4];
        assertEquals("sgemm: negative size: m=-1, n=2, k=3",
                badCall(() -> CpuGemm.sgemm(-1, 2, 3, a, 0, 3, 1, b, 0, 2, 1, c, 0, 2, false)));
        assertEquals("sgemm: A [m=2, k=3] at offset 1 with strides (3, 1) addresses elements"
                        + " 1..6 but A.length = 6",
                badCall(() -> CpuGemm.sgemm(2, 2, 3, a, 1, 3, 1, b, 0, 2, 1, c, 0, 2, false)));
        assertEquals("sgemm: B [k=3, n=2] at offset 0 with strides (1, 3) addresses elements"
                        + " 0..5 but B.length = 5",
                badCall(() -> CpuGemm.sgemm(2, 2, 3, a, 0, 3, 1, new float[5], 0, 1, 3, c, 0, 2,
                        false)));
        assertEquals("sgemm: B [k=3, n=2] at offset 1 with strides (-2, 1) addresses elements"
                        + " -3..2 but B.length = 6",
                badCall(() -> CpuGemm.sgemm(2, 2, 3, a, 0, 3, 1, b, 1, -2, 1, c, 0, 2, false)));
        assertEquals("sgemm: C [m=2, n=2] at offset 0 with strides (3, 1) addresses elements"
                        + " 0..4 but C.length = 4",
                badCall(() -> CpuGemm.sgemm(2, 2, 3, a, 0, 3, 1, b, 0, 2, 1, c, 0, 3, false)));
        assertEquals("sgemm: C [m=2, n=2] row stride 1 is less than n",
                badCall(() -> CpuGemm.sgemm(2, 2, 3, a, 0, 3, 1, b, 0, 2, 1, c, 0, 1, false)));
        assertEquals("sgemm: A is null",
                badCall(() -> CpuGemm.sgemm(2, 2, 3, null, 0, 3, 1, b, 0, 2, 1, c, 0, 2, false)));
        // a huge stride must not overflow into a passing check
        assertEquals("sgemm: A [m=2, k=3] at offset 0 with strides (2147483647, 1) addresses"
                        + " elements 0..2147483649 but A.length = 6",
                badCall(() -> CpuGemm.sgemm(2, 2, 3, a, 0, Integer.MAX_VALUE, 1, b, 0, 2, 1, c, 0,
                        2, false)));
        // both kernels validate the same way
        assertEquals("sgemm: negative size: m=1, n=1, k=-2",
                badCall(() -> CpuGemm.sgemm(CpuGemm.scalarKernel(), 1, 1, -2, a, 0, 3, 1, b, 0, 2,
                        1, c, 0, 2, false)));
    }
}
