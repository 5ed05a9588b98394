/*
 * VectorGemmKernel — the SIMD micro-kernel of CpuGemm (see CpuGemm.java for the blocking).
 *
 * One MR×NR tile of C, MR = 5 rows, NR = 2 vectors of the preferred species (16 floats on
 * AVX2, 32 on AVX-512), from packed panels pa [kc][8] (5 rows used) and pb [kc][NR]:
 *
 *   for p in 0..kc:              b0, b1 = pb[p, 0:V], pb[p, V:2V]
 *     for i in 0..5:             a = broadcast(pa[p, i])
 *       acc[i][0] = fma(a, b0, acc[i][0]); acc[i][1] = fma(a, b1, acc[i][1])
 *
 * Why 5×16 and not the textbook AVX2 6×16: C2 does not schedule for register pressure. With
 * 12 accumulators + 2 B vectors it keeps 2-3 broadcasts live and spills one accumulator to the
 * stack, which puts a store->load->FMA chain (~9 cycles) on every k-step. 10 accumulators leave
 * room; the loop is then 2 vector loads + 5 broadcasts + 10 FMAs + ~8 integer ops, no spills and
 * no bounds checks (checked with -XX:CompileCommand=print on JDK 17).
 *
 * Measured on one core of the 2-core AMD EPYC (Zen 3, AVX2 + FMA, no AVX-512), JDK 17, best
 * of runs on a shared machine; FMA peak measured with 12 independent Vector API fma chains:
 * 102 GFLOP/s. This macro loop on cache-resident panels (MC=120, NC=768..1024, KC=256):
 * 95-96 GFLOP/s (94% of peak). Earlier versions: 6×16 with the accumulator spill 24-43;
 * 6×16 with 6-float A steps (no spill, but two bounds checks and index arithmetic per step)
 * 73-86; 6×16 unrolled ×4 28 (spills); 5×16 unrolled ×2 57 (spills and checks again).
 *
 * Loaded by name from CpuGemm only when the jdk.incubator.vector module is in the boot layer.
 */
package dev.plumbline.tensor.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** SIMD {@link CpuGemm.Kernel}: 5 × (2 vectors) register tile with FMA. */
final class VectorGemmKernel implements CpuGemm.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final int MR = 5, NR = 2 * V;
    /**
     * A panels are padded to 8 floats per k-step: C2's range-check elimination wants an index
     * of the form p*2^s + c (p*6 becomes (p<<2)+(p<<1) and was not recognised), so with
     * MR-float steps the pa bounds checks stayed inside the loop.
     */
    private static final int AS = 8;

    VectorGemmKernel() {
        if (V < 4) {
            // no real SIMD behind the API (e.g. a 64-bit preferred species): scalar is as good
            throw new UnsupportedOperationException("preferred float species has " + V + " lanes");
        }
    }

    @Override public int mr() { return MR; }
    @Override public int nr() { return NR; }
    @Override public int aStep() { return AS; }
    /** pa block [MC=120 (24 panels of 8 floats/step), KC=256] = 192 KiB, in a 512 KiB L2. */
    @Override public int mc() { return MR * 24; }
    /** pb micro-panel [KC=256, NR=16] = 16 KiB: half of a 32 KiB L1d. */
    @Override public int kc() { return 256; }
    /** pb block [256, 3072] = 3 MiB in L3, shared by the threads. */
    @Override public int nc() { return 3072; }
    @Override public String name() { return "vector-" + S.vectorBitSize(); }
    @Override public String toString() { return name(); }

    /**
     * Row-major A (cs == 1) is the common case: copy five rows side by side with constant
     * offsets, so every index is linear in p and C2 drops the bounds checks (the generic
     * packer's strided scatter was ~6% of a 1024³ run).
     */
    @Override
    public void packA(float[] pa, float[] a, int base, int rs, int cs, int mc, int kc) {
        int full = cs == 1 ? mc / MR * MR : 0;
        for (int i0 = 0, dst = 0; i0 < full; i0 += MR, dst += AS * kc) {
            int s0 = base + i0 * rs, s1 = s0 + rs, s2 = s1 + rs, s3 = s2 + rs, s4 = s3 + rs;
            for (int p = 0; p < kc; p++) {
                int d = dst + p * AS;
                pa[d] = a[s0 + p];
                pa[d + 1] = a[s1 + p];
                pa[d + 2] = a[s2 + p];
                pa[d + 3] = a[s3 + p];
                pa[d + 4] = a[s4 + p];
            }
        }
        if (full < mc) {
            CpuGemm.packA(pa, full / MR * AS * kc, a, base + full * rs, rs, cs, mc - full, kc,
                    MR, AS);
        }
    }

    @Override
    public void macro(int mc, int nc, int kc, float[] pa, float[] pb, int pbOff,
            float[] c, int cOff, int ldc, boolean overwrite, float[] tmp) {
        // jr outer, ir inner: one [kc, NR] B micro-panel stays in L1 while A panels stream from L2
        for (int j = 0; j < nc; j += NR) {
            int cols = Math.min(NR, nc - j);
            int bo = pbOff + j * kc;
            for (int i = 0; i < mc; i += MR) {
                int rows = Math.min(MR, mc - i);
                int ao = (i / MR) * AS * kc;
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
        // One k-step per iteration, not unrolled: unrolled, C2 hoists the loads of later steps
        // and runs out of the 16 ymm registers (measured: spills, 73 -> 28 GFLOP/s).
        // Indices are p*2^s + c so C2 hoists all bounds checks out of the loop.
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * AS, bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, pb, bi);
            FloatVector b1 = FloatVector.fromArray(S, pb, bi + V);
            FloatVector a = FloatVector.broadcast(S, pa[ai]);
            c00 = a.fma(b0, c00); c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, pa[ai + 1]);
            c10 = a.fma(b0, c10); c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, pa[ai + 2]);
            c20 = a.fma(b0, c20); c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, pa[ai + 3]);
            c30 = a.fma(b0, c30); c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, pa[ai + 4]);
            c40 = a.fma(b0, c40); c41 = a.fma(b1, c41);
        }
        // Stores written out, not via a helper: a vector passed to a call that is not inlined
        // (C2's node-count cutoff) gets boxed, and the boxes then leak into the loop's phis.
        if (!overwrite) {
            c00 = c00.add(FloatVector.fromArray(S, c, co));
            c01 = c01.add(FloatVector.fromArray(S, c, co + V));
            c10 = c10.add(FloatVector.fromArray(S, c, co + ldc));
            c11 = c11.add(FloatVector.fromArray(S, c, co + ldc + V));
            c20 = c20.add(FloatVector.fromArray(S, c, co + 2 * ldc));
            c21 = c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + V));
            c30 = c30.add(FloatVector.fromArray(S, c, co + 3 * ldc));
            c31 = c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + V));
            c40 = c40.add(FloatVector.fromArray(S, c, co + 4 * ldc));
            c41 = c41.add(FloatVector.fromArray(S, c, co + 4 * ldc + V));
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + V);
        c10.intoArray(c, co + ldc);
        c11.intoArray(c, co + ldc + V);
        c20.intoArray(c, co + 2 * ldc);
        c21.intoArray(c, co + 2 * ldc + V);
        c30.intoArray(c, co + 3 * ldc);
        c31.intoArray(c, co + 3 * ldc + V);
        c40.intoArray(c, co + 4 * ldc);
        c41.intoArray(c, co + 4 * ldc + V);
    }
}
