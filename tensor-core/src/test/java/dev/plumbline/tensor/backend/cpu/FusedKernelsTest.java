package dev.plumbline.tensor.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused CPU kernels, start-up choice (SIMD under surefire, which adds the Vector API module)
 * and the scalar ones, each against independent float64 loops written here, on fresh random
 * inputs whose row lengths leave vector tails, plus the special values: rows of −∞, NaN,
 * fully masked attention rows.
 */
class FusedKernelsTest {
    /**
     * One path of every fused-op family, as the tests call it: the Scalar or the Simd classes of
     * SoftmaxKernels, LayerNormKernels, AttentionKernels, GeluKernels and CpuReduce.
     */
    interface FusedKernels {
        String name();
        void softmax(float[] x, int xo, float[] out, int oo, int rows, int v, boolean log);
        void softmaxBackward(float[] y, int yo, float[] gy, int go, float[] gx, int xo, int rows, int v, boolean log);
        void crossEntropy(float[] x, int xo, int[] t, int to, int ignore, float[] loss, float[] lse, int n, int v);
        void crossEntropyBackward(float[] x, int xo, int[] t, int to, int ignore, float[] lse, float[] gl, int glo,
                                  float[] gx, int n, int v);
        void layerNorm(float[] x, int xo, float[] w, int wo, float[] b, int bo, float eps, float[] out,
                       float[] mean, float[] rstd, int n, int c);
        void layerNormBackward(float[] gy, int go, float[] x, int xo, float[] w, int wo, float[] mean, float[] rstd,
                               float[] gx, float[] gw, float[] gb, int n, int c);
        void attention(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo, boolean causal,
                       float scale, float[] out, float[] lse, int bsz, int h, int tq, int tk, int d);
        void attentionBackward(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo,
                               boolean causal, float scale, float[] out, float[] lse, float[] go, int goo,
                               float[] gq, float[] gk, float[] gv, int bsz, int h, int tq, int tk, int d);
        void gelu(float[] x, int xo, float[] out, int oo, int n, boolean grad);
        double sum(float[] x, int off, int n);
    }

    static final FusedKernels SCALAR = new FusedKernels() {
        public String name() { return "scalar"; }
        public void softmax(float[] x, int xo, float[] out, int oo, int rows, int v, boolean log) {
            SoftmaxKernels.Scalar.softmax(x, xo, out, oo, rows, v, log);
        }
        public void softmaxBackward(float[] y, int yo, float[] gy, int go, float[] gx, int xo, int rows, int v, boolean log) {
            SoftmaxKernels.Scalar.softmaxBackward(y, yo, gy, go, gx, xo, rows, v, log);
        }
        public void crossEntropy(float[] x, int xo, int[] t, int to, int ignore, float[] loss, float[] lse, int n, int v) {
            SoftmaxKernels.Scalar.crossEntropy(x, xo, t, to, ignore, loss, lse, n, v);
        }
        public void crossEntropyBackward(float[] x, int xo, int[] t, int to, int ignore, float[] lse, float[] gl, int glo,
                                         float[] gx, int n, int v) {
            SoftmaxKernels.Scalar.crossEntropyBackward(x, xo, t, to, ignore, lse, gl, glo, gx, n, v);
        }
        public void layerNorm(float[] x, int xo, float[] w, int wo, float[] b, int bo, float eps, float[] out,
                              float[] mean, float[] rstd, int n, int c) {
            LayerNormKernels.Scalar.layerNorm(x, xo, w, wo, b, bo, eps, out, mean, rstd, n, c);
        }
        public void layerNormBackward(float[] gy, int go, float[] x, int xo, float[] w, int wo, float[] mean, float[] rstd,
                                      float[] gx, float[] gw, float[] gb, int n, int c) {
            LayerNormKernels.Scalar.layerNormBackward(gy, go, x, xo, w, wo, mean, rstd, gx, gw, gb, n, c);
        }
        public void attention(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo, boolean causal,
                              float scale, float[] out, float[] lse, int bsz, int h, int tq, int tk, int d) {
            AttentionKernels.Scalar.attention(q, qo, k, ko, v, vo, mask, mo, causal, scale, out, lse, bsz, h, tq, tk, d);
        }
        public void attentionBackward(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo,
                                      boolean causal, float scale, float[] out, float[] lse, float[] go, int goo,
                                      float[] gq, float[] gk, float[] gv, int bsz, int h, int tq, int tk, int d) {
            AttentionKernels.Scalar.attentionBackward(q, qo, k, ko, v, vo, mask, mo, causal, scale, out, lse, go, goo,
                    gq, gk, gv, bsz, h, tq, tk, d);
        }
        public void gelu(float[] x, int xo, float[] out, int oo, int n, boolean grad) {
            GeluKernels.Scalar.gelu(x, xo, out, oo, n, grad);
        }
        public double sum(float[] x, int off, int n) {
            return CpuReduce.Scalar.sum(x, off, n);
        }
        @Override public String toString() { return name(); }
    };

