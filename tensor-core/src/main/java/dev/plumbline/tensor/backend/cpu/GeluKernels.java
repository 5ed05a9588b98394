/*
 * GeluKernels — GELU (tanh form) and its derivative on the CPU: the entry point CpuBackend calls,
 * then the Scalar and the Simd (Vector API) path side by side. Elementwise, so a value never
 * depends on its position or the split across threads; the Simd path has scalar twins for its
 * tails, so it does not depend on the vector width either. Gradient rule: tensor/ops/Elementwise.
 */
package dev.plumbline.tensor.backend.cpu;

import static dev.plumbline.tensor.backend.cpu.VectorMath.*;

import jdk.incubator.vector.FloatVector;

/** GELU kernels (see the file header). */
final class GeluKernels {
    private GeluKernels() {}

    /** out[oo .. oo+n) = GELU (tanh form) of x[xo .. xo+n), or its derivative when {@code grad}; split across threads. */
    static void gelu(float[] x, int xo, float[] out, int oo, int n, boolean grad) {
        if (CpuSimd.ON) {
            Parallel.forRange(n, 16, (from, to) -> Simd.gelu(x, xo + from, out, oo + from, to - from, grad));
        } else {
            Parallel.forRange(n, 16, (from, to) -> Scalar.gelu(x, xo + from, out, oo + from, to - from, grad));
        }
    }

    /** Plain Java: the reference (double accumulators, {@code Math.exp}); used without the Vector API. */
    static final class Scalar {
        private Scalar() {}

        static void gelu(float[] x, int xo, float[] out, int oo, int n, boolean grad) {
            for (int k = 0; k < n; k++) {
                float v = x[xo + k];
                out[oo + k] = grad ? CpuElementwise.geluGrad(v) : CpuElementwise.gelu(v);
            }
        }
    }

    /** Vector API over {@link VectorMath}'s building blocks; loaded only when {@link CpuSimd#ON}. */
    static final class Simd {
        private Simd() {}

        // GELU: u = C·(x + K·x³), t = tanh u = 1 − 2/(e^{2u} + 1); forward ½x(1 + t), gradient
        // ½(1 + t) + ½x(1 − t²)·C(1 + 3K·x²) — CpuElementwise.gelu/geluGrad's formulas, vectorised
        private static final float GELU_C = CpuElementwise.GELU_C, GELU_K = CpuElementwise.GELU_K;

        static void gelu(float[] x, int xo, float[] out, int oo, int n, boolean grad) {
            int ub = S.loopBound(n), k = 0;
            for (; k < ub; k += V) {
                FloatVector v = FloatVector.fromArray(S, x, xo + k);
                FloatVector v2 = v.mul(v);
                FloatVector u = v.mul(v2).mul(GELU_K).add(v).mul(GELU_C);
                FloatVector e = exp(u.add(u));
                FloatVector t = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
                FloatVector half = FloatVector.broadcast(S, 0.5f);
                FloatVector r = grad
                        ? half.mul(t.add(1f)).add(half.mul(v).mul(FloatVector.broadcast(S, 1f).sub(t.mul(t)))
                                .mul(v2.mul(3f * GELU_K).add(1f).mul(GELU_C)))
                        : half.mul(v).mul(t.add(1f));
                r.intoArray(out, oo + k);
            }
            for (; k < n; k++) {
                out[oo + k] = grad ? geluGrad(x[xo + k]) : gelu(x[xo + k]);
            }
        }

        /** Scalar twin of the vector GELU: the same operations in the same order. */
        static float gelu(float v) {
            float v2 = v * v;
            float u = (v * v2 * GELU_K + v) * GELU_C;
            float t = 1f - 2f / (exp(u + u) + 1f);
            return 0.5f * v * (t + 1f);
        }

        /** Scalar twin of the vector GELU derivative. */
        static float geluGrad(float v) {
            float v2 = v * v;
            float u = (v * v2 * GELU_K + v) * GELU_C;
            float t = 1f - 2f / (exp(u + u) + 1f);
            return 0.5f * (t + 1f) + 0.5f * v * (1f - t * t) * ((v2 * (3f * GELU_K) + 1f) * GELU_C);
        }
    }
}
