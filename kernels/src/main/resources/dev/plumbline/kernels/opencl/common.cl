/*
 * common.cl — prepended to every Plumbline OpenCL program.
 *
 * Computes nothing itself: defines the strided layout struct passed by value to elementwise,
 * copy and reduction kernels, the offset walk, and work-group reductions.
 * Build defines: WG (work-group size of row kernels, a power of two, <= device max).
 * Versions: v1 (2025) — rank <= 8, <= 4 operands, int offsets (tensors < 2^31 elements).
 * Measured: PoCL 3.1 (CPU) passes the kernels module tests; no GPU timing yet.
 *
 * FP_CONTRACT is OFF so a*b+c is not fused into fma: results then round like the CPU reference.
 */
#pragma OPENCL FP_CONTRACT OFF
#ifdef cl_khr_fp64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double pl_acc;   /* accumulator of long sums: double like the CPU reference when available */
#else
typedef float pl_acc;
#endif

#ifndef WG
#define WG 256
#endif

/* Layout of up to 4 operands over one (coalesced) shape; element i in row-major order. */
typedef struct {
    int rank;
    int n;
    int shape[8];
    int stride[4][8];
    int offset[4];
} pl_layout;

/* o[k] = storage offset of element i in operand k, for k < NOPS. */
#define PL_OFFSETS(L, i, NOPS, o) do {                                      \
        int r_ = (i);                                                       \
        for (int k_ = 0; k_ < (NOPS); k_++) (o)[k_] = (L).offset[k_];       \
        for (int d_ = (L).rank - 1; d_ >= 0; d_--) {                        \
            int s_ = (L).shape[d_];                                         \
            int x_ = r_ % s_;                                               \
            r_ /= s_;                                                       \
            for (int k_ = 0; k_ < (NOPS); k_++) (o)[k_] += x_ * (L).stride[k_][d_]; \
        }                                                                   \
    } while (0)

/* max/min that propagate NaN like Java's Math.max/min. */
inline float pl_fmax(float a, float b) { return (isnan(a) || isnan(b)) ? NAN : fmax(a, b); }
inline float pl_fmin(float a, float b) { return (isnan(a) || isnan(b)) ? NAN : fmin(a, b); }

/* Work-group reductions over WG items (all items must call them). */
inline float pl_wg_max(float v, __local float *s) {
    int t = get_local_id(0);
    s[t] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int h = WG / 2; h > 0; h >>= 1) {
        if (t < h) s[t] = pl_fmax(s[t], s[t + h]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = s[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

inline pl_acc pl_wg_sum(pl_acc v, __local pl_acc *s) {
    int t = get_local_id(0);
    s[t] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int h = WG / 2; h > 0; h >>= 1) {
        if (t < h) s[t] += s[t + h];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    pl_acc r = s[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}
