package dev.plumbline.kernels.cuda;

import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

import java.util.ArrayList;
import java.util.List;

/**
 * Loads the JCuda driver binding and initialises the CUDA driver once per process, turning every
 * way that can fail (no libcuda.so.1, no device, an old driver) into one sentence.
 *
 * <pre>{@code
 * CudaDriver.Status s = CudaDriver.status();
 * if (!s.ok()) System.out.println(s.reason()); // "no CUDA driver: libcuda.so.1 not found (JCuda 12.6.0 needs an NVIDIA driver)"
 * }</pre>
 */
final class CudaDriver {
    private CudaDriver() {}

    /** JCuda's version: its natives are built against CUDA 12.6 and need a driver of that age or newer. */
    static final String JCUDA_VERSION = "12.6.0";

    /** Result of initialising the driver: the devices found, or why there are none. */
    record Status(boolean ok, int driverVersion, List<String> deviceNames, String reason) {}

    private static volatile Status status;

    /** Initialises the driver on first call; never throws. */
    static Status status() {
        Status s = status;
        if (s == null) {
            synchronized (CudaDriver.class) {
                if (status == null) {
                    status = init();
                }
                s = status;
            }
        }
        return s;
    }

    private static Status init() {
        try {
            JCudaDriver.setExceptionsEnabled(false);
            int r = JCudaDriver.cuInit(0);
            if (r != 0) {
                String what = CudaException.describe(r);
                String hint = r == 100 ? "no CUDA device found" : r == 35 ? "the NVIDIA driver is older than CUDA 12.6 needs"
                        : "cuInit failed";
                return fail(hint + ": " + what);
            }
            int[] v = new int[1];
            JCudaDriver.cuDriverGetVersion(v);
            int[] n = new int[1];
            CudaException.check(JCudaDriver.cuDeviceGetCount(n), "cuDeviceGetCount");
            if (n[0] == 0) {
                return fail("no CUDA device found (driver " + version(v[0]) + ")");
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < n[0]; i++) {
                CUdevice d = new CUdevice();
                CudaException.check(JCudaDriver.cuDeviceGet(d, i), "cuDeviceGet");
                byte[] name = new byte[256];
                JCudaDriver.cuDeviceGetName(name, name.length, d);
                int len = 0;
                while (len < name.length && name[len] != 0) {
                    len++;
                }
                names.add(new String(name, 0, len, java.nio.charset.StandardCharsets.UTF_8));
            }
            return new Status(true, v[0], List.copyOf(names), "CUDA driver " + version(v[0]) + ", " + names.size()
                    + " device(s) " + names);
        } catch (UnsatisfiedLinkError e) {
            return fail(linkReason(e));
        } catch (LinkageError | RuntimeException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("libcuda")) {
                return fail(linkReason(e));
            }
            return fail("JCuda " + JCUDA_VERSION + " failed to start: " + e.getClass().getSimpleName() + ": " + m);
        }
    }

    /** One sentence out of JCuda's loader error (which lists every path it tried). */
    static String linkReason(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        String m = all.toString();
        if (m.contains("libcuda.so")) {
            return "no CUDA driver: libcuda.so.1 not found (JCuda " + JCUDA_VERSION + " needs an NVIDIA driver)";
        }
        int cut = m.indexOf('\n');
        return "JCuda " + JCUDA_VERSION + " native library failed to load: " + (cut > 0 ? m.substring(0, cut) : m);
    }

    private static Status fail(String reason) {
        return new Status(false, 0, List.of(), reason);
    }

    static String version(int v) {
        return (v / 1000) + "." + (v % 1000) / 10;
    }
}
