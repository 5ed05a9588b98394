/*
 * matmul.cl — batched C (batch, M, N) = A (batch, M, K) @ B (batch, K, N), F32.
 *
 * A and B are any strided views: element (m, k) of batch b sits at aoff(b) + m*aRs + k*aCs, so
 * transposed operands and broadcast batches (stride 0) need no copy. L is the batch layout
 * (operand 0 = A's batch strides + offset, operand 1 = B's). C is contiguous.
 * Versions: v1 — TS x TS tiles of A and B staged in local memory, one output per work-item,
 *           local size (TS, TS), global (ceil(N/TS)*TS, ceil(M/TS)*TS, batch).
 * Measured: correctness on PoCL only; not tuned for GPUs (no register blocking yet).
 */
#ifndef TS
#define TS 16
#endif

__kernel void matmul(__global const float *A, __global const float *B, __global float *C, pl_layout L,
                     int M, int N, int K, int aRs, int aCs, int bRs, int bCs) {
    __local float As[TS][TS + 1];
    __local float Bs[TS][TS + 1];
    int lx = get_local_id(0), ly = get_local_id(1);
    int col = get_group_id(0) * TS + lx;
    int row = get_group_id(1) * TS + ly;
    int batch = get_global_id(2);
    int o[2];
    PL_OFFSETS(L, batch, 2, o);
    float acc = 0.0f;
    for (int t = 0; t < K; t += TS) {
        int ka = t + lx, kb = t + ly;
        As[ly][lx] = (row < M && ka < K) ? A[o[0] + row * aRs + ka * aCs] : 0.0f;
        Bs[ly][lx] = (col < N && kb < K) ? B[o[1] + kb * bRs + col * bCs] : 0.0f;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int k = 0; k < TS; k++) acc += As[ly][k] * Bs[k][lx];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (row < M && col < N) C[(long) batch * M * N + (long) row * N + col] = acc;
}
