package dev.plumbline.kernels.opencl;

import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.lwjgl.opencl.CL10.*;

/**
 * Platform and device discovery. {@code Device.opencl(i)} indexes {@link #list()}: every device of
 * every platform, GPUs first, then the others (e.g. PoCL's CPU device), in platform order.
 *
 * <pre>{@code
 * for (OpenClDevices.Info d : OpenClDevices.list()) System.out.println(d);
 * // NVIDIA H100 80GB HBM3 (NVIDIA CUDA, OpenCL 3.0 CUDA, GPU)
 * }</pre>
 */
public final class OpenClDevices {
    private OpenClDevices() {}

    /** What one device reports. */
    public record Info(long platform, long device, String name, String platformName, String version, boolean gpu,
                       long globalMemBytes, long maxAllocBytes, int maxWorkGroupSize, long localMemBytes,
                       boolean fp64) {
        @Override
        public String toString() {
            return name + " (" + platformName + ", " + version + ", " + (gpu ? "GPU" : "CPU/other") + ")";
        }
    }

    private static List<Info> cached;
    private static String cachedFailure;

    /**
     * All devices, GPUs first.
     *
     * @throws OpenClException when the library is missing or no platform is present, saying so plainly
     */
    public static synchronized List<Info> list() {
        if (cached != null) {
            return cached;
        }
        if (cachedFailure != null) {
            throw new OpenClException(cachedFailure, 0);
        }
        String why = OpenClLibrary.ensureLoaded();
        if (why != null) {
            cachedFailure = why;
            throw new OpenClException(why, 0);
        }
        List<Info> gpus = new ArrayList<>(), others = new ArrayList<>();
        try (MemoryStack st = MemoryStack.stackPush()) {
            IntBuffer n = st.mallocInt(1);
            int err = clGetPlatformIDs(null, n);
            if (err == -1001 || (err == 0 && n.get(0) == 0)) {
                cachedFailure = "the OpenCL library " + OpenClLibrary.loadedPath() + " loaded but no OpenCL platform "
                        + "is installed (no ICD in /etc/OpenCL/vendors): install a driver, e.g. pocl-opencl-icd for "
                        + "CPUs or the NVIDIA driver for GPUs";
                throw new OpenClException(cachedFailure, err);
            }
            OpenClException.check(err, "clGetPlatformIDs", "opencl: discovery");
            PointerBuffer plats = st.mallocPointer(n.get(0));
            OpenClException.check(clGetPlatformIDs(plats, (IntBuffer) null), "clGetPlatformIDs", "opencl: discovery");
            for (int p = 0; p < plats.capacity(); p++) {
                long plat = plats.get(p);
                String pname = platformString(plat, CL_PLATFORM_NAME);
                IntBuffer nd = st.mallocInt(1);
                int e = clGetDeviceIDs(plat, CL_DEVICE_TYPE_ALL, null, nd);
                if (e == CL_DEVICE_NOT_FOUND || nd.get(0) == 0) {
                    continue;
                }
                OpenClException.check(e, "clGetDeviceIDs", "opencl: discovery on platform " + pname);
                PointerBuffer devs = st.mallocPointer(nd.get(0));
                OpenClException.check(clGetDeviceIDs(plat, CL_DEVICE_TYPE_ALL, devs, (IntBuffer) null), "clGetDeviceIDs",
                        "opencl: discovery on platform " + pname);
                for (int d = 0; d < devs.capacity(); d++) {
                    long dev = devs.get(d);
                    long type = deviceLong(dev, CL_DEVICE_TYPE);
                    boolean gpu = (type & CL_DEVICE_TYPE_GPU) != 0;
                    String ext = deviceString(dev, CL_DEVICE_EXTENSIONS);
                    Info info = new Info(plat, dev, deviceString(dev, CL_DEVICE_NAME).trim(), pname,
                            deviceString(dev, CL_DEVICE_VERSION).trim(), gpu, deviceLong(dev, CL_DEVICE_GLOBAL_MEM_SIZE),
                            deviceLong(dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE), (int) devicePointer(dev, CL_DEVICE_MAX_WORK_GROUP_SIZE),
                            deviceLong(dev, CL_DEVICE_LOCAL_MEM_SIZE), ext.contains("cl_khr_fp64"));
                    (gpu ? gpus : others).add(info);
                }
            }
        }
        List<Info> all = new ArrayList<>(gpus);
        all.addAll(others);
        if (all.isEmpty()) {
            cachedFailure = "OpenCL platforms are installed but none reports a device";
            throw new OpenClException(cachedFailure, CL_DEVICE_NOT_FOUND);
        }
        cached = Collections.unmodifiableList(all);
        return cached;
    }

    static String platformString(long plat, int param) {
        try (MemoryStack st = MemoryStack.stackPush()) {
            PointerBuffer size = st.mallocPointer(1);
            OpenClException.check(clGetPlatformInfo(plat, param, (ByteBuffer) null, size), "clGetPlatformInfo",
                    "opencl: discovery");
            ByteBuffer b = st.malloc((int) size.get(0));
            OpenClException.check(clGetPlatformInfo(plat, param, b, null), "clGetPlatformInfo", "opencl: discovery");
            return cString(b);
        }
    }

    static String deviceString(long dev, int param) {
        try (MemoryStack st = MemoryStack.stackPush()) {
            PointerBuffer size = st.mallocPointer(1);
            OpenClException.check(clGetDeviceInfo(dev, param, (ByteBuffer) null, size), "clGetDeviceInfo",
                    "opencl: discovery");
            ByteBuffer b = org.lwjgl.system.MemoryUtil.memAlloc((int) size.get(0));
            try {
                OpenClException.check(clGetDeviceInfo(dev, param, b, null), "clGetDeviceInfo", "opencl: discovery");
                return cString(b);
            } finally {
                org.lwjgl.system.MemoryUtil.memFree(b);
            }
        }
    }

    static long deviceLong(long dev, int param) {
        try (MemoryStack st = MemoryStack.stackPush()) {
            LongBuffer v = st.mallocLong(1);
            OpenClException.check(clGetDeviceInfo(dev, param, v, null), "clGetDeviceInfo", "opencl: discovery");
            return v.get(0);
        }
    }

    static long devicePointer(long dev, int param) {
        try (MemoryStack st = MemoryStack.stackPush()) {
            PointerBuffer v = st.mallocPointer(1);
            OpenClException.check(clGetDeviceInfo(dev, param, v, null), "clGetDeviceInfo", "opencl: discovery");
            return v.get(0);
        }
    }

    static String cString(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        int len = 0;
        while (len < a.length && a[len] != 0) {
            len++;
        }
        return new String(a, 0, len, java.nio.charset.StandardCharsets.UTF_8);
    }
}
