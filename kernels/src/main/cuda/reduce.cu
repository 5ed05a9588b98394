// reduce.cu — SUM / MAX / MIN / ARGMAX / ARGMIN of x over any set of dims.
//
//   x: any layout F32; kept dims K (row-major) index out; reduced dims R are walked row-major.
//   out: (prod K) F32, or I32 for ARG* (index within the reduced block, row-major).
// Semantics mirror CpuReduce: sums accumulate in double; MAX/MIN propagate NaN; ARG* pick the
// first occurrence, and the first NaN if there is one.
// Versions: pl_reduce_block — one block per output, threads stride the reduced block (used when
//           the innermost reduced dim is contiguous, e.g. row sums / row max);
//           pl_reduce_thread — one thread per output, coalesced across kept dims (used when the
//           reduction runs across rows, e.g. bias gradients: sum over leading dims).
// Not yet measured on a GPU.
#include "common.cuh"

struct ReduceDesc {
    int nk, nr;                 // kept / reduced rank
    int off;                    // element offset of x
    int kshape[PL_MAX_RANK], kstride[PL_MAX_RANK];
    int rshape[PL_MAX_RANK], rstride[PL_MAX_RANK];
};

__device__ __forceinline__ long long kept_offset(const ReduceDesc& d, long long o) {
    long long p = d.off;
    for (int k = d.nk - 1; k >= 0; k--) {
        long long q = o / d.kshape[k];
        p += (o - q * d.kshape[k]) * (long long) d.kstride[k];
        o = q;
    }
    return p;
}

__device__ __forceinline__ long long reduced_offset(const ReduceDesc& d, long long r) {
    long long p = 0;
    for (int k = d.nr - 1; k >= 0; k--) {
        long long q = r / d.rshape[k];
        p += (r - q * d.rshape[k]) * (long long) d.rstride[k];
        r = q;
    }
    return p;
}

// Best-so-far for MAX/MIN/ARG*: (value, position, isNaN). Position -1 = empty.
struct Best {
    float v;
    int at;
    int nan;
};

__device__ __forceinline__ Best best_of(Best a, Best b, bool max) {
    if (a.at < 0) return b;
    if (b.at < 0) return a;
    if (a.nan || b.nan) {
        if (a.nan && b.nan) return a.at < b.at ? a : b;
        return a.nan ? a : b;
    }
    bool bBetter = max ? b.v > a.v : b.v < a.v;
    if (bBetter) return b;
    if (b.v == a.v && b.at < a.at) return b;
    return a;
}

__device__ __forceinline__ Best shfl_best(Best b, int o) {
    Best r;
    r.v = __shfl_xor_sync(0xffffffffu, b.v, o);
    r.at = __shfl_xor_sync(0xffffffffu, b.at, o);
    r.nan = __shfl_xor_sync(0xffffffffu, b.nan, o);
    return r;
}

__device__ __forceinline__ void write_result(int op, void* out, long long o, double sum, Best b) {
    if (op == 0) ((float*) out)[o] = (float) sum;
    else if (op >= 3) ((int*) out)[o] = b.at;
    else ((float*) out)[o] = b.nan ? __int_as_float(0x7fc00000) : b.v;
}

// grid: any; block: 256 threads; one output per block iteration.
extern "C" __global__ void pl_reduce_block(ReduceDesc d, long long nOut, long long inner, int op,
                                           const float* __restrict__ x, void* out) {
    __shared__ double sd[32];
    __shared__ Best sb[32];
    bool max = op == 1 || op == 3;
    for (long long o = blockIdx.x; o < nOut; o += gridDim.x) {
        long long base = kept_offset(d, o);
        double sum = 0;
        Best b = {0.f, -1, 0};
        for (long long r = threadIdx.x; r < inner; r += blockDim.x) {
            float v = x[base + reduced_offset(d, r)];
            if (op == 0) sum += v;
            else b = best_of(b, Best{v, (int) r, isnan(v) ? 1 : 0}, max);
        }
        if (op == 0) {
            sum = block_sum_d(sum, sd);
        } else {
            for (int s = 16; s > 0; s >>= 1) b = best_of(b, shfl_best(b, s), max);
            int lane = threadIdx.x & 31, w = threadIdx.x >> 5;
            __syncthreads();
            if (lane == 0) sb[w] = b;
            __syncthreads();
            b = lane < (int) (blockDim.x >> 5) ? sb[lane] : Best{0.f, -1, 0};
            for (int s = 16; s > 0; s >>= 1) b = best_of(b, shfl_best(b, s), max);
        }
        if (threadIdx.x == 0) write_result(op, out, o, sum, b);
        __syncthreads();
    }
}

// one thread per output
extern "C" __global__ void pl_reduce_thread(ReduceDesc d, long long nOut, long long inner, int op,
                                            const float* __restrict__ x, void* out) {
    bool max = op == 1 || op == 3;
    GRID_STRIDE(o, nOut) {
        long long base = kept_offset(d, o);
        double sum = 0;
        Best b = {0.f, -1, 0};
        for (long long r = 0; r < inner; r++) {
            float v = x[base + reduced_offset(d, r)];
            if (op == 0) sum += v;
            else if (b.at < 0 || (!b.nan && (isnan(v) || (max ? v > b.v : v < b.v)))) b = Best{v, (int) r, isnan(v) ? 1 : 0};
        }
        write_result(op, out, o, sum, b);
    }
}
