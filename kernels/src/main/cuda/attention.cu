// attention.cu — scaled dot-product attention, flash style (online softmax; no Tq×Tk matrix in memory).
//
//   pl_attn_fwd     q (B,H,Tq,D), k, v (B,H,Tk,D), keyMask (B,Tk) or null -> out (B,H,Tq,D), lse (B,H,Tq)
//   pl_attn_bwd_dot out, gOut (B,H,Tq,D) -> delta (B,H,Tq) = Σ_d gOut·out
//   pl_attn_bwd_dkv q,k,v,mask,lse,delta,gOut -> gk, gv (B,H,Tk,D)     (one block per 16 keys)
//   pl_attn_bwd_dq  q,k,v,mask,lse,delta,gOut -> gq (B,H,Tq,D)         (one block per 16 queries)
// Causal: query i sits at position Tk − Tq + i and sees keys 0..that position. A key with mask 0 is
// never seen. Rows that see no key: out = 0, lse = −∞, and they contribute no gradient.
// Contiguous F32, D <= 128. Layout of work (all kernels): 8 warps per block, 2 rows per warp;
// K/V (or Q/dO) tiles of 32 rows in shared memory, rows padded to D+1 floats so that "lane = key,
// loop over d" reads are bank-conflict free; "lane = output dim" products broadcast the scalar of
// each key/query with __shfl_sync. Gradients are written once (dK/dV and dQ by separate kernels,
// recomputing P; no atomics, deterministic).
// Version 1. Not yet measured on a GPU (target: fwd+bwd (8,12,1024,64) >= 0.5× torch SDPA fp32).
#include "common.cuh"

#define ATT_WARPS 8
#define ATT_RPW 2                       // rows (queries or keys) per warp
#define ATT_ROWS (ATT_WARPS * ATT_RPW)  // rows per block
#define ATT_TILE 32
#define ATT_DPL 4                       // D / 32 values per lane, D <= 128

__device__ __forceinline__ int att_limit(int causal, int i, int tq, int tk) {
    return causal ? tk - tq + i + 1 : tk;
}

