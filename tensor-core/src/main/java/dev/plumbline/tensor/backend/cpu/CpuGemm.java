/*
 * CpuGemm — the CPU backend's F32 matrix multiply.
 *
 *   C[m,n] = (accumulate ? C : 0) + A[m,k] · B[k,n]
 *
 * A and B are addressed by (offset, row stride, column stride), so transposed and sliced views
 * go straight in; C is row-major with a leading (row) stride. Accumulation is in F32.
 *
 * Algorithm (BLIS / GotoBLAS): cache blocking around a register-blocked micro-kernel that
 * computes one MR×NR tile of C from packed panels.
 *
 *   for jc in N step NC:                      (NC=3072)
 *     for pc in K step KB:                    a round: KB = KC·⌊16 MiB / (4·NC·KC)⌋ rows of B
 *       pack B[pc:pc+KB, jc:jc+NC] -> pb      (parallel over NR panels) KC-deep blocks of
 *                                             NR-wide panels, row p of a panel contiguous
 *       for rows of C:  (parallel)            each thread owns a range of MR-row tiles
 *         for q in KB step KC:                one [KC, NC] block of pb in L2/L3, shared
 *           for ic in rows step MC:
 *             pack A[ic:ic+MC, pc+q:+KC] -> pa  MR-row panels, private to the thread, L2
 *             for jr in NC step NR:           B micro-panel [KC, NR] stays in L1
 *               for ir in MC step MR:
 *                 C[ir:+MR, jr:+NR] += pa_panel · pb_panel   (micro-kernel, KC rank-1 updates)
 *
 * Packing absorbs any strides and pads edge panels with zeros, so the micro-kernel always runs
 * full tiles; edge tiles are computed into a scratch tile and only the valid part is written.
 * Packing buffers are per thread (ThreadLocal) and grow once, so steady state allocates no
 * arrays. B is packed for a whole round (usually all of K) before the threads start, so they
 * meet at two joins per round rather than per KC step. Work is split over M when there are at
 * least two row tiles per thread, else over N panels (then each thread packs the few rows of A
 * itself). Products under 4 Mflop run on the calling thread.
 *
 * Kernels (chosen once at class init, see KERNEL):
 *   vector-N  jdk.incubator.vector, preferred species (N bits): MR=5 rows × NR=2 vectors, 10
 *             vector accumulators (see VectorGemmKernel.java for why not 6×16).
 *   scalar    plain Java, MR=4 × NR=4, used when the Vector API module is absent or
 *             -Dplumbline.simd=false.
 *
 * Measured on the 2-core AMD EPYC dev box (Zen 3: AVX2 + FMA, no AVX-512; one-core FMA peak
 * measured 102 GFLOP/s, so ~204 for two), JDK 17, PyTorch 1.13 + OpenBLAS (Debian), in GFLOP/s.
 * The box is shared with other engineers' builds (load 2-7 on 2 cores), so these are the best
 * single calls of interleaved runs in the quietest window (13:52-14:15), not means:
 *
 *                                    1024³    (4096×768)·(768×768)
 *   PyTorch, OPENBLAS_CORETYPE=Haswell  186      184
 *   PyTorch, CORETYPE/L2_SIZE unset     164      173
 *   CpuGemm vector-256 (2 threads)      160      159      0.86× / 0.87× of Haswell
 *   CpuGemm scalar     (2 threads)       10        9
 *
 * Under load 5-6 (JMH GemmBench means, same minutes): vector-256 64 / 55, scalar 5.3 / 2.7;
 * PyTorch medians 60 / 53 (Haswell) and 60 / 60 (unset).
 */
package dev.plumbline.tensor.backend.cpu;

