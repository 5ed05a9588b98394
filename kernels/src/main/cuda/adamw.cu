// adamw.cu — one multi-tensor AdamW step over a table of parameter groups (PyTorch semantics).
//
//   table (T) of {p, g, m, v, n, wd}: p ← p·(1 − lr·wd); m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
//   p ← p − (lr/bc1) · m / (√v / √bc2 + eps)            (same operation order as CpuFused.adamw)
//   chunkStart (T + 1): prefix sums of per-tensor chunk counts; block b finds its tensor by binary
//   search, so one launch covers every parameter of a model (no launch per tensor).
// Contiguous F32, coalesced scalar accesses (version 1; float4 is a measured-later option).
// Not yet measured on a GPU (target: >= 80% of copy bandwidth: 4 reads + 3 writes per element).
#include "common.cuh"

struct AdamEntry {
    float* p;
    const float* g;
    float* m;
    float* v;
    long long n;
    float wd;
    int pad;
};

#define ADAM_CHUNK 16384

extern "C" __global__ void pl_adamw(const AdamEntry* __restrict__ table, const int* __restrict__ chunkStart, int tensors,
                                    float lr, float b1, float b2, float eps, float bc1, float bc2) {
    int blk = blockIdx.x;
    int lo = 0, hi = tensors - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) >> 1;
        if (chunkStart[mid] <= blk) lo = mid; else hi = mid - 1;
    }
    AdamEntry e = table[lo];
    long long begin = (long long) (blk - chunkStart[lo]) * ADAM_CHUNK;
    long long end = min(e.n, begin + ADAM_CHUNK);
    float decay = 1.f - lr * e.wd, sb2 = sqrtf(bc2), step = lr / bc1;
    for (long long j = begin + threadIdx.x; j < end; j += blockDim.x) {
        float g = e.g[j];
        float m = b1 * e.m[j] + (1.f - b1) * g;
        float v = b2 * e.v[j] + (1.f - b2) * g * g;
        e.m[j] = m;
        e.v[j] = v;
        e.p[j] = e.p[j] * decay - step * m / (sqrtf(v) / sb2 + eps);
    }
}
