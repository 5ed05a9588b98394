package dev.plumbline.kernels.cuda;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.MemoryStats;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.CUpointer_attribute;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * One CUDA device as Plumbline uses it: its primary context, one stream on which every launch and
 * copy is queued (asynchronously), the kernel module loaded from the checked-in fatbin, a caching
 * allocator and a pinned host staging buffer for transfers.
 *
 * <p>The allocator keeps freed blocks in size-binned free lists (512-byte bins below 1 MiB,
 * 2 MiB bins above) so that steady-state training makes no driver call per op; when the driver
 * runs out of memory it returns the cached blocks and retries once, and then fails with an error
 * that says how much was asked, and the live, peak and cached bytes.
 */
final class CudaDevice {
    /** The fatbin resource built by {@code kernels/src/main/cuda/build.sh}. */
    static final String FATBIN = "/dev/plumbline/kernels/cuda/plumbline.fatbin";

    final int index;
    final Device device;
    final String name;
    final CUcontext context = new CUcontext();
    final CUstream stream = new CUstream();
    private final CUmodule module = new CUmodule();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final Map<Long, ArrayDeque<Block>> free = new HashMap<>();
    private long cachedBytes;
    private long reservedBytes;
    private String lastKernel = "(none)";
    private Pointer pinned;
    private ByteBuffer pinnedBuf;
    private long pinnedBytes;

    /** A device allocation: the driver pointer, its address and rounded size. */
    record Block(CUdeviceptr ptr, long address, long bytes) {}

