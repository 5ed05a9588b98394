// random.cu — Philox4x32-10 draws, bit-identical to dev.plumbline.tensor.random.Philox (the
// contract is that class's javadoc; this file mirrors it line by line).
//
//   out (n) F32 contiguous; element i uses block b = offset + i/4, counter (lo32 b, hi32 b, 0, 0),
//   key (lo32 seed, hi32 seed), word i%4.
//   kind 0 UNIFORM(a=low, b=high):  u = (w >> 8) * 2^-24; v = __fadd_rn(low, __fmul_rn(high-low, u));
//                                    if (low < high && v >= high) v = nextafterf(high, -inf)
//   kind 1 NORMAL(a=mean, b=std):    Box–Muller per pair: u1 = ((w_even >> 8) + 1) * 2^-24,
//                                    u2 = (w_odd >> 8) * 2^-24, r = sqrt(-2 ln u1),
//                                    (z_even, z_odd) = r (cos 2πu2, sin 2πu2) via sincospif(2 u2)
//   kind 2 BERNOULLI(a=p):           u < p ? 1 : 0
// Uniform and Bernoulli are bit-exact with the CPU; normal agrees to ~1e-6 relative (float32
// transcendentals vs the CPU's float64 StrictMath), as the contract allows.
// Version 1: one thread per 128-bit block (4 outputs). Not yet measured on a GPU.
#include "common.cuh"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

__device__ __forceinline__ uint4 philox4x32_10(uint4 c, unsigned k0, unsigned k1) {
    #pragma unroll
    for (int r = 0; r < 10; r++) {
        if (r > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        unsigned hi0 = __umulhi(PHILOX_M0, c.x), lo0 = PHILOX_M0 * c.x;
        unsigned hi1 = __umulhi(PHILOX_M1, c.z), lo1 = PHILOX_M1 * c.z;
        c = make_uint4(hi1 ^ c.y ^ k0, lo1, hi0 ^ c.w ^ k1, lo0);
    }
    return c;
}

__device__ __forceinline__ float philox_uniform01(unsigned w) {
    return (float) (w >> 8) * 5.9604644775390625e-8f; // 2^-24, exact
}

// Draw element values of one block; m = number of valid elements (1..4).
extern "C" __global__ void pl_random(float* __restrict__ out, long long n, unsigned long long seed,
                                     unsigned long long offset, int kind, float a, float b) {
    long long blocks = (n + 3) >> 2;
    unsigned k0 = (unsigned) seed, k1 = (unsigned) (seed >> 32);
    GRID_STRIDE(blk, blocks) {
        unsigned long long ctr = offset + (unsigned long long) blk;
        uint4 w = philox4x32_10(make_uint4((unsigned) ctr, (unsigned) (ctr >> 32), 0u, 0u), k0, k1);
        unsigned ws[4] = {w.x, w.y, w.z, w.w};
        float v[4];
        if (kind == 1) {
            #pragma unroll
            for (int j = 0; j < 4; j += 2) {
                float u1 = (float) ((ws[j] >> 8) + 1) * 5.9604644775390625e-8f;
                float u2 = philox_uniform01(ws[j + 1]);
                float r = sqrtf(-2.f * logf(u1));
                float s, c;
                sincospif(2.f * u2, &s, &c);
                v[j] = __fadd_rn(a, __fmul_rn(b, __fmul_rn(r, c)));
                v[j + 1] = __fadd_rn(a, __fmul_rn(b, __fmul_rn(r, s)));
            }
        } else {
            #pragma unroll
            for (int j = 0; j < 4; j++) {
                float u = philox_uniform01(ws[j]);
                if (kind == 0) {
                    float x = __fadd_rn(a, __fmul_rn(__fsub_rn(b, a), u));
                    if (a < b && x >= b) x = nextafterf(b, -INFINITY);
                    v[j] = x;
                } else {
                    v[j] = u < a ? 1.f : 0.f;
                }
            }
        }
        long long base = blk * 4;
        int m = (int) min(4LL, n - base);
        for (int j = 0; j < m; j++) out[base + j] = v[j];
    }
}
