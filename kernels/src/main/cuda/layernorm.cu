// layernorm.cu — LayerNorm over the last dim, forward and backward.
//
//   pl_layernorm_fwd     x (N, C), w, b (C) or null -> out (N, C), mean (N), rstd (N) = 1/sqrt(var + eps)
//   pl_layernorm_bwd_x   gy, x (N, C), w, mean, rstd -> gx (N, C) = rstd (d - mean(d) - n·mean(d·n)),
//                        d = gy·w, n = (x - mean)·rstd
//   pl_layernorm_bwd_wb_partial  -> partial (chunks, 2, C): Σ over a row chunk of gy·n and gy
//   pl_layernorm_bwd_wb_final    -> gW, gB (C) overwritten: Σ over chunks (deterministic, no atomics)
// Contiguous F32. Forward / gx: one warp per row, 8 rows per block, two-pass variance (mean first)
// in float; rows are re-read from L1/L2. Biased variance, as the CPU reference.
// Not yet measured on a GPU (target: >= 80% of copy bandwidth; PyTorch does (8192, 768) in ~30 µs).
#include "common.cuh"

extern "C" __global__ void pl_layernorm_fwd(const float* __restrict__ x, const float* __restrict__ w,
                                            const float* __restrict__ b, float eps, float* __restrict__ out,
                                            float* __restrict__ mean, float* __restrict__ rstd, int n, int c) {
    int lane = threadIdx.x & 31;
    int row = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (row >= n) return;
    const float* xr = x + (long long) row * c;
    float s = 0.f;
    for (int j = lane; j < c; j += 32) s += xr[j];
    float mu = warp_sum(s) / c;
    float s2 = 0.f;
    for (int j = lane; j < c; j += 32) {
        float d = xr[j] - mu;
        s2 += d * d;
    }
    float rs = rsqrtf(warp_sum(s2) / c + eps);
    float* orow = out + (long long) row * c;
    for (int j = lane; j < c; j += 32) {
        float v = (xr[j] - mu) * rs;
        if (w) v *= w[j];
        if (b) v += b[j];
        orow[j] = v;
    }
    if (lane == 0) {
        mean[row] = mu;
        rstd[row] = rs;
    }
}

extern "C" __global__ void pl_layernorm_bwd_x(const float* __restrict__ gy, const float* __restrict__ x,
                                              const float* __restrict__ w, const float* __restrict__ mean,
                                              const float* __restrict__ rstd, float* __restrict__ gx, int n, int c) {
    int lane = threadIdx.x & 31;
    int row = blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (row >= n) return;
    long long base = (long long) row * c;
    float mu = mean[row], rs = rstd[row];
    float sd = 0.f, sdn = 0.f;
    for (int j = lane; j < c; j += 32) {
        float d = gy[base + j] * (w ? w[j] : 1.f);
        sd += d;
        sdn += d * (x[base + j] - mu) * rs;
    }
    float md = warp_sum(sd) / c, mdn = warp_sum(sdn) / c;
    for (int j = lane; j < c; j += 32) {
        float d = gy[base + j] * (w ? w[j] : 1.f);
        float nv = (x[base + j] - mu) * rs;
        gx[base + j] = (d - md - nv * mdn) * rs;
    }
}

// block (32, 8); grid (ceil(C/32), chunks); partial (chunks, 2, C)
extern "C" __global__ void pl_layernorm_bwd_wb_partial(const float* __restrict__ gy, const float* __restrict__ x,
                                                       const float* __restrict__ mean, const float* __restrict__ rstd,
                                                       float* __restrict__ partial, int n, int c, int rowsPerChunk) {
    __shared__ float sw[8][33], sb[8][33];
    int col = blockIdx.x * 32 + threadIdx.x;
    int r0 = blockIdx.y * rowsPerChunk, r1 = min(n, r0 + rowsPerChunk);
    float aw = 0.f, ab = 0.f;
    if (col < c) {
        for (int r = r0 + threadIdx.y; r < r1; r += 8) {
            long long p = (long long) r * c + col;
            float g = gy[p];
            aw += g * (x[p] - mean[r]) * rstd[r];
            ab += g;
        }
    }
    sw[threadIdx.y][threadIdx.x] = aw;
    sb[threadIdx.y][threadIdx.x] = ab;
    __syncthreads();
    if (threadIdx.y == 0 && col < c) {
        for (int k = 1; k < 8; k++) {
            aw += sw[k][threadIdx.x];
            ab += sb[k][threadIdx.x];
        }
        partial[(long long) blockIdx.y * 2 * c + col] = aw;
        partial[(long long) blockIdx.y * 2 * c + c + col] = ab;
    }
}

extern "C" __global__ void pl_layernorm_bwd_wb_final(const float* __restrict__ partial, float* gw, float* gb, int c,
                                                     int chunks) {
    GRID_STRIDE(col, c) {
        float aw = 0.f, ab = 0.f;
        for (int k = 0; k < chunks; k++) {
            aw += partial[(long long) k * 2 * c + col];
            ab += partial[(long long) k * 2 * c + c + col];
        }
        if (gw) gw[col] = aw;
        if (gb) gb[col] = ab;
    }
}