// Dynamic shared memory: ks[32][D+1], vs[32][D+1], qs[16][D].
extern "C" __global__ void __launch_bounds__(256) pl_attn_fwd(
        const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
        const float* __restrict__ mask, float* __restrict__ out, float* __restrict__ lse,
        int h, int tq, int tk, int d, int causal, float scale) {
    extern __shared__ float smem[];
    int dp = d + 1;
    float* ks = smem;
    float* vs = ks + ATT_TILE * dp;
    float* qs = vs + ATT_TILE * dp;
    int bh = blockIdx.y, b = bh / h;
    int q0 = blockIdx.x * ATT_ROWS;
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const float* qb = q + (long long) bh * tq * d;
    const float* kb = k + (long long) bh * tk * d;
    const float* vb = v + (long long) bh * tk * d;
    for (int t = threadIdx.x; t < ATT_ROWS * d; t += blockDim.x) {
        int r = t / d;
        qs[t] = q0 + r < tq ? qb[(long long) (q0 + r) * d + t - r * d] : 0.f;
    }
    float m[ATT_RPW], l[ATT_RPW], acc[ATT_RPW][ATT_DPL];
    #pragma unroll
    for (int r = 0; r < ATT_RPW; r++) {
        m[r] = -INFINITY;
        l[r] = 0.f;
        #pragma unroll
        for (int e = 0; e < ATT_DPL; e++) acc[r][e] = 0.f;
    }
    int lastQ = min(tq, q0 + ATT_ROWS) - 1;
    int kEnd = min(tk, att_limit(causal, lastQ, tq, tk));
    for (int k0 = 0; k0 < kEnd; k0 += ATT_TILE) {
        __syncthreads();
        for (int t = threadIdx.x; t < ATT_TILE * d; t += blockDim.x) {
            int r = t / d, e = t - r * d;
            bool in = k0 + r < tk;
            ks[r * dp + e] = in ? kb[(long long) (k0 + r) * d + e] : 0.f;
            vs[r * dp + e] = in ? vb[(long long) (k0 + r) * d + e] : 0.f;
        }
        __syncthreads();
        int key = k0 + lane;
        bool keyOn = key < tk && (mask == nullptr || mask[(long long) b * tk + key] != 0.f);
        #pragma unroll
        for (int r = 0; r < ATT_RPW; r++) {
            int qi = q0 + warp * ATT_RPW + r;
            if (qi >= tq) break;
            const float* qr = qs + (warp * ATT_RPW + r) * d;
            bool on = keyOn && key < att_limit(causal, qi, tq, tk);
            float s = 0.f;
            for (int e = 0; e < d; e++) s += qr[e] * ks[lane * dp + e];
            s = on ? s * scale : -INFINITY;
            float mNew = fmaxf(m[r], warp_max(s));
            if (mNew == -INFINITY) continue;
            float p = on ? __expf(s - mNew) : 0.f;
            float corr = m[r] == -INFINITY ? 0.f : __expf(m[r] - mNew);
            l[r] = l[r] * corr + warp_sum(p);
            m[r] = mNew;
            #pragma unroll
            for (int e = 0; e < ATT_DPL; e++) acc[r][e] *= corr;
            for (int j = 0; j < ATT_TILE; j++) {
                float pj = __shfl_sync(0xffffffffu, p, j);
                #pragma unroll
                for (int e = 0; e < ATT_DPL; e++) {
                    int dd = lane + 32 * e;
                    if (dd < d) acc[r][e] += pj * vs[j * dp + dd];
                }
            }
        }
    }
    #pragma unroll
    for (int r = 0; r < ATT_RPW; r++) {
        int qi = q0 + warp * ATT_RPW + r;
        if (qi >= tq) break;
        long long row = (long long) bh * tq + qi;
        float inv = l[r] > 0.f ? 1.f / l[r] : 0.f;
        #pragma unroll
        for (int e = 0; e < ATT_DPL; e++) {
            int dd = lane + 32 * e;
            if (dd < d) out[row * d + dd] = acc[r][e] * inv;
        }
        if (lane == 0) lse[row] = l[r] > 0.f ? m[r] + logf(l[r]) : -INFINITY;
    }
}

// one warp per row; rows = B*H*Tq
extern "C" __global__ void pl_attn_bwd_dot(const float* __restrict__ out, const float* __restrict__ gOut,
                                           float* __restrict__ delta, long long rows, int d) {
    int lane = threadIdx.x & 31;
    long long row = (long long) blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (row >= rows) return;
    float s = 0.f;
    for (int e = lane; e < d; e += 32) s += out[row * d + e] * gOut[row * d + e];
    s = warp_sum(s);
    if (lane == 0) delta[row] = s;
}