/**
 * Single-precision general matrix multiply for the CPU backend.
 *
 * <p>Computes {@code C[m,n] = (accumulate ? C : 0) + A[m,k] · B[k,n]}. Every operand is
 * addressed by an element offset and element strides, so a transposed or non-contiguous operand
 * needs no copy: {@code A(i,p) = a[aOff + i*aRowStride + p*aColStride]},
 * {@code B(p,j) = b[bOff + p*bRowStride + j*bColStride]},
 * {@code C(i,j) = c[cOff + i*cRowStride + j]}. C must not overlap A or B.
 *
 * <pre>{@code
 * // C[2,3] = A[2,4] · B[4,3], all row-major and contiguous
 * CpuGemm.sgemm(2, 3, 4, a, 0, 4, 1, b, 0, 3, 1, c, 0, 3, false);
 * // C[2,3] += Xᵀ · B where a holds X, a row-major [4,2] matrix: swap the strides, no copy
 * CpuGemm.sgemm(2, 3, 4, a, 0, 1, 2, b, 0, 3, 1, c, 0, 3, true);
 * }</pre>
 *
 * <p>Large products run on all threads of {@link Parallel}. The kernel (SIMD via
 * {@code jdk.incubator.vector} when that module is present, plain Java otherwise, or forced with
 * {@code -Dplumbline.simd=false}) is chosen once when the class is initialised.
 */
public final class CpuGemm {
    private CpuGemm() {}

    /**
     * A micro-kernel plus the loops around it that run over one packed A block × packed B block.
     * Implementations are stateless; the driver in {@link CpuGemm} does blocking and packing.
     */
    interface Kernel {
        /** Rows of the register tile. */
        int mr();

        /** Columns of the register tile. */
        int nr();

        /** Floats per k-step in a packed A panel: {@link #mr()} or more (padding). */
        default int aStep() {
            return mr();
        }

        /** Rows of a packed A block (multiple of {@link #mr()}), sized for L2. */
        int mc();

        /** Depth of a packed block, sized so an [KC, NR] B micro-panel fits in L1. */
        int kc();

        /** Columns of a packed B block (multiple of {@link #nr()}), sized for L3. */
        int nc();

        String name();

        /**
         * Packs A[0:mc, 0:kc] (element (i,p) at a[base + i*rs + p*cs]) into this kernel's panel
         * layout; the default is the generic {@link CpuGemm#packA}.
         */
        default void packA(float[] pa, float[] a, int base, int rs, int cs, int mc, int kc) {
            CpuGemm.packA(pa, 0, a, base, rs, cs, mc, kc, mr(), aStep());
        }

        /**
         * C[0:mc, 0:nc] (+)= pa · pb[panels]. {@code pa}: ceil(mc/MR) panels of [kc][aStep];
         * {@code pb} from {@code pbOff}: ceil(nc/NR) panels of [kc][NR]. Overwrites C when
         * {@code overwrite}, else adds. {@code tmp} is scratch of at least MR·NR floats.
         */
        void macro(int mc, int nc, int kc, float[] pa, float[] pb, int pbOff,
                float[] c, int cOff, int ldc, boolean overwrite, float[] tmp);
    }

    private static final Kernel SCALAR = new ScalarKernel();
    private static final Kernel KERNEL = chooseKernel();

    private static Kernel chooseKernel() {
        if (!Boolean.parseBoolean(System.getProperty("plumbline.simd", "true"))) {
            return SCALAR;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return SCALAR;
        }
        try {
            // Loaded by name so this class never links against jdk.incubator.vector itself.
            return (Kernel) Class.forName("dev.plumbline.tensor.backend.cpu.VectorGemmKernel")
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            // includes the kernel's constructor refusing a species too narrow to pay off
            return SCALAR;
        }
    }

    /**
     * Name of the kernel in use, for logs and benchmarks.
     *
     * @return {@code "vector-<bits>"} (e.g. "vector-256" on AVX2, "vector-512" on AVX-512) for the
     *         Vector API kernel, or {@code "scalar"}
     */
    public static String kernelName() {
        return KERNEL.name();
    }

    /** The kernel chosen at start-up (package-private: tests compare it with {@link #scalarKernel()}). */
    static Kernel kernel() {
        return KERNEL;
    }

    /** The plain-Java kernel, reachable regardless of {@code plumbline.simd}. */
    static Kernel scalarKernel() {
        return SCALAR;
    }

