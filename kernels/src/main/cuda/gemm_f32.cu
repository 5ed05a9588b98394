// gemm_f32.cu — own SIMT F32 GEMM: out (batch, M, N) = a (batch, M, K) @ b (batch, K, N).
//
//   a: strided, either K-contiguous (row-major, aCs = 1) or M-contiguous (transposed view, aRs = 1)
//   b: strided, either N-contiguous (bCs = 1) or K-contiguous (transposed view, bRs = 1)
//   out: contiguous F32 (batch, M, N); batch dims (<= 6) broadcast through per-dim strides
// Version 1: 128×128 block tile, BK = 8, 256 threads, 8 warps as 4 (M) × 2 (N) warp tiles of 32×64,
// each thread an 8×8 micro-tile as 2×2 groups of 4×4 (float4 shared-memory reads, conflict free);
// 16-byte vectorised global loads where the host proves alignment (VEC), guarded scalar loads at
// edges; double-buffered shared memory with register prefetch of the next K slice (one
// __syncthreads per slice). Other layouts are made contiguous by the host first.
// Not yet measured on a GPU (target: SGEMM 4096³ >= 0.8× cuBLAS; cuBLAS ran 52.0 TFLOP/s there).
#include "common.cuh"

#define GB_M 128
#define GB_N 128
#define GB_K 8

struct GemmBatch {
    int nb;                 // batch rank (<= 6)
    int shape[6];
    int as[6], bs[6];       // batch strides of a and b (0 = broadcast)
};

__device__ __forceinline__ void batch_offsets(const GemmBatch& g, int z, long long& ao, long long& bo) {
    ao = 0;
    bo = 0;
    for (int d = g.nb - 1; d >= 0; d--) {
        int i = z % g.shape[d];
        z /= g.shape[d];
        ao += (long long) i * g.as[d];
        bo += (long long) i * g.bs[d];
    }
}

// Loads 4 elements along the contiguous direction starting at (r, c) of a matrix with row stride
// rs and column stride 1 (caller swaps roles for transposed layouts). Out of range -> 0.
template <bool VEC>
__device__ __forceinline__ float4 load4(const float* __restrict__ p, int r, int c, int rows, int cols, long long rs) {
    if (r < rows && VEC && c + 3 < cols) {
        return *reinterpret_cast<const float4*>(p + r * rs + c);
    }
    float4 v = make_float4(0.f, 0.f, 0.f, 0.f);
    if (r < rows) {
        const float* q = p + r * rs;
        if (c < cols) v.x = q[c];
        if (c + 1 < cols) v.y = q[c + 1];
        if (c + 2 < cols) v.z = q[c + 2];
        if (c + 3 < cols) v.w = q[c + 3];
    }
    return v;
}