// Dynamic shared memory: qs[32][D+1], gos[32][D+1], kt[16][D], vt[16][D], ls[32], ds[32].
extern "C" __global__ void __launch_bounds__(256) pl_attn_bwd_dkv(
        const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
        const float* __restrict__ mask, const float* __restrict__ lse, const float* __restrict__ delta,
        const float* __restrict__ gOut, float* __restrict__ gk, float* __restrict__ gv,
        int h, int tq, int tk, int d, int causal, float scale) {
    extern __shared__ float smem[];
    int dp = d + 1;
    float* qs = smem;
    float* gos = qs + ATT_TILE * dp;
    float* kt = gos + ATT_TILE * dp;
    float* vt = kt + ATT_ROWS * d;
    float* ls = vt + ATT_ROWS * d;
    float* dls = ls + ATT_TILE;
    int bh = blockIdx.y, b = bh / h;
    int k0 = blockIdx.x * ATT_ROWS;
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const float* qb = q + (long long) bh * tq * d;
    const float* gb = gOut + (long long) bh * tq * d;
    for (int t = threadIdx.x; t < ATT_ROWS * d; t += blockDim.x) {
        int r = t / d;
        bool in = k0 + r < tk;
        kt[t] = in ? k[((long long) bh * tk + k0 + r) * d + t - r * d] : 0.f;
        vt[t] = in ? v[((long long) bh * tk + k0 + r) * d + t - r * d] : 0.f;
    }
    float dk[ATT_RPW][ATT_DPL], dv[ATT_RPW][ATT_DPL];
    bool keyOn[ATT_RPW];
    #pragma unroll
    for (int r = 0; r < ATT_RPW; r++) {
        int key = k0 + warp * ATT_RPW + r;
        keyOn[r] = key < tk && (mask == nullptr || mask[(long long) b * tk + key] != 0.f);
        #pragma unroll
        for (int e = 0; e < ATT_DPL; e++) dk[r][e] = dv[r][e] = 0.f;
    }
    // first query that can see key k0: position tk - tq + i >= k0
    int qStart = causal ? max(0, k0 - (tk - tq)) : 0;
    qStart -= qStart % ATT_TILE;
    for (int i0 = qStart; i0 < tq; i0 += ATT_TILE) {
        __syncthreads();
        for (int t = threadIdx.x; t < ATT_TILE * d; t += blockDim.x) {
            int r = t / d, e = t - r * d;
            bool in = i0 + r < tq;
            qs[r * dp + e] = in ? qb[(long long) (i0 + r) * d + e] : 0.f;
            gos[r * dp + e] = in ? gb[(long long) (i0 + r) * d + e] : 0.f;
        }
        if (threadIdx.x < ATT_TILE) {
            int i = i0 + threadIdx.x;
            ls[threadIdx.x] = i < tq ? lse[(long long) bh * tq + i] : -INFINITY;
            dls[threadIdx.x] = i < tq ? delta[(long long) bh * tq + i] : 0.f;
        }
        __syncthreads();
        int qi = i0 + lane;
        float li = ls[lane], di = dls[lane];
        #pragma unroll
        for (int r = 0; r < ATT_RPW; r++) {
            int key = k0 + warp * ATT_RPW + r;
            bool on = keyOn[r] && qi < tq && li != -INFINITY && key < att_limit(causal, qi, tq, tk);
            const float* kr = kt + (warp * ATT_RPW + r) * d;
            const float* vr = vt + (warp * ATT_RPW + r) * d;
            float s = 0.f, dpv = 0.f;
            for (int e = 0; e < d; e++) {
                s += qs[lane * dp + e] * kr[e];
                dpv += gos[lane * dp + e] * vr[e];
            }
            float p = on ? __expf(s * scale - li) : 0.f;
            float dsv = p * (dpv - di) * scale;
            for (int j = 0; j < ATT_TILE; j++) {
                float pj = __shfl_sync(0xffffffffu, p, j);
                float sj = __shfl_sync(0xffffffffu, dsv, j);
                #pragma unroll
                for (int e = 0; e < ATT_DPL; e++) {
                    int dd = lane + 32 * e;
                    if (dd < d) {
                        dv[r][e] += pj * gos[j * dp + dd];
                        dk[r][e] += sj * qs[j * dp + dd];
                    }
                }
            }
        }
    }
    #pragma unroll
    for (int r = 0; r < ATT_RPW; r++) {
        int key = k0 + warp * ATT_RPW + r;
        if (key >= tk) break;
        long long row = (long long) bh * tk + key;
        #pragma unroll
        for (int e = 0; e < ATT_DPL; e++) {
            int dd = lane + 32 * e;
            if (dd < d) {
                gk[row * d + dd] = dk[r][e];
                gv[row * d + dd] = dv[r][e];
            }
        }
    }
}