    /** The Simd paths; a class of its own so it is loaded only when CpuSimd.ON (the Vector API is there). */
    static final class SimdKernels implements FusedKernels {
        public String name() { return CpuSimd.NAME; }
        public void softmax(float[] x, int xo, float[] out, int oo, int rows, int v, boolean log) {
            SoftmaxKernels.Simd.softmax(x, xo, out, oo, rows, v, log);
        }
        public void softmaxBackward(float[] y, int yo, float[] gy, int go, float[] gx, int xo, int rows, int v, boolean log) {
            SoftmaxKernels.Simd.softmaxBackward(y, yo, gy, go, gx, xo, rows, v, log);
        }
        public void crossEntropy(float[] x, int xo, int[] t, int to, int ignore, float[] loss, float[] lse, int n, int v) {
            SoftmaxKernels.Simd.crossEntropy(x, xo, t, to, ignore, loss, lse, n, v);
        }
        public void crossEntropyBackward(float[] x, int xo, int[] t, int to, int ignore, float[] lse, float[] gl, int glo,
                                         float[] gx, int n, int v) {
            SoftmaxKernels.Simd.crossEntropyBackward(x, xo, t, to, ignore, lse, gl, glo, gx, n, v);
        }
        public void layerNorm(float[] x, int xo, float[] w, int wo, float[] b, int bo, float eps, float[] out,
                              float[] mean, float[] rstd, int n, int c) {
            LayerNormKernels.Simd.layerNorm(x, xo, w, wo, b, bo, eps, out, mean, rstd, n, c);
        }
        public void layerNormBackward(float[] gy, int go, float[] x, int xo, float[] w, int wo, float[] mean, float[] rstd,
                                      float[] gx, float[] gw, float[] gb, int n, int c) {
            LayerNormKernels.Simd.layerNormBackward(gy, go, x, xo, w, wo, mean, rstd, gx, gw, gb, n, c);
        }
        public void attention(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo, boolean causal,
                              float scale, float[] out, float[] lse, int bsz, int h, int tq, int tk, int d) {
            AttentionKernels.Simd.attention(q, qo, k, ko, v, vo, mask, mo, causal, scale, out, lse, bsz, h, tq, tk, d);
        }
        public void attentionBackward(float[] q, int qo, float[] k, int ko, float[] v, int vo, float[] mask, int mo,
                                      boolean causal, float scale, float[] out, float[] lse, float[] go, int goo,
                                      float[] gq, float[] gk, float[] gv, int bsz, int h, int tq, int tk, int d) {
            AttentionKernels.Simd.attentionBackward(q, qo, k, ko, v, vo, mask, mo, causal, scale, out, lse, go, goo,
                    gq, gk, gv, bsz, h, tq, tk, d);
        }
        public void gelu(float[] x, int xo, float[] out, int oo, int n, boolean grad) {
            GeluKernels.Simd.gelu(x, xo, out, oo, n, grad);
        }
        public double sum(float[] x, int off, int n) {
            return VectorMath.sum(x, off, n);
        }
        @Override public String toString() { return name(); }
    }

