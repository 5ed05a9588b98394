/*
 * VectorGemmKernel — the SIMD micro-kernel of CpuGemm (see CpuGemm.java for the blocking).
 *
 * One MR×NR tile of C, MR = 6 rows, NR = 2 vectors of the preferred species (16 floats on
 * AVX2, 32 on AVX-512), from packed panels pa [kc][6] and pb [kc][NR]:
 *
 *   for p in 0..kc:              b0, b1 = pb[p, 0:V], pb[p, V:2V]
 *     for i in 0..6:             a = broadcast(pa[p, i])
 *       acc[i][0] = fma(a, b0, acc[i][0]); acc[i][1] = fma(a, b1, acc[i][1])
 *
 * 12 accumulators + b0, b1 + one broadcast = 15 vector registers, under AVX2's 16, so the loop
 * body is 2 vector loads, 6 broadcast loads and 12 FMAs with no spills.
 *
 * Loaded by name from CpuGemm only when the jdk.incubator.vector module is in the boot layer.
 */
package dev.plumbline.tensor.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** SIMD {@link CpuGemm.Kernel}: 6 × (2 vectors) register tile with FMA. */
final class VectorGemmKernel implements CpuGemm.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final int MR = 6, NR = 2 * V;

    @Override public int mr() { return MR; }
    @Override public int nr() { return NR; }
    /** pa block [MC=144, KC=256] = 144 KiB: half of a 512 KiB L2, leaving room for C and B. */
    @Override public int mc() { return 144; }
    /** pb micro-panel [KC=256, NR=16] = 16 KiB: half of a 32 KiB L1d. */
    @Override public int kc() { return 256; }
    /** pb block [256, 3072] = 3 MiB in L3, shared by the threads. */
    @Override public int nc() { return 3072; }
    @Override public String name() { return "vector-" + S.vectorBitSize(); }
    @Override public String toString() { return name(); }

    @Override
    public void macro(int mc, int nc, int kc, float[] pa, float[] pb, int pbOff,
            float[] c, int cOff, int ldc, boolean overwrite, float[] tmp) {
        // jr outer, ir inner: one [kc, NR] B micro-panel stays in L1 while A panels stream from L2
        for (int j = 0; j < nc; j += NR) {
            int cols = Math.min(NR, nc - j);
            int bo = pbOff + j * kc;
            for (int i = 0; i < mc; i += MR) {
                int rows = Math.min(MR, mc - i);
                int ao = i * kc;
                if (rows == MR && cols == NR) {
                    micro(kc, pa, ao, pb, bo, c, cOff + i * ldc + j, ldc, overwrite);
                } else {
                    micro(kc, pa, ao, pb, bo, tmp, 0, NR, true);
                    CpuGemm.storeEdge(tmp, NR, rows, cols, c, cOff + i * ldc + j, ldc, overwrite);
                }
            }
        }
    }

    private static void micro(int kc, float[] pa, int ao, float[] pb, int bo,
            float[] c, int co, int ldc, boolean overwrite) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ao += MR, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bo);
            FloatVector b1 = FloatVector.fromArray(S, pb, bo + V);
            FloatVector a = FloatVector.broadcast(S, pa[ao]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, pa[ao + 1]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, pa[ao + 2]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, pa[ao + 3]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, pa[ao + 4]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, pa[ao + 5]);
            c50 = a.fma(b0, c50); c51 = a.fma(b1, c51);
        }
        store(c00, c01, c, co, overwrite);
        store(c10, c11, c, co + ldc, overwrite);
        store(c20, c21, c, co + 2 * ldc, overwrite);
        store(c30, c31, c, co + 3 * ldc, overwrite);
        store(c40, c41, c, co + 4 * ldc, overwrite);
        store(c50, c51, c, co + 5 * ldc, overwrite);
    }

    private static void store(FloatVector x0, FloatVector x1, float[] c, int ci, boolean overwrite) {
        if (!overwrite) {
            x0 = x0.add(FloatVector.fromArray(S, c, ci));
            x1 = x1.add(FloatVector.fromArray(S, c, ci + V));
        }
        x0.intoArray(c, ci);
        x1.intoArray(c, ci + V);
    }
}