    /**
     * {@code C[m,n] = (accumulate ? C : 0) + A[m,k] · B[k,n]}; every operand addressed by element
     * offset and element strides, so transposed / non-contiguous operands need no copy by the
     * caller. {@code k == 0} gives zeros (or leaves C when accumulating); {@code m == 0} or
     * {@code n == 0} does nothing.
     *
     * <pre>{@code
     * float[] a = {1, 2, 3, 4, 5, 6};        // A [2,3] row-major
     * float[] b = {1, 0, 0, 1, 1, 1};        // B [3,2] row-major
     * float[] c = new float[4];              // C [2,2]
     * CpuGemm.sgemm(2, 2, 3, a, 0, 3, 1, b, 0, 2, 1, c, 0, 2, false);
     * // c = {4, 5, 10, 11}
     * }</pre>
     *
     * @param m          rows of A and C
     * @param n          columns of B and C
     * @param k          columns of A, rows of B (the reduced dimension)
     * @param a          storage of A
     * @param aOff       element offset of A(0,0) in {@code a}
     * @param aRowStride elements between A(i,p) and A(i+1,p)
     * @param aColStride elements between A(i,p) and A(i,p+1) (1 when row-major; swap the two
     *                   strides to use a row-major array as Aᵀ)
     * @param b          storage of B
     * @param bOff       element offset of B(0,0) in {@code b}
     * @param bRowStride elements between B(p,j) and B(p+1,j)
     * @param bColStride elements between B(p,j) and B(p,j+1)
     * @param c          storage of C, written in place; must not overlap A or B
     * @param cOff       element offset of C(0,0) in {@code c}
     * @param cRowStride elements between C(i,j) and C(i+1,j), at least n (C's column stride is 1)
     * @param accumulate add A·B to C's current contents instead of overwriting them
     * @throws IllegalArgumentException on negative sizes, null arrays, a C row stride below n,
     *         or an operand whose addressed elements run outside its array
     */
    public static void sgemm(int m, int n, int k,
            float[] a, int aOff, int aRowStride, int aColStride,
            float[] b, int bOff, int bRowStride, int bColStride,
            float[] c, int cOff, int cRowStride, boolean accumulate) {
        sgemm(KERNEL, m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                c, cOff, cRowStride, accumulate);
    }

