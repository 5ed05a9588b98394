// indexing.cu — row gather / scatter-add and last-dim gather / scatter-add.
//
//   pl_index_select  table (V, C), idx (N) I32            -> out (N, C)     out[i,:] = table[idx[i],:]
//   pl_index_add     out (V, C), idx (N), src (N, C)                        out[idx[i],:] += src[i,:]
//   pl_gather        x (R, V), idx (R, K)                 -> out (R, K)     out[r,j] = x[r, idx[r,j]]
//   pl_scatter_add   out (R, V), idx (R, K), src (R, K)                     out[r, idx[r,j]] += src[r,j]
// All operands contiguous (offsets in elements). Adds use atomicAdd (F32), so the summation order
// of duplicate indices is not fixed (float rounding may differ from the CPU's sequential order).
// An out-of-range index is skipped and recorded in err[0..2] = (1, position, index); the host
// reads it back and throws IndexOutOfBoundsException naming the op, as the CPU does.
// Version 1: one thread per output element (row ops: C-wide rows, coalesced). Not yet measured.
#include "common.cuh"

extern "C" __global__ void pl_index_select(const float* __restrict__ table, const int* __restrict__ idx,
                                           float* __restrict__ out, int v, int c, int n, int* err) {
    long long total = (long long) n * c;
    GRID_STRIDE(i, total) {
        int r = (int) (i / c), j = (int) (i - (long long) r * c);
        int id = idx[r];
        if (id < 0 || id >= v) {
            if (j == 0) report_bad_index(err, r, id);
            out[i] = 0.f;
            continue;
        }
        out[i] = table[(long long) id * c + j];
    }
}

extern "C" __global__ void pl_index_add(float* out, const int* __restrict__ idx, const float* __restrict__ src,
                                        int v, int c, int n, int* err) {
    long long total = (long long) n * c;
    GRID_STRIDE(i, total) {
        int r = (int) (i / c), j = (int) (i - (long long) r * c);
        int id = idx[r];
        if (id < 0 || id >= v) {
            if (j == 0) report_bad_index(err, r, id);
            continue;
        }
        atomicAdd(out + (long long) id * c + j, src[i]);
    }
}

extern "C" __global__ void pl_gather(const float* __restrict__ x, const int* __restrict__ idx, float* __restrict__ out,
                                     int rows, int v, int k, int* err) {
    long long total = (long long) rows * k;
    GRID_STRIDE(i, total) {
        int r = (int) (i / k);
        int id = idx[i];
        if (id < 0 || id >= v) {
            report_bad_index(err, i, id);
            out[i] = 0.f;
            continue;
        }
        out[i] = x[(long long) r * v + id];
    }
}

extern "C" __global__ void pl_scatter_add(float* out, const int* __restrict__ idx, const float* __restrict__ src,
                                          int rows, int v, int k, int* err) {
    long long total = (long long) rows * k;
    GRID_STRIDE(i, total) {
        int r = (int) (i / k);
        int id = idx[i];
        if (id < 0 || id >= v) {
            report_bad_index(err, i, id);
            continue;
        }
        atomicAdd(out + (long long) r * v + id, src[i]);
    }
}
