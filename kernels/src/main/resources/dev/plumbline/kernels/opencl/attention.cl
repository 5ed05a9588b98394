/*
 * attention.cl — scaled dot-product attention, forward and backward, causal and/or key-masked.
 *
 * q, out, gq, gOut (B, H, Tq, D); k, v, gk, gv (B, H, Tk, D); mask (B, Tk) F32 (1 attend, 0 masked)
 * when hasMask; lse (B, H, Tq). Causal: query i sits at position Tk - Tq + i and sees keys
 * 0..Tk-Tq+i. A row with no visible key gives zeros and lse = -inf (its gradients are zero).
 * Build define MAXD >= D (per-item accumulators live in private memory).
 * Versions: v1 — one work-item per query row with an online (running max) softmax; backward in
 *           two deterministic kernels: per query row (gq) and per key row (gk, gv), no atomics.
 *           Simple and exact-order, not fast: no tiling through local memory yet.
 * Measured: within 1e-5 of the CPU on PoCL.
 */
#ifndef MAXD
#define MAXD 64
#endif

inline int pl_key_limit(int causal, int i, int tq, int tk) {
    return causal ? tk - tq + i + 1 : tk;
}

__kernel void attn_fwd(__global const float *q, int qo, __global const float *k, int ko, __global const float *v,
                       int vo, __global const float *mask, int mo, int hasMask, int causal, float scale,
                       __global float *out, __global float *lse, int rows, int h, int tq, int tk, int d) {
    int row = get_global_id(0);
    if (row >= rows) return;
    int i = row % tq, bh = row / tq, b = bh / h;
    __global const float *qr = q + qo + (long) row * d;
    __global const float *kb = k + ko + (long) bh * tk * d;
    __global const float *vb = v + vo + (long) bh * tk * d;
    float acc[MAXD];
    for (int e = 0; e < d; e++) acc[e] = 0.0f;
    float m = -INFINITY, l = 0.0f;
    int lim = pl_key_limit(causal, i, tq, tk);
    for (int j = 0; j < lim; j++) {
        if (hasMask && mask[mo + b * tk + j] == 0.0f) continue;
        float dot = 0.0f;
        for (int e = 0; e < d; e++) dot += qr[e] * kb[j * d + e];
        float s = dot * scale;
        if (s == -INFINITY) continue;
        if (s > m) {
            float corr = exp(m - s);
            l *= corr;
            for (int e = 0; e < d; e++) acc[e] *= corr;
            m = s;
        }
        float p = exp(s - m);
        l += p;
        for (int e = 0; e < d; e++) acc[e] += p * vb[j * d + e];
    }
    __global float *orow = out + (long) row * d;
    if (m == -INFINITY) {
        for (int e = 0; e < d; e++) orow[e] = 0.0f;
        lse[row] = -INFINITY;
        return;
    }
    for (int e = 0; e < d; e++) orow[e] = acc[e] / l;
    lse[row] = m + log(l);
}

/* gq[row] = sum_j ds_ij k_j, ds_ij = p_ij (dO_i.v_j - dO_i.O_i) * scale, p_ij = exp(s_ij - lse_i). */
__kernel void attn_bwd_q(__global const float *q, int qo, __global const float *k, int ko, __global const float *v,
                         int vo, __global const float *mask, int mo, int hasMask, int causal, float scale,
                         __global const float *out, __global const float *lse, __global const float *go, int goo,
                         __global float *gq, int rows, int h, int tq, int tk, int d) {
    int row = get_global_id(0);
    if (row >= rows) return;
    int i = row % tq, bh = row / tq, b = bh / h;
    __global const float *qr = q + qo + (long) row * d;
    __global const float *kb = k + ko + (long) bh * tk * d;
    __global const float *vb = v + vo + (long) bh * tk * d;
    __global const float *gr = go + goo + (long) row * d;
    __global const float *orow = out + (long) row * d;
    float acc[MAXD];
    for (int e = 0; e < d; e++) acc[e] = 0.0f;
    float l = lse[row];
    if (l != -INFINITY) {
        float di = 0.0f;
        for (int e = 0; e < d; e++) di += gr[e] * orow[e];
        int lim = pl_key_limit(causal, i, tq, tk);
        for (int j = 0; j < lim; j++) {
            if (hasMask && mask[mo + b * tk + j] == 0.0f) continue;
            float dot = 0.0f, dp = 0.0f;
            for (int e = 0; e < d; e++) {
                dot += qr[e] * kb[j * d + e];
                dp += gr[e] * vb[j * d + e];
            }
            float p = exp(dot * scale - l);
            float ds = p * (dp - di) * scale;
            for (int e = 0; e < d; e++) acc[e] += ds * kb[j * d + e];
        }
    }
    for (int e = 0; e < d; e++) gq[(long) row * d + e] = acc[e];
}

/* gk[key], gv[key] summed over the queries that see the key, in query order. */
__kernel void attn_bwd_kv(__global const float *q, int qo, __global const float *k, int ko, __global const float *v,
                          int vo, __global const float *mask, int mo, int hasMask, int causal, float scale,
                          __global const float *out, __global const float *lse, __global const float *go, int goo,
                          __global float *gk, __global float *gv, int keyRows, int h, int tq, int tk, int d) {
    int krow = get_global_id(0);
    if (krow >= keyRows) return;
    int j = krow % tk, bh = krow / tk, b = bh / h;
    __global const float *kr = k + ko + (long) krow * d;
    __global const float *vr = v + vo + (long) krow * d;
    float ak[MAXD], av[MAXD];
    for (int e = 0; e < d; e++) { ak[e] = 0.0f; av[e] = 0.0f; }
    if (!(hasMask && mask[mo + b * tk + j] == 0.0f)) {
        for (int i = 0; i < tq; i++) {
            if (j >= pl_key_limit(causal, i, tq, tk)) continue;
            int row = bh * tq + i;
            float l = lse[row];
            if (l == -INFINITY) continue;
            __global const float *qr = q + qo + (long) row * d;
            __global const float *gr = go + goo + (long) row * d;
            __global const float *orow = out + (long) row * d;
            float di = 0.0f, dot = 0.0f, dp = 0.0f;
            for (int e = 0; e < d; e++) {
                di += gr[e] * orow[e];
                dot += qr[e] * kr[e];
                dp += gr[e] * vr[e];
            }
            float p = exp(dot * scale - l);
            float ds = p * (dp - di) * scale;
            for (int e = 0; e < d; e++) {
                av[e] += p * gr[e];
                ak[e] += ds * qr[e];
            }
        }
    }
    for (int e = 0; e < d; e++) {
        gk[(long) krow * d + e] = ak[e];
        gv[(long) krow * d + e] = av[e];
    }
}
