/*
 * elementwise.cl — fill, copy (F32 <-> I32), unary, binary and where over strided layouts.
 *
 * One work-item per output element i; operand offsets come from the pl_layout (common.cl), so any
 * view works: transposed, sliced, stride-0 broadcast. Formulas are those of CpuElementwise
 * (GELU tanh form, sigmoid split at 0, NaN-propagating max/min, Java (int) casts = saturating
 * round-toward-zero with NaN -> 0, I32 add/sub/mul wrapping).
 * Versions: v1 — op switch inside the kernel (one kernel per family, not per op).
 * Measured: exactness vs the CPU on PoCL (tests); GPU bandwidth not measured yet.
 */

/* out (any layout) = v.  L: operand 0 = out. */
__kernel void fill_f32(__global float *out, pl_layout L, float v) {
    int i = get_global_id(0);
    if (i >= L.n) return;
    int o[1];
    PL_OFFSETS(L, i, 1, o);
    out[o[0]] = v;
}

__kernel void fill_i32(__global int *out, pl_layout L, int v) {
    int i = get_global_id(0);
    if (i >= L.n) return;
    int o[1];
    PL_OFFSETS(L, i, 1, o);
    out[o[0]] = v;
}

/* out = src.  L: operand 0 = out, 1 = src. */
#define PL_COPY(NAME, TO, TI, CONV)                                         \
__kernel void NAME(__global TO *out, __global const TI *src, pl_layout L) { \
    int i = get_global_id(0);                                               \
    if (i >= L.n) return;                                                   \
    int o[2];                                                               \
    PL_OFFSETS(L, i, 2, o);                                                 \
    out[o[0]] = CONV(src[o[1]]);                                            \
}
#define PL_SAME(x) (x)
PL_COPY(copy_f32_to_f32, float, float, PL_SAME)
PL_COPY(copy_i32_to_i32, int, int, PL_SAME)
PL_COPY(copy_i32_to_f32, float, int, convert_float)
/* Java's (int) cast: toward zero, saturating, NaN -> 0. The spec's convert_int_sat_rtz already maps
   NaN to 0, but Oclgrind 21.10 returns INT_MIN for it, so NaN is handled explicitly. */
inline int pl_f32_to_i32(float x) { return isnan(x) ? 0 : convert_int_sat_rtz(x); }
PL_COPY(copy_f32_to_i32, int, float, pl_f32_to_i32)

inline float pl_tanh(float x) {
    if (x > 15.0f) return 1.0f;
    if (x < -15.0f) return -1.0f;
#ifdef cl_khr_fp64
    float e = (float) exp(2.0 * (double) x);
#else
    float e = exp(2.0f * x);
#endif
    return (e - 1.0f) / (e + 1.0f);
}

inline float pl_sigmoid(float x) {
#ifdef cl_khr_fp64
    return x >= 0 ? 1.0f / (1.0f + (float) exp(-(double) x)) : (float) (exp((double) x) / (1.0 + exp((double) x)));
#else
    return x >= 0 ? 1.0f / (1.0f + exp(-x)) : exp(x) / (1.0f + exp(x));
#endif
}

#define GELU_C 0.7978845608028654f
#define GELU_K 0.044715f

