package dev.plumbline.kernels.cuda;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.runtime.cudaStream_t;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Makes JCublas 12.6.0 load on a CUDA 13 machine. JCublas' native library imports its 494 cuBLAS
 * symbols with the version node {@code libcublas.so.12}; CUDA 13 ships only {@code libcublas.so.13}.
 * The bridge (built by {@code kernels/src/main/native/cublas-bridge/generate.sh}, shipped as the
 * resource {@code libcublas.so.12}) exports those symbols under the {@code libcublas.so.12} node and
 * jumps to the same-named functions of libcublas.so.13 (dlopen/dlsym).
 *
 * <p>Order of loading: a real libcublas.so.12 (CUDA 12 machine) is used as is; otherwise
 * libcublas.so.13 is found ({@code -Dplumbline.cublas.path}, {@code LD_LIBRARY_PATH}, {@code CUDA_HOME},
 * {@code /usr/local/cuda}) and {@link System#load}ed, then the bridge is extracted to a temp folder
 * and loaded by absolute path, so its soname already satisfies JCublas' {@code NEEDED libcublas.so.12}
 * when JCublas loads. Any failure leaves GEMMs on Plumbline's own kernels, announced by ONE log line.
 *
 * <pre>{@code
 * CublasBridge.Gemm g = CublasBridge.open(device);   // null when cuBLAS is unavailable
 * System.out.println(CublasBridge.unavailableReason());
 * }</pre>
 */
final class CublasBridge {
    private CublasBridge() {}

    private static final Logger LOG = Logger.getLogger("dev.plumbline.kernels.cuda");
    static final String BRIDGE_RESOURCE = "/dev/plumbline/kernels/cuda/libcublas.so.12";

    private static volatile String state; // null = not tried, "" = loaded, else the reason
    private static volatile String how = "";

    /** Why cuBLAS is not used, or null when it loaded (or was not tried yet). */
    static String unavailableReason() {
        String s = state;
        return s == null || s.isEmpty() ? null : s;
    }

    /** Folders searched for libcublas.so.12 / .13, in order. */
    static List<Path> searchPath() {
        Set<String> dirs = new LinkedHashSet<>();
        String prop = System.getProperty("plumbline.cublas.path");
        if (prop != null) {
            dirs.add(new File(prop).isFile() ? new File(prop).getParent() : prop);
        }
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String d : ld.split(":")) {
                if (!d.isEmpty()) {
                    dirs.add(d);
                }
            }
        }
        for (String env : new String[] {"CUDA_HOME", "CUDA_PATH"}) {
            String h = System.getenv(env);
            if (h != null) {
                dirs.add(h + "/lib64");
                dirs.add(h + "/targets/x86_64-linux/lib");
            }
        }
        dirs.add("/usr/local/cuda/lib64");
        dirs.add("/usr/local/cuda/targets/x86_64-linux/lib");
        dirs.add("/usr/lib/x86_64-linux-gnu");
        List<Path> out = new ArrayList<>();
        for (String d : dirs) {
            out.add(Path.of(d));
        }
        return out;
    }

    static Path find(String file) {
        for (Path d : searchPath()) {
            Path p = d.resolve(file);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Loads libcublas.so.13 and the bridge (not JCublas). Returns null on success, else the reason.
     * Separate from {@link #load()} so a test can check the failure path without a GPU.
     */
    static String loadBridge() {
        Path c13 = find("libcublas.so.13");
        if (c13 == null) {
            return "neither libcublas.so.12 nor libcublas.so.13 found in " + searchPath()
                    + " (set -Dplumbline.cublas.path)";
        }
        try {
            System.load(c13.toString());
        } catch (UnsatisfiedLinkError e) {
            return "cannot load " + c13 + ": " + e.getMessage();
        }
        try {
            Path bridge = extractBridge();
            System.load(bridge.toString());
            how = "libcublas.so.13 via bridge " + bridge;
            return null;
        } catch (IOException | UnsatisfiedLinkError e) {
            return "cannot load the libcublas.so.12 bridge: " + e.getMessage();
        }
    }

    static Path extractBridge() throws IOException {
        try (InputStream in = CublasBridge.class.getResourceAsStream(BRIDGE_RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + BRIDGE_RESOURCE + " missing (run kernels/src/main/native/cublas-bridge/generate.sh)");
            }
            Path dir = Files.createTempDirectory("plumbline-cublas");
            Path f = dir.resolve("libcublas.so.12");
            Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
            f.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return f;
        }
    }

    private static synchronized String load() {
        if (state != null) {
            return state;
        }
        String reason = null;
        Path c12 = find("libcublas.so.12");
        if (c12 != null) {
            how = "libcublas.so.12 at " + c12;
            try {
                System.load(c12.toString());
            } catch (UnsatisfiedLinkError e) {
                reason = "cannot load " + c12 + ": " + e.getMessage();
            }
        } else {
            reason = loadBridge();
        }
        if (reason == null) {
            try {
                JCublas2.setExceptionsEnabled(false);
                JCublas2.initialize();
            } catch (LinkageError | RuntimeException e) {
                reason = "JCublas " + CudaDriver.JCUDA_VERSION + " failed to load its native library: "
                        + CudaDriver.linkReason(e);
            }
        }
        state = reason == null ? "" : reason;
        if (reason != null) {
            LOG.info("cuda: cuBLAS unavailable (" + reason + "); GEMMs use Plumbline's own kernels");
        }
        return state;
    }

    /** A cuBLAS handle on {@code dev}'s stream, or null (after the one log line) when cuBLAS cannot load. */
    static Gemm open(CudaDevice dev) {
        if (!load().isEmpty()) {
            return null;
        }
        cublasHandle h = new cublasHandle();
        int r = JCublas2.cublasCreate(h);
        if (r != 0) {
            state = "cublasCreate failed with status " + r;
            LOG.info("cuda: cuBLAS unavailable (" + state + "); GEMMs use Plumbline's own kernels");
            return null;
        }
        JCublas2.cublasSetStream(h, new cudaStream_t(dev.stream));
        return new Gemm(h, how);
    }

    /** cuBLAS GEMMs on row-major Plumbline tensors (computed as column-major Cᵀ = Bᵀ Aᵀ). */
    static final class Gemm {
        private static final int OP_N = 0, OP_T = 1;
        private static final int CUDA_R_32F = 0, CUDA_R_16BF = 14, CUBLAS_COMPUTE_32F = 68, CUBLAS_GEMM_DEFAULT = -1;
        private final cublasHandle handle;
        private final String version;
        private final Pointer one = Pointer.to(new float[] {1f}), zero = Pointer.to(new float[] {0f});

        Gemm(cublasHandle handle, String version) {
            this.handle = handle;
            this.version = version;
        }

        String version() {
            return version;
        }

        /**
         * out (batch, m, n) row-major = a @ b. aInner: a is K-contiguous with row stride lda (else
         * M-contiguous with column stride lda); bInner: b is N-contiguous (else K-contiguous).
         */
        void sgemm(Pointer a, boolean aInner, int lda, long sa, Pointer b, boolean bInner, int ldb, long sb, Pointer out,
                   int m, int n, int k, int batch) {
            int r = JCublas2.cublasSgemmStridedBatched(handle, bInner ? OP_N : OP_T, aInner ? OP_N : OP_T, n, m, k, one,
                    b, ldb, sb, a, lda, sa, zero, out, n, (long) m * n, batch);
            if (r != 0) {
                throw new CudaException("cuda: cublasSgemmStridedBatched(" + m + "×" + n + "×" + k + ", batch " + batch
                        + ") failed with cuBLAS status " + r);
            }
        }

        /** As {@link #sgemm} with BF16 a and b, F32 compute and F32 out. */
        void gemmBf16(Pointer a, boolean aInner, int lda, long sa, Pointer b, boolean bInner, int ldb, long sb,
                      Pointer out, int m, int n, int k, int batch) {
            int r = JCublas2.cublasGemmStridedBatchedEx(handle, bInner ? OP_N : OP_T, aInner ? OP_N : OP_T, n, m, k, one,
                    b, CUDA_R_16BF, ldb, sb, a, CUDA_R_16BF, lda, sa, zero, out, CUDA_R_32F, n, (long) m * n, batch,
                    CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
            if (r != 0) {
                throw new CudaException("cuda: cublasGemmStridedBatchedEx(BF16, " + m + "×" + n + "×" + k + ", batch "
                        + batch + ") failed with cuBLAS status " + r);
            }
        }
    }
}