// AK: a is K-contiguous (lda = aRs) else M-contiguous (lda = aCs). BN: b is N-contiguous (ldb = bRs)
// else K-contiguous (ldb = bCs).
template <bool AK, bool BN, bool VEC>
__device__ __forceinline__ void sgemm_body(const float* __restrict__ a, const float* __restrict__ b,
                                           float* __restrict__ out, int m, int n, int k, long long lda,
                                           long long ldb, GemmBatch g) {
    __shared__ __align__(16) float as[2][GB_K][GB_M];
    __shared__ __align__(16) float bs[2][GB_K][GB_N];
    int t = threadIdx.x;
    int bm = blockIdx.y * GB_M, bn = blockIdx.x * GB_N;
    long long ao, bo;
    batch_offsets(g, blockIdx.z, ao, bo);
    a += ao;
    b += bo;
    out += (long long) blockIdx.z * m * n;

    // global -> register slice loaders
    auto loadA = [&](int k0) -> float4 {
        if (AK) return load4<VEC>(a, bm + (t >> 1), k0 + (t & 1) * 4, m, k, lda);        // (row, 4 k)
        return load4<VEC>(a, k0 + (t >> 5), bm + (t & 31) * 4, k, m, lda);               // (k, 4 rows)
    };
    auto loadB = [&](int k0) -> float4 {
        if (BN) return load4<VEC>(b, k0 + (t >> 5), bn + (t & 31) * 4, k, n, ldb);       // (k, 4 cols)
        return load4<VEC>(b, bn + (t >> 1), k0 + (t & 1) * 4, n, k, ldb);                // (col, 4 k)
    };
    auto storeA = [&](int s, float4 v) {
        if (AK) {
            int r = t >> 1, kk = (t & 1) * 4;
            as[s][kk][r] = v.x; as[s][kk + 1][r] = v.y; as[s][kk + 2][r] = v.z; as[s][kk + 3][r] = v.w;
        } else {
            *reinterpret_cast<float4*>(&as[s][t >> 5][(t & 31) * 4]) = v;
        }
    };
    auto storeB = [&](int s, float4 v) {
        if (BN) {
            *reinterpret_cast<float4*>(&bs[s][t >> 5][(t & 31) * 4]) = v;
        } else {
            int c = t >> 1, kk = (t & 1) * 4;
            bs[s][kk][c] = v.x; bs[s][kk + 1][c] = v.y; bs[s][kk + 2][c] = v.z; bs[s][kk + 3][c] = v.w;
        }
    };

    int warp = t >> 5, lane = t & 31;
    int wm = (warp >> 1) * 32, wn = (warp & 1) * 64;
    int tm = wm + (lane >> 3) * 4, tn = wn + (lane & 7) * 4;   // rows tm..+3, tm+16..+19; cols tn..+3, tn+32..+35
    float acc[8][8];
    #pragma unroll
    for (int i = 0; i < 8; i++)
        #pragma unroll
        for (int j = 0; j < 8; j++) acc[i][j] = 0.f;

    float4 ra = loadA(0), rb = loadB(0);
    storeA(0, ra);
    storeB(0, rb);
    __syncthreads();
    int s = 0;
    for (int k0 = 0; k0 < k; k0 += GB_K) {
        bool more = k0 + GB_K < k;
        if (more) {
            ra = loadA(k0 + GB_K);
            rb = loadB(k0 + GB_K);
        }
        #pragma unroll
        for (int kk = 0; kk < GB_K; kk++) {
            float4 a0 = *reinterpret_cast<const float4*>(&as[s][kk][tm]);
            float4 a1 = *reinterpret_cast<const float4*>(&as[s][kk][tm + 16]);
            float4 b0 = *reinterpret_cast<const float4*>(&bs[s][kk][tn]);
            float4 b1 = *reinterpret_cast<const float4*>(&bs[s][kk][tn + 32]);
            float av[8] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
            float bv[8] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
            #pragma unroll
            for (int i = 0; i < 8; i++)
                #pragma unroll
                for (int j = 0; j < 8; j++) acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
        }
        if (more) {
            storeA(s ^ 1, ra);
            storeB(s ^ 1, rb);
        }
        __syncthreads();
        s ^= 1;
    }
    #pragma unroll
    for (int i = 0; i < 8; i++) {
        int r = bm + tm + (i & 3) + (i >> 2) * 16;
        if (r >= m) continue;
        #pragma unroll
        for (int h = 0; h < 2; h++) {
            int c = bn + tn + h * 32;
            float* o = out + (long long) r * n + c;
            if (VEC && c + 3 < n) {
                *reinterpret_cast<float4*>(o) = make_float4(acc[i][h * 4], acc[i][h * 4 + 1], acc[i][h * 4 + 2], acc[i][h * 4 + 3]);
            } else {
                #pragma unroll
                for (int j = 0; j < 4; j++)
                    if (c + j < n) o[j] = acc[i][h * 4 + j];
            }
        }
    }
}

// Entry points: name = pl_sgemm_<a layout><b layout>[_vec]; a: n = K-contig, t = M-contig;
// b: n = N-contig, t = K-contig (BLAS-like "NN" = both row-major). grid (ceil(N/128), ceil(M/128), batch)
#define SGEMM_ENTRY(NAME, AK, BN, VEC)                                                                   \
    extern "C" __global__ void __launch_bounds__(256) NAME(const float* __restrict__ a,                  \
            const float* __restrict__ b, float* __restrict__ out, int m, int n, int k, long long lda,    \
            long long ldb, GemmBatch g) {                                                                 \
        sgemm_body<AK, BN, VEC>(a, b, out, m, n, k, lda, ldb, g);                                         \
    }

SGEMM_ENTRY(pl_sgemm_nn, true, true, false)
SGEMM_ENTRY(pl_sgemm_nt, true, false, false)
SGEMM_ENTRY(pl_sgemm_tn, false, true, false)
SGEMM_ENTRY(pl_sgemm_tt, false, false, false)
SGEMM_ENTRY(pl_sgemm_nn_vec, true, true, true)
SGEMM_ENTRY(pl_sgemm_nt_vec, true, false, true)
SGEMM_ENTRY(pl_sgemm_tn_vec, false, true, true)
SGEMM_ENTRY(pl_sgemm_tt_vec, false, false, true)