/* op codes: the ordinal of dev.plumbline.tensor.backend.UnaryOp */
inline float pl_unary(int op, float x, float a, float b) {
    switch (op) {
        case 0: return -x;                                        /* NEG */
        case 1: return exp(x);                                    /* EXP */
        case 2: return log(x);                                    /* LOG */
        case 3: return sqrt(x);                                   /* SQRT */
        case 4: return 1.0f / sqrt(x);                            /* RSQRT */
        case 5: return fabs(x);                                   /* ABS */
        case 6: return isnan(x) ? x : (x > 0 ? 1.0f : (x < 0 ? -1.0f : x)); /* SIGN (Math.signum) */
        case 7: return pl_tanh(x);                                /* TANH */
        case 8: return pl_sigmoid(x);                             /* SIGMOID */
        case 9: return x > 0 ? x : 0.0f;                          /* RELU */
        case 10: return 0.5f * x * (1.0f + pl_tanh(GELU_C * (x + GELU_K * x * x * x))); /* GELU */
        case 11: return x * pl_sigmoid(x);                        /* SILU */
        case 12: return a == 2.0f ? x * x : pow(x, a);            /* POW */
        case 13: return isnan(x) ? x : fmin(fmax(x, a), b);       /* CLAMP */
        case 14: return a * x + b;                                /* AFFINE */
        case 15: return 1.0f / x;                                 /* RECIPROCAL */
        case 16: return (x >= a && x <= b) ? 1.0f : 0.0f;         /* INSIDE */
        case 17: {                                                /* GELU_GRAD */
            float u = GELU_C * (x + GELU_K * x * x * x);
            float t = pl_tanh(u);
            return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * GELU_C * (1.0f + 3.0f * GELU_K * x * x);
        }
        case 18: {                                                /* SILU_GRAD */
            float s = pl_sigmoid(x);
            return s * (1.0f + x * (1.0f - s));
        }
        case 19: return isfinite(x) ? 0.0f : 1.0f;                /* NONFINITE */
        default: return NAN;
    }
}

/* out (contiguous) = op(x).  L: operand 0 = out, 1 = x. */
__kernel void unary(__global float *out, __global const float *x, pl_layout L, int op, float a, float b) {
    int i = get_global_id(0);
    if (i >= L.n) return;
    int o[2];
    PL_OFFSETS(L, i, 2, o);
    out[o[0]] = pl_unary(op, x[o[1]], a, b);
}

/* op codes: the ordinal of dev.plumbline.tensor.backend.BinaryOp */
inline float pl_binary(int op, float x, float y) {
    switch (op) {
        case 0: return x + y;
        case 1: return x - y;
        case 2: return x * y;
        case 3: return x / y;
        case 4: return pow(x, y);
        case 5: return pl_fmax(x, y);
        case 6: return pl_fmin(x, y);
        case 7: return x == y ? 1.0f : 0.0f;
        case 8: return x != y ? 1.0f : 0.0f;
        case 9: return x < y ? 1.0f : 0.0f;
        case 10: return x <= y ? 1.0f : 0.0f;
        case 11: return x > y ? 1.0f : 0.0f;
        case 12: return x >= y ? 1.0f : 0.0f;
        default: return NAN;
    }
}

/* out = op(x, y), x and y expanded to out's shape.  L: 0 = out, 1 = x, 2 = y. */
__kernel void binary_f32(__global float *out, __global const float *x, __global const float *y, pl_layout L, int op) {
    int i = get_global_id(0);
    if (i >= L.n) return;
    int o[3];
    PL_OFFSETS(L, i, 3, o);
    out[o[0]] = pl_binary(op, x[o[1]], y[o[2]]);
}

/* I32 ADD, SUB, MUL (wrapping, via uint), MAX, MIN. */
__kernel void binary_i32(__global int *out, __global const int *x, __global const int *y, pl_layout L, int op) {
    int i = get_global_id(0);
    if (i >= L.n) return;
    int o[3];
    PL_OFFSETS(L, i, 3, o);
    int a = x[o[1]], b = y[o[2]];
    int r;
    switch (op) {
        case 0: r = as_int(as_uint(a) + as_uint(b)); break;
        case 1: r = as_int(as_uint(a) - as_uint(b)); break;
        case 2: r = as_int(as_uint(a) * as_uint(b)); break;
        case 5: r = max(a, b); break;
        default: r = min(a, b); break;
    }
    out[o[0]] = r;
}

/* out = cond != 0 ? x : y.  L: 0 = out, 1 = cond, 2 = x, 3 = y. */
__kernel void where_f32(__global float *out, __global const float *c, __global const float *x,
                        __global const float *y, pl_layout L) {
    int i = get_global_id(0);
    if (i >= L.n) return;
    int o[4];
    PL_OFFSETS(L, i, 4, o);
    out[o[0]] = c[o[1]] != 0.0f ? x[o[2]] : y[o[3]];
}
