/*
 * OptimizerKernels — the fused optimizer updates on the CPU, in place over flat parameter
 * buffers. The update rule (and its PyTorch reference) is in nn/optim/AdamW; this is its loop.
 *
 *   adamw   p, g, m, v (n), in place; bc1, bc2 the bias corrections 1 − β^t
 *
 * Plain Java only for now (no Simd path: the scalar loop is what the benchmarks measure).
 */
package dev.plumbline.tensor.backend.cpu;

/** AdamW's elementwise update (see the file header). */
final class OptimizerKernels {
    private OptimizerKernels() {}

    /** One AdamW step over p[po .. po+n) with its gradient and moments, split across threads. */
    static void adamw(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n, float lr,
                      float b1, float b2, float eps, float wd, float bc1, float bc2) {
        float decay = 1f - lr * wd;
        float sb2 = (float) Math.sqrt(bc2);
        float stepSize = lr / bc1;
        Parallel.forRange(n, 12, (from, to) -> {
            for (int j = from; j < to; j++) {
                float gj = g[go + j];
                float mj = b1 * m[mo + j] + (1f - b1) * gj;
                float vj = b2 * v[vo + j] + (1f - b2) * gj * gj;
                m[mo + j] = mj;
                v[vo + j] = vj;
                // PyTorch: denom = sqrt(v)/sqrt(bc2) + eps; p -= (lr/bc1) * m / denom
                p[po + j] = p[po + j] * decay - stepSize * mj / ((float) Math.sqrt(vj) / sb2 + eps);
            }
        });
    }
}