// Dynamic shared memory: ks[32][D+1], vs[32][D+1], qs[16][D], gos[16][D].
extern "C" __global__ void __launch_bounds__(256) pl_attn_bwd_dq(
        const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
        const float* __restrict__ mask, const float* __restrict__ lse, const float* __restrict__ delta,
        const float* __restrict__ gOut, float* __restrict__ gq, int h, int tq, int tk, int d, int causal, float scale) {
    extern __shared__ float smem[];
    int dp = d + 1;
    float* ks = smem;
    float* vs = ks + ATT_TILE * dp;
    float* qs = vs + ATT_TILE * dp;
    float* gos = qs + ATT_ROWS * d;
    int bh = blockIdx.y, b = bh / h;
    int q0 = blockIdx.x * ATT_ROWS;
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const float* kb = k + (long long) bh * tk * d;
    const float* vb = v + (long long) bh * tk * d;
    for (int t = threadIdx.x; t < ATT_ROWS * d; t += blockDim.x) {
        int r = t / d;
        bool in = q0 + r < tq;
        long long at = ((long long) bh * tq + q0 + r) * d + t - r * d;
        qs[t] = in ? q[at] : 0.f;
        gos[t] = in ? gOut[at] : 0.f;
    }
    float acc[ATT_RPW][ATT_DPL], li[ATT_RPW], di[ATT_RPW];
    #pragma unroll
    for (int r = 0; r < ATT_RPW; r++) {
        int qi = q0 + warp * ATT_RPW + r;
        li[r] = qi < tq ? lse[(long long) bh * tq + qi] : -INFINITY;
        di[r] = qi < tq ? delta[(long long) bh * tq + qi] : 0.f;
        #pragma unroll
        for (int e = 0; e < ATT_DPL; e++) acc[r][e] = 0.f;
    }
    int lastQ = min(tq, q0 + ATT_ROWS) - 1;
    int kEnd = min(tk, att_limit(causal, lastQ, tq, tk));
    for (int k0 = 0; k0 < kEnd; k0 += ATT_TILE) {
        __syncthreads();
        for (int t = threadIdx.x; t < ATT_TILE * d; t += blockDim.x) {
            int r = t / d, e = t - r * d;
            bool in = k0 + r < tk;
            ks[r * dp + e] = in ? kb[(long long) (k0 + r) * d + e] : 0.f;
            vs[r * dp + e] = in ? vb[(long long) (k0 + r) * d + e] : 0.f;
        }
        __syncthreads();
        int key = k0 + lane;
        bool keyOn = key < tk && (mask == nullptr || mask[(long long) b * tk + key] != 0.f);
        #pragma unroll
        for (int r = 0; r < ATT_RPW; r++) {
            int qi = q0 + warp * ATT_RPW + r;
            if (qi >= tq) break;
            bool on = keyOn && li[r] != -INFINITY && key < att_limit(causal, qi, tq, tk);
            const float* qr = qs + (warp * ATT_RPW + r) * d;
            const float* gr = gos + (warp * ATT_RPW + r) * d;
            float s = 0.f, dpv = 0.f;
            for (int e = 0; e < d; e++) {
                s += qr[e] * ks[lane * dp + e];
                dpv += gr[e] * vs[lane * dp + e];
            }
            float p = on ? __expf(s * scale - li[r]) : 0.f;
            float dsv = p * (dpv - di[r]) * scale;
            for (int j = 0; j < ATT_TILE; j++) {
                float sj = __shfl_sync(0xffffffffu, dsv, j);
                #pragma unroll
                for (int e = 0; e < ATT_DPL; e++) {
                    int dd = lane + 32 * e;
                    if (dd < d) acc[r][e] += sj * ks[j * dp + dd];
                }
            }
        }
    }
    #pragma unroll
    for (int r = 0; r < ATT_RPW; r++) {
        int qi = q0 + warp * ATT_RPW + r;
        if (qi >= tq) break;
        long long row = (long long) bh * tq + qi;
        #pragma unroll
        for (int e = 0; e < ATT_DPL; e++) {
            int dd = lane + 32 * e;
            if (dd < d) gq[row * d + dd] = acc[r][e];
        }
    }
}
