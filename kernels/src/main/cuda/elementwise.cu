// elementwise.cu — unary / binary / where / copy / fill over strided, broadcast operands.
//
// Computes, for every element i of the output shape (rank <= 8, row-major linear index):
//   pl_unary   out[i] = op(x[i]; a, b)            UnaryOp ordinal, x any dtype read as float
//   pl_binary  out[i] = op(x[i], y[i])            BinaryOp ordinal, F32 (comparisons give 0/1)
//   pl_binary_i32                                  I32 ADD/SUB/MUL/MAX/MIN (wrapping, as Java)
//   pl_where   out[i] = cond[i] != 0 ? x[i] : y[i]
//   pl_copy    out[i] = convert(src[i])           F32/BF16/I32 both ways (F32->I32 truncates)
//   pl_fill    out[i] = value                     any dtype, any layout
// Operand 0 of the Strided descriptor is always the output; stride 0 = broadcast dim.
// Semantics mirror dev.plumbline.tensor.backend.cpu.CpuElementwise (NaN propagation in MAX/MIN/
// CLAMP, sign(NaN) = NaN, GELU tanh form).
// Version 1: one thread per element, grid-stride, 64-bit linear index. Memory-bound ops.
// Not yet measured on a GPU (target: >= 80% of device-to-device copy bandwidth for GELU).
#include "common.cuh"

#define GELU_C 0.7978845608028654f
#define GELU_K 0.044715f

__device__ __forceinline__ float pl_sigmoid(float x) {
    return x >= 0.f ? 1.f / (1.f + expf(-x)) : expf(x) / (1.f + expf(x));
}

__device__ __forceinline__ float unary_apply(int op, float x, float a, float b) {
    switch (op) {
        case 0: return -x;                                   // NEG
        case 1: return expf(x);                              // EXP
        case 2: return logf(x);                              // LOG
        case 3: return sqrtf(x);                             // SQRT
        case 4: return 1.f / sqrtf(x);                       // RSQRT
        case 5: return fabsf(x);                             // ABS
        case 6: return x > 0.f ? 1.f : (x < 0.f ? -1.f : x); // SIGN (NaN and ±0 pass through)
        case 7: return tanhf(x);                             // TANH
        case 8: return pl_sigmoid(x);                        // SIGMOID
        case 9: return x > 0.f ? x : 0.f;                    // RELU
        case 10: return 0.5f * x * (1.f + tanhf(GELU_C * (x + GELU_K * x * x * x)));  // GELU
        case 11: return x * pl_sigmoid(x);                   // SILU
        case 12: return a == 2.f ? x * x : powf(x, a);       // POW
        case 13: return isnan(x) ? x : fminf(fmaxf(x, a), b); // CLAMP
        case 14: return a * x + b;                           // AFFINE
        case 15: return 1.f / x;                             // RECIPROCAL
        case 16: return (x >= a && x <= b) ? 1.f : 0.f;      // INSIDE
        case 17: {                                           // GELU_GRAD
            float u = GELU_C * (x + GELU_K * x * x * x);
            float t = tanhf(u);
            return 0.5f * (1.f + t) + 0.5f * x * (1.f - t * t) * GELU_C * (1.f + 3.f * GELU_K * x * x);
        }
        case 18: {                                           // SILU_GRAD
            float s = pl_sigmoid(x);
            return s * (1.f + x * (1.f - s));
        }
        case 19: return isfinite(x) ? 0.f : 1.f;             // NONFINITE
        default: return __int_as_float(0x7fc00000);
    }
}

__device__ __forceinline__ float binary_apply(int op, float x, float y) {
    switch (op) {
        case 0: return x + y;
        case 1: return x - y;
        case 2: return x * y;
        case 3: return x / y;
        case 4: return powf(x, y);
        case 5: return (isnan(x) || isnan(y)) ? __int_as_float(0x7fc00000) : fmaxf(x, y);
        case 6: return (isnan(x) || isnan(y)) ? __int_as_float(0x7fc00000) : fminf(x, y);
        case 7: return x == y ? 1.f : 0.f;
        case 8: return x != y ? 1.f : 0.f;
        case 9: return x < y ? 1.f : 0.f;
        case 10: return x <= y ? 1.f : 0.f;
        case 11: return x > y ? 1.f : 0.f;
        case 12: return x >= y ? 1.f : 0.f;
        default: return __int_as_float(0x7fc00000);
    }
}

