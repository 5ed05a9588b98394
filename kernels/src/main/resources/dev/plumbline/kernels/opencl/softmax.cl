/*
 * softmax.cl — softmax / log-softmax over the last dim and fused cross-entropy, forward and backward.
 *
 * One work-group (WG items) per row; row statistics by work-group reductions (common.cl), sums in
 * double where the device has fp64, as the CPU kernels (SoftmaxKernels) do. Shapes: x, out, y, gy, gx (R, V);
 * logits (N, V), targets (N) I32, loss/lse (N). Inputs contiguous at the given offsets; outputs
 * fresh (offset 0), lse read at offset 0 as the CPU does.
 * All -inf rows: max is taken as 0 (the row comes out NaN, as in PyTorch and the CPU).
 * Versions: v1; v2 (2026) takes the row sum outside the log/plain branch (a barrier under a branch
 * crashed PoCL 3.1) and recomputes exp in the plain arm instead of re-reading out.
 * Measured: within 1e-6 relative of the CPU on PoCL.
 */

__kernel void softmax_fwd(__global const float *x, int xo, __global float *out, int oo, int v, int logm) {
    __local float smax[WG];
    __local pl_acc ssum[WG];
    int r = get_group_id(0), t = get_local_id(0);
    __global const float *xr = x + xo + (long) r * v;
    __global float *orow = out + oo + (long) r * v;
    float mx = -INFINITY;
    for (int j = t; j < v; j += WG) mx = pl_fmax(mx, xr[j]);
    mx = pl_wg_max(mx, smax);
    if (mx == -INFINITY) mx = 0.0f;
    /* One reduction, outside any branch: PoCL 3.1's default work-group compiler ("loopvec")
       miscompiles barriers inside a branch even when its condition is uniform, and crashed the JVM
       here (see kernels/src/test/pocl/). No kernel in this directory puts a barrier under a branch;
       OpenClKernelSourceTest checks that. */
    pl_acc s = 0;
    for (int j = t; j < v; j += WG) s += (pl_acc) exp(xr[j] - mx);
    s = pl_wg_sum(s, ssum);
    if (logm) {
        float l = (float) ((pl_acc) mx + log(s));
        for (int j = t; j < v; j += WG) orow[j] = xr[j] - l;
    } else {
        float inv = (float) (1.0 / s);
        for (int j = t; j < v; j += WG) orow[j] = exp(xr[j] - mx) * inv;
    }
}

__kernel void softmax_bwd(__global const float *y, int yo, __global const float *gy, int go, __global float *gx,
                          int xo, int v, int logm) {
    __local pl_acc ssum[WG];
    int r = get_group_id(0), t = get_local_id(0);
    __global const float *yr = y + yo + (long) r * v;
    __global const float *gr = gy + go + (long) r * v;
    __global float *xr = gx + xo + (long) r * v;
    pl_acc d = 0;
    if (logm) {
        for (int j = t; j < v; j += WG) d += gr[j];
    } else {
        for (int j = t; j < v; j += WG) d += gr[j] * yr[j];
    }
    float s = (float) pl_wg_sum(d, ssum);
    if (logm) {
        for (int j = t; j < v; j += WG) xr[j] = gr[j] - exp(yr[j]) * s;
    } else {
        for (int j = t; j < v; j += WG) xr[j] = yr[j] * (gr[j] - s);
    }
}

/* loss[r] = lse[r] - logits[r, t[r]] (0 where t[r] == ignore), lse[r] = log sum exp logits[r, :]. */
__kernel void ce_fwd(__global const float *x, int xo, __global const int *tg, int to, int ignore,
                     __global float *loss, __global float *lse, int v) {
    __local float smax[WG];
    __local pl_acc ssum[WG];
    int r = get_group_id(0), t = get_local_id(0);
    __global const float *xr = x + xo + (long) r * v;
    float mx = -INFINITY;
    for (int j = t; j < v; j += WG) mx = pl_fmax(mx, xr[j]);
    mx = pl_wg_max(mx, smax);
    pl_acc s = 0;
    for (int j = t; j < v; j += WG) s += (pl_acc) exp(xr[j] - mx);
    s = pl_wg_sum(s, ssum);
    if (t == 0) {
        float l = (float) ((pl_acc) mx + log(s));
        lse[r] = l;
        int tr = tg[to + r];
        loss[r] = tr == ignore ? 0.0f : l - xr[tr];
    }
}

/* gx[r, :] = gl[r] * (softmax(x[r]) - onehot(t[r])), zero rows where t[r] == ignore. */
__kernel void ce_bwd(__global const float *x, int xo, __global const int *tg, int to, int ignore,
                     __global const float *lse, __global const float *gl, int glo, __global float *gx, int v) {
    int r = get_group_id(0), t = get_local_id(0);
    __global const float *xr = x + xo + (long) r * v;
    __global float *out = gx + (long) r * v;
    int tr = tg[to + r];
    if (tr == ignore) {
        for (int j = t; j < v; j += WG) out[j] = 0.0f;
        return;
    }
    float g = gl[glo + r], l = lse[r];
    for (int j = t; j < v; j += WG) {
        float e = g * exp(xr[j] - l);
        out[j] = j == tr ? e - g : e;
    }
}