    /** {@link #sgemm} with an explicit kernel (package-private: tests cover both kernels). */
    static void sgemm(Kernel kern, int m, int n, int k,
            float[] a, int aOff, int aRowStride, int aColStride,
            float[] b, int bOff, int bRowStride, int bColStride,
            float[] c, int cOff, int cRowStride, boolean accumulate) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(
                    "sgemm: negative size: m=" + m + ", n=" + n + ", k=" + k);
        }
        checkOperand("A", a, m, k, aOff, aRowStride, aColStride, "m", "k");
        checkOperand("B", b, k, n, bOff, bRowStride, bColStride, "k", "n");
        checkOperand("C", c, m, n, cOff, cRowStride, 1, "m", "n");
        if (m > 1 && n > 0 && cRowStride < n) {
            // Rows of C would overlap each other: the result would depend on the write order.
            throw new IllegalArgumentException("sgemm: C [m=" + m + ", n=" + n
                    + "] row stride " + cRowStride + " is less than n");
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    int row = cOff + i * cRowStride;
                    java.util.Arrays.fill(c, row, row + n, 0f);
                }
            }
            return;
        }
        blocked(kern, m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                c, cOff, cRowStride, accumulate);
    }

    /** Checks that every element of a rows×cols strided view lies inside {@code arr}. */
    private static void checkOperand(String name, float[] arr, int rows, int cols, int off,
            int rowStride, int colStride, String rowName, String colName) {
        if (arr == null) {
            throw new IllegalArgumentException("sgemm: " + name + " is null");
        }
        if (rows == 0 || cols == 0) {
            return; // an empty operand addresses nothing
        }
        long lastR = (long) (rows - 1) * rowStride;
        long lastC = (long) (cols - 1) * colStride;
        long lo = off + Math.min(0, lastR) + Math.min(0, lastC);
        long hi = off + Math.max(0, lastR) + Math.max(0, lastC);
        if (lo < 0 || hi >= arr.length) {
            throw new IllegalArgumentException("sgemm: " + name + " [" + rowName + "=" + rows
                    + ", " + colName + "=" + cols + "] at offset " + off + " with strides ("
                    + rowStride + ", " + colStride + ") addresses elements " + lo + ".." + hi
                    + " but " + name + ".length = " + arr.length);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Blocked driver

    /** Per-thread packing buffers; grown on demand, never shrunk. */
    private static final class Workspace {
        float[] pa = new float[0];
        float[] pb = new float[0];
        float[] tmp = new float[0];

        float[] pa(int size) {
            if (pa.length < size) {
                pa = new float[size];
            }
            return pa;
        }

        float[] pb(int size) {
            if (pb.length < size) {
                pb = new float[size];
            }
            return pb;
        }

        float[] tmp(int size) {
            if (tmp.length < size) {
                tmp = new float[size];
            }
            return tmp;
        }
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /**
     * Products below this many flops (2·m·n·k; 4 Mflop is ~50 µs on one core) run on the
     * calling thread: a fork/join round trip costs a few µs per block step.
     */
    private static final long PARALLEL_MIN_FLOPS = 1L << 22;

    /**
     * Most floats of packed B held at once (16 MiB). B is packed for several KC-deep blocks per
     * round, so the threads meet at two joins per round instead of two per KC step: on a shared
     * 2-core machine each join costs up to one straggling chunk.
     */
    private static final int PB_MAX_FLOATS = 1 << 22;

    private static void blocked(Kernel kern, int m, int n, int k,
            float[] a, int aOff, int ars, int acs,
            float[] b, int bOff, int brs, int bcs,
            float[] c, int cOff, int ldc, boolean accumulate) {
        final int MR = kern.mr(), NR = kern.nr(), KC = kern.kc(), NC = kern.nc();
        final int mTiles = (m + MR - 1) / MR;
        // Split over M when every thread gets a couple of row tiles; otherwise over N panels.
        final boolean splitM = mTiles >= 2 * Parallel.threads();
        final boolean serial = Parallel.threads() == 1 || 2L * m * n * k < PARALLEL_MIN_FLOPS;
        Workspace ws = WORKSPACE.get();
        for (int jc = 0; jc < n; jc += NC) {
            final int nc = Math.min(NC, n - jc);
            final int nPanels = (nc + NR - 1) / NR;
            final int width = nPanels * NR;
            // rows of B per round: a multiple of KC, at least one KC block
            final int kb = Math.max(KC, PB_MAX_FLOATS / width / KC * KC);
            for (int pc = 0; pc < k; pc += kb) {
                final int kr = Math.min(kb, k - pc);
                final float[] pb = ws.pb(width * kr);
                final int bBase = bOff + pc * brs + jc * bcs;
                final int aBase = aOff + pc * acs;
                final int cBase = cOff + jc;
                final boolean overwrite = !accumulate && pc == 0;
                if (serial) {
                    packB(pb, b, bBase, brs, bcs, kr, nc, NR, KC, 0, nPanels);
                    computeRows(kern, 0, m, kr, nc, 0, nPanels, a, aBase, ars, acs,
                            pb, c, cBase, ldc, overwrite);
                    continue;
                }
                Parallel.forRange(nPanels, (long) kr * NR, (p0, p1) ->
                        packB(pb, b, bBase, brs, bcs, kr, nc, NR, KC, p0, p1));
                if (splitM) {
                    Parallel.forRange(mTiles, 2L * MR * nc * kr, (t0, t1) -> {
                        int i0 = t0 * MR, i1 = Math.min(m, t1 * MR);
                        computeRows(kern, i0, i1, kr, nc, 0, nPanels, a, aBase, ars, acs,
                                pb, c, cBase, ldc, overwrite);
                    });
                } else {
                    Parallel.forRange(nPanels, 2L * NR * m * kr, (p0, p1) ->
                            computeRows(kern, 0, m, kr, nc, p0, p1, a, aBase, ars, acs,
                                    pb, c, cBase, ldc, overwrite));
                }
            }
        }
    }

    /**
     * Rows [i0, i1) of C × B panels [p0, p1) of the current packed B round (kr rows of B, in
     * KC-deep blocks): for each KC block and each MC-row block, packs A into this thread's buffer
     * and runs the kernel's macro loop. Only the first KC block of the first round may overwrite C.
     */
    private static void computeRows(Kernel kern, int i0, int i1, int kr, int nc, int p0, int p1,
            float[] a, int aBase, int ars, int acs, float[] pb,
            float[] c, int cBase, int ldc, boolean overwrite) {
        final int MR = kern.mr(), NR = kern.nr(), MC = kern.mc(), KC = kern.kc();
        final int AS = kern.aStep();
        Workspace ws = WORKSPACE.get();
        float[] pa = ws.pa((MC / MR) * AS * Math.min(KC, kr));
        float[] tmp = ws.tmp(MR * NR);
        int width = (nc + NR - 1) / NR * NR;
        int j0 = p0 * NR;
        int ncPart = Math.min(nc, p1 * NR) - j0;
        // KC blocks outer, MC blocks inner (GotoBLAS order): one [KC, nc] block of B stays in
        // L2/L3 while this thread's rows stream past it
        for (int q = 0; q < kr; q += KC) {
            int kc = Math.min(KC, kr - q);
            for (int ic = i0; ic < i1; ic += MC) {
                int mc = Math.min(MC, i1 - ic);
                kern.packA(pa, a, aBase + ic * ars + q * acs, ars, acs, mc, kc);
                // B block q starts after q rows of full-width panels; panel p0 within it
                kern.macro(mc, ncPart, kc, pa, pb, width * q + p0 * NR * kc,
                        c, cBase + ic * ldc + j0, ldc, overwrite && q == 0, tmp);
            }
        }
    }

    /**
     * Packs A[0:mc, 0:kc] (element (i,p) at a[base + i*rs + p*cs]) into MR-row panels with
     * AS floats per k-step: pa[paOff + panel*AS*kc + p*AS + ii]; rows past mc are zero, the
     * AS-MR padding slots are never read and left as they are.
     */
    static void packA(float[] pa, int paOff, float[] a, int base, int rs, int cs, int mc, int kc,
            int MR, int AS) {
        for (int i0 = 0, dst = paOff; i0 < mc; i0 += MR, dst += AS * kc) {
            int rows = Math.min(MR, mc - i0);
            if (Math.abs(cs) <= Math.abs(rs)) {
                // row-major-ish A: read each row contiguously, scatter into the panel
                for (int ii = 0; ii < rows; ii++) {
                    int src = base + (i0 + ii) * rs;
                    for (int p = 0, d = dst + ii; p < kc; p++, d += AS) {
                        pa[d] = a[src + p * cs];
                    }
                }
            } else {
                // column-major-ish A (a transposed view): a panel column is contiguous in a
                for (int p = 0; p < kc; p++) {
                    int src = base + i0 * rs + p * cs;
                    int d = dst + p * AS;
                    for (int ii = 0; ii < rows; ii++) {
                        pa[d + ii] = a[src + ii * rs];
                    }
                }
            }
            if (rows < MR) {
                for (int p = 0; p < kc; p++) {
                    for (int ii = rows; ii < MR; ii++) {
                        pa[dst + p * AS + ii] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs panels [p0, p1) of B[0:kr, 0:nc] (element (p,j) at b[base + p*rs + j*cs]) in
     * KC-deep blocks: block q (rows q..q+kc) starts at width*q (width = nc rounded up to NR),
     * and within it panel t holds pb[width*q + t*NR*kc + p*NR + jj]; columns past nc are zero.
     */
    static void packB(float[] pb, float[] b, int base, int rs, int cs, int kr, int nc, int NR,
            int KC, int p0, int p1) {
        int width = (nc + NR - 1) / NR * NR;
        for (int q = 0; q < kr; q += KC) {
            packBlockB(pb, width * q, b, base + q * rs, rs, cs, Math.min(KC, kr - q), nc, NR,
                    p0, p1);
        }
    }

    /** One KC-deep block of {@link #packB}: panel t at pb[pbOff + t*NR*kc + p*NR + jj]. */
    private static void packBlockB(float[] pb, int pbOff, float[] b, int base, int rs, int cs,
            int kc, int nc, int NR, int p0, int p1) {
        for (int panel = p0; panel < p1; panel++) {
            int j0 = panel * NR;
            int cols = Math.min(NR, nc - j0);
            int dst = pbOff + panel * NR * kc;
            if (cs == 1) {
                // row-major B: each panel row is a contiguous run
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, base + p * rs + j0, pb, dst + p * NR, cols);
                }
            } else if (Math.abs(cs) <= Math.abs(rs)) {
                for (int p = 0; p < kc; p++) {
                    int src = base + p * rs + j0 * cs;
                    int d = dst + p * NR;
                    for (int jj = 0; jj < cols; jj++) {
                        pb[d + jj] = b[src + jj * cs];
                    }
                }
            } else {
                // column-major-ish B (a transposed view): read each column contiguously
                for (int jj = 0; jj < cols; jj++) {
                    int src = base + (j0 + jj) * cs;
                    for (int p = 0, d = dst + jj; p < kc; p++, d += NR) {
                        pb[d] = b[src + p * rs];
                    }
                }
            }
            if (cols < NR) {
                for (int p = 0; p < kc; p++) {
                    for (int jj = cols; jj < NR; jj++) {
                        pb[dst + p * NR + jj] = 0f;
                    }
                }
            }
        }
    }

    /** Writes the valid [rows, cols] corner of an MR×NR scratch tile into C. */
    static void storeEdge(float[] tmp, int NR, int rows, int cols, float[] c, int cOff, int ldc,
            boolean overwrite) {
        for (int i = 0; i < rows; i++) {
            int ci = cOff + i * ldc, ti = i * NR;
            if (overwrite) {
                System.arraycopy(tmp, ti, c, ci, cols);
            } else {
                for (int j = 0; j < cols; j++) {
                    c[ci + j] += tmp[ti + j];
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Scalar kernel

    /**
     * Plain-Java 4×4 kernel: 16 accumulators + 4 A + 4 B values; the JIT keeps most in
     * registers. A fallback when the Vector API is absent, ~an order of magnitude below SIMD.
     */
    static final class ScalarKernel implements Kernel {
        private static final int MR = 4, NR = 4;

        @Override public int mr() { return MR; }
        @Override public int nr() { return NR; }
        @Override public int mc() { return 128; }
        @Override public int kc() { return 256; }
        @Override public int nc() { return 2048; }
        @Override public String name() { return "scalar"; }
        @Override public String toString() { return name(); }

        @Override
        public void macro(int mc, int nc, int kc, float[] pa, float[] pb, int pbOff,
                float[] c, int cOff, int ldc, boolean overwrite, float[] tmp) {
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
                        storeEdge(tmp, NR, rows, cols, c, cOff + i * ldc + j, ldc, overwrite);
                    }
                }
            }
        }

        private static void micro(int kc, float[] pa, int ao, float[] pb, int bo,
                float[] c, int co, int ldc, boolean overwrite) {
            float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
            float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
            float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
            float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
            for (int p = 0; p < kc; p++, ao += MR, bo += NR) {
                float b0 = pb[bo], b1 = pb[bo + 1], b2 = pb[bo + 2], b3 = pb[bo + 3];
                float a0 = pa[ao];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                float a1 = pa[ao + 1];
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                float a2 = pa[ao + 2];
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                float a3 = pa[ao + 3];
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
            int r0 = co, r1 = co + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
            if (overwrite) {
                c[r0] = c00; c[r0 + 1] = c01; c[r0 + 2] = c02; c[r0 + 3] = c03;
                c[r1] = c10; c[r1 + 1] = c11; c[r1 + 2] = c12; c[r1 + 3] = c13;
                c[r2] = c20; c[r2 + 1] = c21; c[r2 + 2] = c22; c[r2 + 3] = c23;
                c[r3] = c30; c[r3 + 1] = c31; c[r3 + 2] = c32; c[r3 + 3] = c33;
            } else {
                c[r0] += c00; c[r0 + 1] += c01; c[r0 + 2] += c02; c[r0 + 3] += c03;
                c[r1] += c10; c[r1 + 1] += c11; c[r1 + 2] += c12; c[r1 + 3] += c13;
                c[r2] += c20; c[r2 + 1] += c21; c[r2 + 2] += c22; c[r2 + 3] += c23;
                c[r3] += c30; c[r3 + 1] += c31; c[r3 + 2] += c32; c[r3 + 3] += c33;
            }
        }
    }
}