// out (shape) F32 contiguous; x (shape) any layout, dtype xt
extern "C" __global__ void pl_unary(Strided s, long long n, int op, float a, float b, float* out,
                                    const void* x, int xt) {
    GRID_STRIDE(i, n) {
        long long o[2];
        strided_offsets<2>(s, i, o);
        out[o[0]] = unary_apply(op, load_as_float(x, xt, o[1]), a, b);
    }
}

// Contiguous F32 fast path: 4 elements per thread with 16-byte accesses (n4 = n / 4 vectors).
extern "C" __global__ void pl_unary_vec4(long long n, int op, float a, float b, float4* __restrict__ out,
                                         const float4* __restrict__ x) {
    GRID_STRIDE(i, n) {
        float4 v = x[i];
        v.x = unary_apply(op, v.x, a, b);
        v.y = unary_apply(op, v.y, a, b);
        v.z = unary_apply(op, v.z, a, b);
        v.w = unary_apply(op, v.w, a, b);
        out[i] = v;
    }
}

// out (shape) F32; x, y (shape) F32 or BF16, broadcast strides
extern "C" __global__ void pl_binary(Strided s, long long n, int op, float* out, const void* x, int xt,
                                     const void* y, int yt) {
    GRID_STRIDE(i, n) {
        long long o[3];
        strided_offsets<3>(s, i, o);
        out[o[0]] = binary_apply(op, load_as_float(x, xt, o[1]), load_as_float(y, yt, o[2]));
    }
}

// I32 arithmetic: wrapping two's complement like Java int.
extern "C" __global__ void pl_binary_i32(Strided s, long long n, int op, int* out, const int* x, const int* y) {
    GRID_STRIDE(i, n) {
        long long o[3];
        strided_offsets<3>(s, i, o);
        unsigned a = (unsigned) x[o[1]], b = (unsigned) y[o[2]];
        int r;
        switch (op) {
            case 0: r = (int) (a + b); break;
            case 1: r = (int) (a - b); break;
            case 2: r = (int) (a * b); break;
            case 5: r = max((int) a, (int) b); break;
            default: r = min((int) a, (int) b); break;
        }
        out[o[0]] = r;
    }
}

// out, cond, x, y (shape) F32
extern "C" __global__ void pl_where(Strided s, long long n, float* out, const float* cond, const float* x,
                                    const float* y) {
    GRID_STRIDE(i, n) {
        long long o[4];
        strided_offsets<4>(s, i, o);
        out[o[0]] = cond[o[1]] != 0.f ? x[o[2]] : y[o[3]];
    }
}

// out (shape, dtype ot) <- src (shape, dtype st); I32 -> I32 copies bits exactly.
extern "C" __global__ void pl_copy(Strided s, long long n, void* out, int ot, const void* src, int st) {
    GRID_STRIDE(i, n) {
        long long o[2];
        strided_offsets<2>(s, i, o);
        if (ot == 2 && st == 2) {
            ((int*) out)[o[0]] = ((const int*) src)[o[1]];
        } else if (ot == 0 && st == 0) {
            ((float*) out)[o[0]] = ((const float*) src)[o[1]];
        } else {
            store_float(out, ot, o[0], load_as_float(src, st, o[1]));
        }
    }
}

// out (shape, dtype ot) = value; ivalue is used for I32 (exact beyond 2^24).
extern "C" __global__ void pl_fill(Strided s, long long n, void* out, int ot, float value, int ivalue) {
    GRID_STRIDE(i, n) {
        long long o[1];
        strided_offsets<1>(s, i, o);
        if (ot == 2) ((int*) out)[o[0]] = ivalue;
        else store_float(out, ot, o[0], value);
    }
}
