// softmax.cu — row softmax / log-softmax forward and backward, and fused cross-entropy.
//
//   pl_softmax        x (R, V)                     -> out (R, V)   (log = 1: log-softmax)
//   pl_softmax_bwd    y, gy (R, V)                 -> gx (R, V)    gx = y(gy - Σgy·y) | gy - e^y Σgy
//   pl_xent_fwd       logits (N, V), target (N)    -> loss (N), lse (N)   (no probabilities written)
//   pl_xent_bwd       logits, target, lse, gLoss   -> gLogits (N, V) = g (softmax - onehot), written once
// All contiguous F32. One block per row (blockDim chosen by the host from V: 32..1024).
// Row statistics use an online max/sum in one read pass (Milakov & Gimelshein 2018), then one
// write pass. Fully −∞ rows give NaN like the CPU reference (max treated as 0, sum 0).
// Not yet measured on a GPU (target: >= 80% of device copy bandwidth).
#include "common.cuh"

struct MaxSum {
    float m, s;
};

__device__ __forceinline__ MaxSum ms_combine(MaxSum a, MaxSum b) {
    float m = fmaxf(a.m, b.m);
    if (m == -INFINITY) return MaxSum{m, 0.f};
    float s = (a.m == -INFINITY ? 0.f : a.s * __expf(a.m - m)) + (b.m == -INFINITY ? 0.f : b.s * __expf(b.m - m));
    return MaxSum{m, s};
}

// Max and Σ exp(x - max) of one row, block-wide; every thread gets the result.
__device__ __forceinline__ MaxSum row_max_sum(const float* __restrict__ row, int v, MaxSum* scratch) {
    MaxSum t = {-INFINITY, 0.f};
    for (int j = threadIdx.x; j < v; j += blockDim.x) {
        float x = row[j];
        if (x == -INFINITY) continue;
        if (x > t.m) {
            t.s = (t.m == -INFINITY ? 0.f : t.s * expf(t.m - x)) + 1.f;
            t.m = x;
        } else {
            t.s += expf(x - t.m);
        }
        if (isnan(x)) t.m = x;
    }
    #pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        MaxSum u = {__shfl_xor_sync(0xffffffffu, t.m, o), __shfl_xor_sync(0xffffffffu, t.s, o)};
        t = ms_combine(t, u);
    }
    int lane = threadIdx.x & 31, w = threadIdx.x >> 5, nw = blockDim.x >> 5;
    __syncthreads();
    if (lane == 0) scratch[w] = t;
    __syncthreads();
    t = lane < nw ? scratch[lane] : MaxSum{-INFINITY, 0.f};
    #pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        MaxSum u = {__shfl_xor_sync(0xffffffffu, t.m, o), __shfl_xor_sync(0xffffffffu, t.s, o)};
        t = ms_combine(t, u);
    }
    return t;
}

extern "C" __global__ void pl_softmax(const float* __restrict__ x, float* __restrict__ out, int rows, int v, int log) {
    __shared__ MaxSum scratch[32];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + (long long) r * v;
        float* orow = out + (long long) r * v;
        MaxSum t = row_max_sum(xr, v, scratch);
        float m = t.m == -INFINITY ? 0.f : t.m;
        if (log) {
            float l = m + logf(t.s);
            for (int j = threadIdx.x; j < v; j += blockDim.x) orow[j] = xr[j] - l;
        } else {
            float inv = 1.f / t.s;
            for (int j = threadIdx.x; j < v; j += blockDim.x) orow[j] = expf(xr[j] - m) * inv;
        }
    }
}

extern "C" __global__ void pl_softmax_bwd(const float* __restrict__ y, const float* __restrict__ gy,
                                          float* __restrict__ gx, int rows, int v, int log) {
    __shared__ float scratch[32];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        long long base = (long long) r * v;
        float dot = 0.f;
        for (int j = threadIdx.x; j < v; j += blockDim.x) dot += log ? gy[base + j] : gy[base + j] * y[base + j];
        dot = block_sum(dot, scratch);
        for (int j = threadIdx.x; j < v; j += blockDim.x) {
            float g = gy[base + j], yy = y[base + j];
            gx[base + j] = log ? g - expf(yy) * dot : yy * (g - dot);
        }
        __syncthreads();
    }
}

// err: (flag, row, target) of the first out-of-range target (ignoreIndex excepted).
extern "C" __global__ void pl_xent_fwd(const float* __restrict__ logits, const int* __restrict__ target, float* loss,
                                       float* lse, int n, int v, int ignore, int* err) {
    __shared__ MaxSum scratch[32];
    for (int r = blockIdx.x; r < n; r += gridDim.x) {
        const float* xr = logits + (long long) r * v;
        MaxSum t = row_max_sum(xr, v, scratch);
        if (threadIdx.x == 0) {
            float l = t.m + logf(t.s);
            int tr = target[r];
            lse[r] = l;
            if (tr == ignore) {
                loss[r] = 0.f;
            } else if (tr < 0 || tr >= v) {
                report_bad_index(err, r, tr);
                loss[r] = __int_as_float(0x7fc00000);
            } else {
                loss[r] = l - xr[tr];
            }
        }
    }
}

extern "C" __global__ void pl_xent_bwd(const float* __restrict__ logits, const int* __restrict__ target,
                                       const float* __restrict__ lse, const float* __restrict__ gLoss,
                                       float* __restrict__ gLogits, int n, int v, int ignore) {
    for (int r = blockIdx.x; r < n; r += gridDim.x) {
        long long base = (long long) r * v;
        int tr = target[r];
        if (tr == ignore) {
            for (int j = threadIdx.x; j < v; j += blockDim.x) gLogits[base + j] = 0.f;
            continue;
        }
        float g = gLoss[r], l = lse[r];
        for (int j = threadIdx.x; j < v; j += blockDim.x) {
            float p = g * expf(logits[base + j] - l);
            gLogits[base + j] = j == tr ? p - g : p;
        }
    }
}
