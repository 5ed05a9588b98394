/*
 * reduce.cl — SUM / MAX / MIN / ARGMAX / ARGMIN of x over any set of dims.
 *
 * K: layout of the kept dims (operand 0 = x's strides there, offset = x's offset); output element o
 *    is row-major over the kept shape. R: layout of the reduced block (operand 0 = x's strides,
 *    offset 0); position p in R's row-major order is the ARG index the CPU reports.
 * Semantics as CpuReduce: sums accumulate in double where the device has fp64; MAX/MIN propagate
 * NaN (the first NaN's position for ARG*); ties and ARG* pick the first occurrence.
 * Versions: v1 — reduce_wg: one work-group (WG items) per output, strided partials + tree combine;
 *           v2 (2026) — reduce_wg split into reduce_wg_sum and reduce_wg_arg (no barrier under a branch);
 *           reduce_serial: one work-item per output for short reductions (< 64 elements).
 * Measured: matches the CPU on PoCL; GPU bandwidth not measured yet.
 */

/* op: 0 SUM, 1 MAX, 2 MIN, 3 ARGMAX, 4 ARGMIN */

typedef struct { float best; int at; int nan; } pl_arg;

inline pl_arg pl_arg_step(pl_arg s, float v, int p, int max) {
    if (isnan(v)) {
        if (!s.nan) { s.nan = 1; s.at = p; }
    } else if (!s.nan && (s.at < 0 || (max ? v > s.best : v < s.best))) {
        s.best = v; s.at = p;
    }
    return s;
}

/* Combines two partial states over disjoint position sets: same result as one in-order scan. */
inline pl_arg pl_arg_combine(pl_arg a, pl_arg b, int max) {
    if (a.nan || b.nan) {
        if (a.nan && b.nan) return a.at <= b.at ? a : b;
        return a.nan ? a : b;
    }
    if (a.at < 0) return b;
    if (b.at < 0) return a;
    if (a.best == b.best) return a.at <= b.at ? a : b;
    return (max ? b.best > a.best : b.best < a.best) ? b : a;
}

inline int pl_block_offset(pl_layout R, int p) {
    int o[1];
    PL_OFFSETS(R, p, 1, o);
    return o[0];
}

__kernel void reduce_serial(__global const float *x, __global float *outf, __global int *outi,
                            pl_layout K, pl_layout R, int op) {
    int oi = get_global_id(0);
    if (oi >= K.n) return;
    int base[1];
    PL_OFFSETS(K, oi, 1, base);
    if (op == 0) {
        pl_acc s = 0;
        for (int p = 0; p < R.n; p++) s += x[base[0] + pl_block_offset(R, p)];
        outf[oi] = (float) s;
        return;
    }
    int max = op == 1 || op == 3;
    pl_arg st = { max ? -INFINITY : INFINITY, -1, 0 };
    for (int p = 0; p < R.n; p++) st = pl_arg_step(st, x[base[0] + pl_block_offset(R, p)], p, max);
    if (op >= 3) outi[oi] = st.at;
    else outf[oi] = st.nan ? NAN : st.best;
}

/* SUM: one work-group per output. The SUM and MAX/MIN/ARG* work-group kernels are separate so that
   no barrier sits under a branch (PoCL 3.1 miscompiles that, see softmax.cl). */
__kernel void reduce_wg_sum(__global const float *x, __global float *outf, pl_layout K, pl_layout R) {
    __local pl_acc ssum[WG];
    int oi = get_group_id(0);
    int t = get_local_id(0);
    int base[1];
    PL_OFFSETS(K, oi, 1, base);
    pl_acc s = 0;
    for (int p = t; p < R.n; p += WG) s += x[base[0] + pl_block_offset(R, p)];
    s = pl_wg_sum(s, ssum);
    if (t == 0) outf[oi] = (float) s;
}

/* MAX, MIN, ARGMAX, ARGMIN (op 1..4): one work-group per output. */
__kernel void reduce_wg_arg(__global const float *x, __global float *outf, __global int *outi,
                            pl_layout K, pl_layout R, int op) {
    __local float sbest[WG];
    __local int sat[WG];
    __local int snan[WG];
    int oi = get_group_id(0);
    int t = get_local_id(0);
    int base[1];
    PL_OFFSETS(K, oi, 1, base);
    int max = op == 1 || op == 3;
    pl_arg st = { max ? -INFINITY : INFINITY, -1, 0 };
    for (int p = t; p < R.n; p += WG) st = pl_arg_step(st, x[base[0] + pl_block_offset(R, p)], p, max);
    sbest[t] = st.best; sat[t] = st.at; snan[t] = st.nan;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int h = WG / 2; h > 0; h >>= 1) {
        if (t < h) {
            pl_arg a = { sbest[t], sat[t], snan[t] };
            pl_arg b = { sbest[t + h], sat[t + h], snan[t + h] };
            pl_arg c = pl_arg_combine(a, b, max);
            sbest[t] = c.best; sat[t] = c.at; snan[t] = c.nan;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (t == 0) {
        if (op >= 3) outi[oi] = sat[0];
        else outf[oi] = snan[0] ? NAN : sbest[0];
    }
}