    CudaDevice(int index) {
        this.index = index;
        this.device = Device.cuda(index);
        CUdevice dev = new CUdevice();
        CudaException.check(JCudaDriver.cuDeviceGet(dev, index), "cuDeviceGet(" + index + ")");
        CudaException.check(JCudaDriver.cuDevicePrimaryCtxRetain(context, dev), "cuDevicePrimaryCtxRetain");
        makeCurrent();
        CudaException.check(JCudaDriver.cuStreamCreate(stream, 1 /* CU_STREAM_NON_BLOCKING */), "cuStreamCreate");
        byte[] fatbin = readFatbin();
        CudaException.check(JCudaDriver.cuModuleLoadData(module, fatbin), "cuModuleLoadData(plumbline.fatbin, "
                + fatbin.length + " bytes: SASS sm_80/sm_90 + compute_90 PTX)");
        byte[] n = new byte[256];
        JCudaDriver.cuDeviceGetName(n, n.length, dev);
        int len = 0;
        while (len < n.length && n[len] != 0) {
            len++;
        }
        this.name = new String(n, 0, len, java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] readFatbin() {
        try (InputStream in = CudaDevice.class.getResourceAsStream(FATBIN)) {
            if (in == null) {
                throw new CudaException("cuda: resource " + FATBIN + " is missing from the kernels jar; run "
                        + "kernels/src/main/cuda/build.sh");
            }
            byte[] b = in.readAllBytes();
            byte[] z = java.util.Arrays.copyOf(b, b.length + 1); // cuModuleLoadData wants the image NUL-safe
            return z;
        } catch (IOException e) {
            throw new CudaException("cuda: cannot read " + FATBIN + ": " + e);
        }
    }

    /** Binds this device's context to the calling thread (cheap when already current). */
    void makeCurrent() {
        CudaException.check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent(cuda:" + index + ")");
    }

    // ---- kernels --------------------------------------------------------------------------------------

    synchronized CUfunction function(String kernel) {
        CUfunction f = functions.get(kernel);
        if (f == null) {
            f = new CUfunction();
            CudaException.check(JCudaDriver.cuModuleGetFunction(f, module, kernel), "kernel " + kernel
                    + " not found in plumbline.fatbin (stale resource? run kernels/src/main/cuda/build.sh)");
            functions.put(kernel, f);
        }
        return f;
    }

    /** Allows {@code kernel} more than 48 KiB of dynamic shared memory. */
    void allowSharedMemory(String kernel, int bytes) {
        CudaException.check(JCudaDriver.cuFuncSetAttribute(function(kernel),
                CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes),
                "kernel " + kernel + ": cuFuncSetAttribute(max dynamic shared memory " + bytes + ")");
    }

    /**
     * Queues {@code kernel} on this device's stream. Arguments: {@code Integer}, {@code Long},
     * {@code Float}, {@code int[]} (a struct of 32-bit words passed by value) or {@link Ptr}.
     */
    void launch(String kernel, int gx, int gy, int gz, int block, int sharedBytes, Object... args) {
        launch2(kernel, gx, gy, gz, block, 1, sharedBytes, args);
    }

    /** As {@link #launch} with a two-dimensional block (bx, by). */
    void launch2(String kernel, int gx, int gy, int gz, int block, int blockY, int sharedBytes, Object... args) {
        if (gx == 0 || gy == 0 || gz == 0) {
            return;
        }
        Pointer[] p = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof Integer v) {
                p[i] = Pointer.to(new int[] {v});
            } else if (a instanceof Long v) {
                p[i] = Pointer.to(new long[] {v});
            } else if (a instanceof Float v) {
                p[i] = Pointer.to(new float[] {v});
            } else if (a instanceof int[] v) {
                p[i] = Pointer.to(v);
            } else if (a instanceof Ptr v) {
                p[i] = Pointer.to(new long[] {v.address()});
            } else {
                throw new IllegalArgumentException("kernel " + kernel + ": unsupported argument " + a);
            }
        }
        lastKernel = kernel;
        CudaException.check(JCudaDriver.cuLaunchKernel(function(kernel), gx, gy, gz, block, blockY, 1, sharedBytes, stream,
                Pointer.to(p), null), "kernel " + kernel + " (grid " + gx + "×" + gy + "×" + gz + ", block " + block
                + "×" + blockY + ", smem " + sharedBytes + "): launch failed");
    }

    /** A device address passed to a kernel (0 = null). */
    record Ptr(long address) {
        static final Ptr NULL = new Ptr(0);
    }

    /** Waits for the stream; an asynchronous kernel failure is reported with the last kernel queued. */
    void synchronize() {
        int r = JCudaDriver.cuStreamSynchronize(stream);
        if (r != 0) {
            throw new CudaException("cuda: kernel " + lastKernel + " (or earlier work on cuda:" + index + ") failed: "
                    + CudaException.describe(r));
        }
    }

    // ---- memory ---------------------------------------------------------------------------------------

    static long binOf(long bytes) {
        long b = Math.max(bytes, 1);
        return b < (1L << 20) ? (b + 511) & ~511L : (b + (2L << 20) - 1) & ~((2L << 20) - 1);
    }

    /** A zeroed block of at least {@code bytes} (contents are zero, as the Backend SPI requires). */
    synchronized Block allocate(long bytes) {
        long bin = binOf(bytes);
        ArrayDeque<Block> list = free.get(bin);
        Block b = list == null ? null : list.poll();
        if (b != null) {
            cachedBytes -= bin;
        } else {
            b = driverAlloc(bytes, bin);
        }
        CudaException.check(JCudaDriver.cuMemsetD8Async(b.ptr(), (byte) 0, bin, stream), "cuMemsetD8Async");
        return b;
    }

    private Block driverAlloc(long bytes, long bin) {
        makeCurrent();
        CUdeviceptr p = new CUdeviceptr();
        int r = JCudaDriver.cuMemAlloc(p, bin);
        if (r == 2 /* CUDA_ERROR_OUT_OF_MEMORY */) {
            emptyCache();
            r = JCudaDriver.cuMemAlloc(p, bin);
        }
        if (r != 0) {
            throw new CudaException("cuda:" + index + " out of memory: asked for " + bytes + " bytes (bin " + bin
                    + "); live " + MemoryStats.liveBytes(device) + " bytes, peak " + MemoryStats.peakBytes(device)
                    + " bytes, reserved from the driver " + reservedBytes + " bytes: " + CudaException.describe(r));
        }
        reservedBytes += bin;
        long[] addr = new long[1];
        CudaException.check(JCudaDriver.cuPointerGetAttribute(Pointer.to(addr),
                CUpointer_attribute.CU_POINTER_ATTRIBUTE_DEVICE_POINTER, p), "cuPointerGetAttribute");
        return new Block(p, addr[0], bin);
    }

    /** Returns a block to its free list (stream order makes reuse safe without a sync). */
    synchronized void release(Block b) {
        free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).push(b);
        cachedBytes += b.bytes();
    }

    /** Frees every cached block back to the driver. */
    synchronized void emptyCache() {
        synchronize();
        for (ArrayDeque<Block> l : free.values()) {
            for (Block b : l) {
                JCudaDriver.cuMemFree(b.ptr());
                reservedBytes -= b.bytes();
            }
        }
        free.clear();
        cachedBytes = 0;
    }

    /** Bytes held in free lists, ready for reuse. */
    synchronized long cachedBytes() {
        return cachedBytes;
    }

    /** Bytes obtained from the driver and not yet returned. */
    synchronized long reservedBytes() {
        return reservedBytes;
    }

    /** The pinned staging buffer, grown to at least {@code bytes}; callers hold the device lock. */
    ByteBuffer staging(long bytes) {
        if (bytes > pinnedBytes) {
            if (pinned != null) {
                JCudaDriver.cuMemFreeHost(pinned);
            }
            long size = Math.max(bytes, 1 << 20);
            pinned = new Pointer();
            CudaException.check(JCudaDriver.cuMemAllocHost(pinned, size), "cuMemAllocHost(" + size + " bytes, pinned)");
            pinnedBuf = pinned.getByteBuffer(0, size).order(ByteOrder.nativeOrder());
            pinnedBytes = size;
        }
        pinnedBuf.clear();
        return pinnedBuf;
    }

    /** Host → device through the pinned buffer; returns after the copy has completed. */
    synchronized void upload(CUdeviceptr dst, ByteBuffer filled, long bytes) {
        CudaException.check(JCudaDriver.cuMemcpyHtoDAsync(dst, pinned, bytes, stream), "cuMemcpyHtoDAsync(" + bytes + " bytes)");
        synchronize();
    }

    /** Device → host into the pinned buffer (returned positioned at 0). */
    synchronized ByteBuffer download(CUdeviceptr src, long bytes) {
        ByteBuffer b = staging(bytes);
        CudaException.check(JCudaDriver.cuMemcpyDtoHAsync(pinned, src, bytes, stream), "cuMemcpyDtoHAsync(" + bytes + " bytes)");
        synchronize();
        return b;
    }
}
