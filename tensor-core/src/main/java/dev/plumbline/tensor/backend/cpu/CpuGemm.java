package dev.plumbline.tensor.backend.cpu;

/** Interim F32 GEMM (i-k-j loop order, parallel over rows); replaced by the blocked SIMD kernel. */
public final class CpuGemm {
    private CpuGemm() {}

    /** C = (accumulate ? C : 0) + A·B with element strides. */
    public static void sgemm(int m, int n, int k, float[] a, int aOff, int aRowStride, int aColStride,
                             float[] b, int bOff, int bRowStride, int bColStride,
                             float[] c, int cOff, int cRowStride, boolean accumulate) {
        Parallel.forRange(m, 2L * n * k, (r0, r1) -> {
            for (int i = r0; i < r1; i++) {
                int ci = cOff + i * cRowStride;
                if (!accumulate) {
                    java.util.Arrays.fill(c, ci, ci + n, 0f);
                }
                for (int p = 0; p < k; p++) {
                    float av = a[aOff + i * aRowStride + p * aColStride];
                    int bp = bOff + p * bRowStride;
                    if (bColStride == 1) {
                        for (int j = 0; j < n; j++) {
                            c[ci + j] += av * b[bp + j];
                        }
                    } else {
                        for (int j = 0; j < n; j++) {
                            c[ci + j] += av * b[bp + j * bColStride];
                        }
                    }
                }
            }
        });
    }

    /** Kernel name for logs. */
    public static String kernelName() {
        return "scalar-interim";
    }
}
