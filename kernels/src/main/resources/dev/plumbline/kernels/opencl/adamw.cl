/*
 * adamw.cl — one AdamW step (PyTorch semantics) on one parameter tensor, in place.
 *
 * p <- p*(1 - lr*wd) - (lr/bc1) * m / (sqrt(v)/sqrt(bc2) + eps), m, v updated first; the host
 * computes decay = 1 - lr*wd, stepSize = lr/bc1 and sb2 = sqrt(bc2) as floats exactly like
 * OptimizerKernels.adamw (CPU). p, g, m, v (n) contiguous at their offsets. The multi-tensor step launches this
 * once per tensor.
 * Versions: v1. Measured: matches the CPU to ~1 ulp on PoCL (sqrt/divide rounding).
 */
__kernel void adamw_step(__global float *p, int po, __global const float *g, int go, __global float *m, int mo,
                         __global float *v, int vo, int n, float b1, float b2, float eps, float decay,
                         float stepSize, float sb2) {
    int j = get_global_id(0);
    if (j >= n) return;
    float gj = g[go + j];
    float mj = b1 * m[mo + j] + (1.0f - b1) * gj;
    float vj = b2 * v[vo + j] + (1.0f - b2) * gj * gj;
    m[mo + j] = mj;
    v[vo + j] = vj;
    p[po + j] = p[po + j] * decay - stepSize * mj / (sqrt(vj) / sb2 + eps);
}