    /** Both paths; with -Dplumbline.simd=false (or no Vector API) only the scalar one. */
    static List<FusedKernels> kernels() {
        List<FusedKernels> ks = new ArrayList<>();
        if (CpuSimd.ON) {
            ks.add(new SimdKernels());
        }
        ks.add(SCALAR);
        return ks;
    }

    private static float[] randn(SplittableRandom rnd, int n, double sd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            // sum of uniforms: bell-shaped, bounded, no dependence on the code under test
            a[i] = (float) ((rnd.nextDouble() + rnd.nextDouble() + rnd.nextDouble() - 1.5) * 2 * sd);
        }
        return a;
    }

    private static void close(String what, double ref, float got, double atol, double rtol) {
        if (Double.isNaN(ref) || Double.isInfinite(ref)) {
            assertEquals((float) ref, got, what);
            return;
        }
        assertTrue(Math.abs(got - ref) <= atol + rtol * Math.abs(ref),
                () -> what + ": got " + got + ", want " + ref);
    }

    @Test
    void simdIsChosenWhenTheModuleIsPresent() {
        boolean simd = Boolean.parseBoolean(System.getProperty("plumbline.simd", "true"))
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(simd, CpuSimd.NAME.startsWith("vector"), CpuSimd.NAME);
        assertEquals(simd, CpuSimd.ON, CpuSimd.NAME);
    }

    @Test
    void vectorExpMatchesMathExp() throws Exception {
        if (!CpuSimd.ON) {
            return;
        }
        // reflection: this test must compile and run without the Vector API module too
        var m = Class.forName("dev.plumbline.tensor.backend.cpu.VectorMath")
                .getDeclaredMethod("exp", float.class);
        m.setAccessible(true);
        float[] special = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, 0f, -0f, 88.72f, 88.73f,
            89.5f, 1000f, -87.3f, -100f, -103.9f, -104f, -200f, Float.MAX_VALUE, -Float.MAX_VALUE};
        for (float x : special) {
            float want = (float) Math.exp(x), got = (float) m.invoke(null, x);
            if (want == 0f || Float.isNaN(want) || Float.isInfinite(want)) {
                assertEquals(want, got, "exp(" + x + ")");
            } else if (want < Float.MIN_NORMAL) {
                assertEquals(want, got, Float.MIN_VALUE * 2, "exp(" + x + ") subnormal");
            } else {
                assertEquals(want, got, 2 * Math.ulp(want), "exp(" + x + ")");
            }
        }
        SplittableRandom rnd = TestSeeds.splittable("FusedKernelsTest.vectorExpMatchesMathExp");
        int worst = 0;
        for (int i = 0; i < 200_000; i++) {
            float x = (float) (rnd.nextDouble() * 176 - 87);
            float want = (float) Math.exp(x), got = (float) m.invoke(null, x);
            worst = Math.max(worst, Math.abs(Float.floatToIntBits(want) - Float.floatToIntBits(got)));
        }
        assertTrue(worst <= 2, "worst ulp distance " + worst);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void softmaxAndLogSoftmax(FusedKernels k) {
        SplittableRandom rnd = TestSeeds.splittable("FusedKernelsTest.softmaxAndLogSoftmax");
        for (int v : new int[] {1, 7, 8, 13, 1000, 1029}) {
            int rows = 5;
            float[] x = randn(rnd, rows * v + 3, 4);
            x[3 + v] = Float.NEGATIVE_INFINITY; // one −∞ in row 1
            for (boolean log : new boolean[] {false, true}) {
                float[] out = new float[rows * v + 2];
                k.softmax(x, 3, out, 2, rows, v, log);
                for (int r = 0; r < rows; r++) {
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j < v; j++) {
                        max = Math.max(max, x[3 + r * v + j]);
                    }
                    for (int j = 0; j < v; j++) {
                        sum += Math.exp(x[3 + r * v + j] - max);
                    }
                    for (int j = 0; j < v; j++) {
                        double z = x[3 + r * v + j] - max;
                        double ref = log ? z - Math.log(sum) : Math.exp(z) / sum;
                        close(k + " softmax log=" + log + " v=" + v, ref, out[2 + r * v + j], 1e-6, 1e-5);
                    }
                }
                // backward against float64: softmax gx = y(gy − Σgy·y), log: gx = gy − e^y Σgy
                float[] gy = randn(rnd, rows * v, 1);
                float[] gx = new float[rows * v + 1];
                k.softmaxBackward(out, 2, gy, 0, gx, 1, rows, v, log);
                for (int r = 0; r < rows; r++) {
                    double s = 0;
                    for (int j = 0; j < v; j++) {
                        s += log ? gy[r * v + j] : (double) gy[r * v + j] * out[2 + r * v + j];
                    }
                    for (int j = 0; j < v; j++) {
                        double y = out[2 + r * v + j], g = gy[r * v + j];
                        double ref = log ? g - Math.exp(y) * s : y * (g - s);
                        close(k + " softmaxBackward log=" + log + " v=" + v, ref, gx[1 + r * v + j], 1e-5, 1e-4);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void softmaxOfAllMinusInfinityIsNaN(FusedKernels k) {
        for (int v : new int[] {3, 8, 19}) {
            float[] x = new float[v];
            java.util.Arrays.fill(x, Float.NEGATIVE_INFINITY);
            for (boolean log : new boolean[] {false, true}) {
                float[] out = new float[v];
                k.softmax(x, 0, out, 0, 1, v, log);
                for (float o : out) {
                    assertTrue(Float.isNaN(o), k + " log=" + log + ": " + o);
                }
            }
            float[] withNaN = new float[v];
            withNaN[v / 2] = Float.NaN;
            float[] out = new float[v];
            k.softmax(withNaN, 0, out, 0, 1, v, false);
            for (float o : out) {
                assertTrue(Float.isNaN(o), k + " NaN input");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void crossEntropyForwardBackward(FusedKernels k) {
        SplittableRandom rnd = TestSeeds.splittable("FusedKernelsTest.crossEntropyForwardBackward");
        for (int v : new int[] {5, 64, 3001}) {
            int n = 6;
            float[] x = randn(rnd, n * v + 1, 5);
            int[] t = new int[n + 2];
            for (int r = 0; r < n; r++) {
                t[2 + r] = rnd.nextInt(v);
            }
            t[2 + 3] = -100;
            float[] loss = new float[n], lse = new float[n];
            k.crossEntropy(x, 1, t, 2, -100, loss, lse, n, v);
            float[] gl = randn(rnd, n, 1);
            float[] gx = new float[n * v];
            k.crossEntropyBackward(x, 1, t, 2, -100, lse, gl, 0, gx, n, v);
            for (int r = 0; r < n; r++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < v; j++) {
                    max = Math.max(max, x[1 + r * v + j]);
                }
                for (int j = 0; j < v; j++) {
                    sum += Math.exp(x[1 + r * v + j] - max);
                }
                double l = max + Math.log(sum);
                int tr = t[2 + r];
                close(k + " lse v=" + v, l, lse[r], 1e-5, 1e-6);
                close(k + " loss v=" + v, tr == -100 ? 0 : l - x[1 + r * v + tr], loss[r], 2e-5, 1e-5);
                for (int j = 0; j < v; j++) {
                    double ref = tr == -100 ? 0 : gl[r] * (Math.exp(x[1 + r * v + j] - l) - (j == tr ? 1 : 0));
                    close(k + " gx v=" + v, ref, gx[r * v + j], 1e-6, 1e-5);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void layerNormForwardBackward(FusedKernels k) {
        SplittableRandom rnd = TestSeeds.splittable("FusedKernelsTest.layerNormForwardBackward");
        for (int c : new int[] {1, 7, 16, 771}) {
            for (int affine = 0; affine < 2; affine++) {
                int n = 70; // > 32 rows: the gw/gb float blocks are flushed more than once
                float[] x = randn(rnd, n * c + 2, 3);
                for (int j = 0; j < c; j++) {
                    x[2 + j] += 1000f; // a row with a large mean: the variance must survive it
                }
                float[] w = affine == 1 ? randn(rnd, c + 1, 1) : null, b = affine == 1 ? randn(rnd, c + 1, 1) : null;
                float[] out = new float[n * c], mean = new float[n], rstd = new float[n];
                k.layerNorm(x, 2, w, 1, b, 1, 1e-5f, out, mean, rstd, n, c);
                float[] gy = randn(rnd, n * c + 1, 1);
                float[] gx = new float[n * c], gw = new float[c], gb = new float[c];
                k.layerNormBackward(gy, 1, x, 2, w, 1, mean, rstd, gx, affine == 1 ? gw : null,
                        affine == 1 ? gb : null, n, c);
                double[] rgw = new double[c], rgb = new double[c];
                for (int r = 0; r < n; r++) {
                    double mu = 0, var = 0;
                    for (int j = 0; j < c; j++) {
                        mu += x[2 + r * c + j];
                    }
                    mu /= c;
                    for (int j = 0; j < c; j++) {
                        var += (x[2 + r * c + j] - mu) * (x[2 + r * c + j] - mu);
                    }
                    double rs = 1 / Math.sqrt(var / c + 1e-5);
                    close(k + " mean c=" + c, mu, mean[r], 1e-5, 1e-6);
                    close(k + " rstd c=" + c, rs, rstd[r], 1e-6, 1e-4);
                    double sd = 0, sdn = 0;
                    double[] nh = new double[c], d = new double[c];
                    for (int j = 0; j < c; j++) {
                        nh[j] = (x[2 + r * c + j] - mu) * rs;
                        double ww = w == null ? 1 : w[1 + j], bb = b == null ? 0 : b[1 + j];
                        close(k + " layerNorm c=" + c, nh[j] * ww + bb, out[r * c + j], 1e-4, 1e-4);
                        d[j] = gy[1 + r * c + j] * ww;
                        sd += d[j];
                        sdn += d[j] * nh[j];
                        rgw[j] += gy[1 + r * c + j] * nh[j];
                        rgb[j] += gy[1 + r * c + j];
                    }
                    for (int j = 0; j < c; j++) {
                        double ref = (d[j] - sd / c - nh[j] * sdn / c) * rs;
                        close(k + " layerNorm gx c=" + c, ref, gx[r * c + j], 1e-4, 1e-3);
                    }
                }
                if (affine == 1) {
                    for (int j = 0; j < c; j++) {
                        close(k + " gw c=" + c, rgw[j], gw[j], 1e-4, 1e-4);
                        close(k + " gb c=" + c, rgb[j], gb[j], 1e-4, 1e-4);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void attentionForwardBackward(FusedKernels kern) {
        SplittableRandom rnd = TestSeeds.splittable("FusedKernelsTest.attentionForwardBackward");
        int[][] shapes = {{2, 2, 5, 5, 8}, {1, 3, 4, 9, 13}, {2, 1, 17, 17, 64}, {1, 1, 3, 20, 3}};
        for (int[] sh : shapes) {
            int bsz = sh[0], h = sh[1], tq = sh[2], tk = sh[3], d = sh[4];
            for (int variant = 0; variant < 3; variant++) {
                boolean causal = variant != 1;
                float[] mask = null;
                if (variant == 2) { // batch 0: one key hidden; last batch: every key hidden
                    mask = new float[bsz * tk];
                    java.util.Arrays.fill(mask, 0, tk, 1f);
                    mask[tk / 2] = 0f;
                }
                float[] q = randn(rnd, bsz * h * tq * d, 1), k = randn(rnd, bsz * h * tk * d, 1),
                        v = randn(rnd, bsz * h * tk * d, 1), go = randn(rnd, bsz * h * tq * d, 1);
                float scale = (float) (1 / Math.sqrt(d));
                float[] out = new float[q.length], lse = new float[bsz * h * tq];
                kern.attention(q, 0, k, 0, v, 0, mask, 0, causal, scale, out, lse, bsz, h, tq, tk, d);
                float[] gq = new float[q.length], gk = new float[k.length], gv = new float[v.length];
                kern.attentionBackward(q, 0, k, 0, v, 0, mask, 0, causal, scale, out, lse, go, 0, gq, gk, gv,
                        bsz, h, tq, tk, d);
                double[] rgq = new double[q.length], rgk = new double[k.length], rgv = new double[v.length];
                for (int bh = 0; bh < bsz * h; bh++) {
                    int b = bh / h;
                    for (int i = 0; i < tq; i++) {
                        int row = bh * tq + i, lim = causal ? tk - tq + i + 1 : tk;
                        double[] s = new double[tk];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < tk; j++) {
                            s[j] = Double.NEGATIVE_INFINITY;
                            if (j < lim && (mask == null || mask[b * tk + j] != 0f)) {
                                double dot = 0;
                                for (int e = 0; e < d; e++) {
                                    dot += (double) q[row * d + e] * k[(bh * tk + j) * d + e];
                                }
                                s[j] = dot * scale;
                            }
                            max = Math.max(max, s[j]);
                        }
                        String what = kern + " attention " + java.util.Arrays.toString(sh) + " variant " + variant;
                        if (max == Double.NEGATIVE_INFINITY) {
                            assertEquals(Float.NEGATIVE_INFINITY, lse[row], what + " lse of a fully masked row");
                            for (int e = 0; e < d; e++) {
                                assertEquals(0f, out[row * d + e], what + " out of a fully masked row");
                            }
                            continue;
                        }
                        double sum = 0;
                        for (int j = 0; j < tk; j++) {
                            sum += Math.exp(s[j] - max);
                        }
                        close(what + " lse", max + Math.log(sum), lse[row], 1e-5, 1e-5);
                        double[] o = new double[d];
                        for (int j = 0; j < tk; j++) {
                            for (int e = 0; e < d; e++) {
                                o[e] += Math.exp(s[j] - max) / sum * v[(bh * tk + j) * d + e];
                            }
                        }
                        double di = 0;
                        for (int e = 0; e < d; e++) {
                            close(what + " out", o[e], out[row * d + e], 1e-5, 1e-4);
                            di += o[e] * go[row * d + e];
                        }
                        for (int j = 0; j < tk; j++) {
                            if (s[j] == Double.NEGATIVE_INFINITY) {
                                continue;
                            }
                            double p = Math.exp(s[j] - max) / sum, dp = 0;
                            for (int e = 0; e < d; e++) {
                                dp += go[row * d + e] * v[(bh * tk + j) * d + e];
                            }
                            double ds = p * (dp - di) * scale;
                            for (int e = 0; e < d; e++) {
                                rgv[(bh * tk + j) * d + e] += p * go[row * d + e];
                                rgq[row * d + e] += ds * k[(bh * tk + j) * d + e];
                                rgk[(bh * tk + j) * d + e] += ds * q[row * d + e];
                            }
                        }
                    }
                }
                for (int i = 0; i < q.length; i++) {
                    close(kern + " gq", rgq[i], gq[i], 1e-4, 1e-3);
                }
                for (int i = 0; i < k.length; i++) {
                    close(kern + " gk", rgk[i], gk[i], 1e-4, 1e-3);
                    close(kern + " gv", rgv[i], gv[i], 1e-4, 1e-3);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void sumIsDoubleAccurate(FusedKernels k) {
        SplittableRandom rnd = TestSeeds.splittable("FusedKernelsTest.sumIsDoubleAccurate");
        for (int n : new int[] {0, 1, 9, 100_003}) {
            float[] x = randn(rnd, n + 1, 1);
            double ref = 0;
            for (int i = 0; i < n; i++) {
                ref += x[1 + i];
            }
            close(k + " sum n=" + n, ref, (float) k.sum(x, 1, n), 1e-4, 1e-5);
        }
    }
}
