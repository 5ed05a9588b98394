// common.cuh — shared definitions of the Plumbline CUDA kernels (included by every family .cu).
//
// Layout conventions (mirrored by dev.plumbline.kernels.cuda.CudaLayout on the Java side):
//   dtype codes: 0 = F32, 1 = BF16, 2 = I32 (same order as dev.plumbline.tensor.DType).
//   Strided: up to 4 operands (operand 0 is the output) over one shape of rank <= 8;
//   element offsets and strides are in elements of each operand's own dtype; stride 0 = broadcast.
// Not yet measured on a GPU.
#pragma once
#include <cuda_bf16.h>
#include <stdint.h>

#define PL_MAX_RANK 8
#define PL_MAX_OPS 4

struct Strided {
    int rank;                          // number of dims (0 = scalar)
    int contiguous;                    // 1 when every operand is contiguous and dense (fast path)
    int shape[PL_MAX_RANK];
    int off[PL_MAX_OPS];               // element offset of each operand
    int stride[PL_MAX_OPS][PL_MAX_RANK];
};

// Element offsets of linear index i (row-major over shape) for the first n operands.
template <int N>
__device__ __forceinline__ void strided_offsets(const Strided& s, long long i, long long (&o)[N]) {
    #pragma unroll
    for (int k = 0; k < N; k++) o[k] = s.off[k];
    if (s.contiguous) {
        #pragma unroll
        for (int k = 0; k < N; k++) o[k] += i;
        return;
    }
    #pragma unroll
    for (int d = PL_MAX_RANK - 1; d >= 0; d--) {
        if (d < s.rank) {
            int sz = s.shape[d];
            long long q = i / sz;
            int idx = (int) (i - q * sz);
            i = q;
            #pragma unroll
            for (int k = 0; k < N; k++) o[k] += (long long) idx * s.stride[k][d];
        }
    }
}

__device__ __forceinline__ float load_as_float(const void* p, int dtype, long long at) {
    if (dtype == 0) return ((const float*) p)[at];
    if (dtype == 1) return __bfloat162float(((const __nv_bfloat16*) p)[at]);
    return (float) ((const int*) p)[at];
}

// F32 -> I32 truncates toward zero, NaN -> 0, saturating (Java's (int) cast).
__device__ __forceinline__ int float_to_int_java(float v) {
    return isnan(v) ? 0 : __float2int_rz(v);
}

__device__ __forceinline__ void store_float(void* p, int dtype, long long at, float v) {
    if (dtype == 0) ((float*) p)[at] = v;
    else if (dtype == 1) ((__nv_bfloat16*) p)[at] = __float2bfloat16_rn(v);
    else ((int*) p)[at] = float_to_int_java(v);
}

#define GRID_STRIDE(i, n) for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
                               i += (long long) gridDim.x * blockDim.x)

__device__ __forceinline__ float warp_sum(float v) {
    #pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    #pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Block-wide sum/max for blockDim.x a multiple of 32, <= 1024. Every thread gets the result.
__device__ __forceinline__ float block_sum(float v, float* scratch32) {
    v = warp_sum(v);
    int lane = threadIdx.x & 31, w = threadIdx.x >> 5, nw = blockDim.x >> 5;
    __syncthreads();
    if (lane == 0) scratch32[w] = v;
    __syncthreads();
    v = lane < nw ? scratch32[lane] : 0.f;
    return warp_sum(v);
}

__device__ __forceinline__ float block_max(float v, float* scratch32) {
    v = warp_max(v);
    int lane = threadIdx.x & 31, w = threadIdx.x >> 5, nw = blockDim.x >> 5;
    __syncthreads();
    if (lane == 0) scratch32[w] = v;
    __syncthreads();
    v = lane < nw ? scratch32[lane] : -INFINITY;
    return warp_max(v);
}

__device__ __forceinline__ double warp_sum_d(double v) {
    #pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ double block_sum_d(double v, double* scratch32) {
    v = warp_sum_d(v);
    int lane = threadIdx.x & 31, w = threadIdx.x >> 5, nw = blockDim.x >> 5;
    __syncthreads();
    if (lane == 0) scratch32[w] = v;
    __syncthreads();
    v = lane < nw ? scratch32[lane] : 0.0;
    return warp_sum_d(v);
}

// Records the first offending index position of an indexing kernel (checked by the host).
__device__ __forceinline__ void report_bad_index(int* err, long long pos, int id) {
    if (atomicCAS(err, 0, 1) == 0) {
        err[1] = (int) pos;
        err[2] = id;
    }
}
