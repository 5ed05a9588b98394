/*
 * index.cl — row gather/scatter-add (embedding) and last-dim gather/scatter-add.
 *
 * Adds are deterministic without atomics (PoCL has no float atomics): each work-item owns a
 * column (index_add) or a row (scatter_add) and adds its sources in index order — the CPU's order,
 * so the results are bit-identical to CpuBackend. Index bounds are checked on the host.
 * Versions: v1.
 * Measured: exact vs CPU on PoCL.
 */

/* out (N, C) = table[ids[i], :];  table (V, C) contiguous at toff, ids (N) at ioff. */
__kernel void index_select(__global const float *table, int toff, __global const int *ids, int ioff,
                           __global float *out, int n, int c) {
    int g = get_global_id(0);
    if (g >= n * c) return;
    int r = g / c, j = g - r * c;
    out[g] = table[toff + ids[ioff + r] * c + j];
}

/* out (V, C) at ooff: out[ids[i], j] += src[i, j] for i = 0..N-1 in order; one item per column j. */
__kernel void index_add(__global float *out, int ooff, __global const int *ids, int ioff,
                        __global const float *src, int soff, int n, int c) {
    int j = get_global_id(0);
    if (j >= c) return;
    for (int r = 0; r < n; r++) {
        int dst = ooff + ids[ioff + r] * c + j;
        out[dst] += src[soff + r * c + j];
    }
}

/* out (R, K) = x[r, ids[r, k]];  x (R, V) at xoff. */
__kernel void gather_last(__global const float *x, int xoff, __global const int *ids, int ioff,
                          __global float *out, int rows, int v, int k) {
    int g = get_global_id(0);
    if (g >= rows * k) return;
    int r = g / k;
    out[g] = x[xoff + r * v + ids[ioff + g]];
}

/* out (R, V) at ooff: out[r, ids[r, j]] += src[r, j] for j = 0..K-1 in order; one item per row r. */
__kernel void scatter_add_last(__global float *out, int ooff, __global const int *ids, int ioff,
                               __global const float *src, int soff, int rows, int v, int k) {
    int r = get_global_id(0);
    if (r >= rows) return;
    for (int j = 0; j < k; j++) {
        out[ooff + r * v + ids[ioff + r * k + j]] += src[soff + r * k + j];
    }
}
