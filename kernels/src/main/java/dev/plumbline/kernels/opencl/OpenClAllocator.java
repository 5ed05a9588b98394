package dev.plumbline.kernels.opencl;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.MemoryStats;
import org.lwjgl.system.MemoryStack;

import java.nio.IntBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import static org.lwjgl.opencl.CL10.*;

/**
 * A per-context caching allocator: buffers are rounded up to a size bin and, when freed, kept on that
 * bin's free list for the next allocation of the same bin, so steady-state training makes no driver
 * call per op. Bins: multiples of 512 B up to 1 MiB, then four bins per power of two (at most 25%
 * slack). Live/peak tensor bytes are counted by {@code MemoryStats} (through {@code Storage});
 * this class counts what it holds from the driver.
 *
 * <pre>{@code
 * OpenClAllocator a = backend.allocator();
 * a.cachedBytes();   // bytes sitting on free lists
 * a.emptyCache();    // hands them back to the driver
 * }</pre>
 */
public final class OpenClAllocator {
    private final long context;
    private final Device device;
    private final long maxAllocBytes;
    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private long cachedBytes;
    private long reservedBytes;
    private long driverAllocations;

    /**
     * @param maxAllocBytes the device's CL_DEVICE_MAX_MEM_ALLOC_SIZE; larger requests fail before any
     *                      driver call (some drivers overcommit host memory instead of refusing)
     */
    OpenClAllocator(long context, Device device, long maxAllocBytes) {
        this.context = context;
        this.device = device;
        this.maxAllocBytes = maxAllocBytes > 0 ? maxAllocBytes : Long.MAX_VALUE;
    }

    /** The bin (buffer size in bytes) that serves a request of {@code bytes}. */
    static long binOf(long bytes) {
        long b = Math.max(bytes, 1);
        if (b <= (1 << 20)) {
            return (b + 511) & ~511L;
        }
        long hi = Long.highestOneBit(b);
        if (hi == b) {
            return b;
        }
        long quarter = hi >>> 2;
        return (b + quarter - 1) / quarter * quarter;
    }

    /** A buffer of at least {@code bytes} bytes; returns {mem, binBytes}. Contents are undefined. */
    synchronized long[] acquire(long bytes, String op) {
        if (bytes < 0) { // numel * element size overflowed
            throw new OpenClException(device + " " + op + ": out of memory: the request overflows a 64-bit byte count; "
                    + memoryState(), CL_INVALID_BUFFER_SIZE);
        }
        long bin = binOf(bytes);
        if (bin > maxAllocBytes) {
            throw new OpenClException(device + " " + op + ": out of memory: requested " + bytes + " bytes, more than the "
                    + "device's largest buffer (" + maxAllocBytes + " bytes); " + memoryState(), CL_INVALID_BUFFER_SIZE);
        }
        ArrayDeque<Long> list = free.get(bin);
        if (list != null && !list.isEmpty()) {
            cachedBytes -= bin;
            return new long[] {list.pop(), bin};
        }
        long mem = create(bin);
        if (mem == 0) { // out of memory: give the cache back to the driver and try once more
            emptyCache();
            mem = create(bin);
        }
        if (mem == 0) {
            throw new OpenClException(device + " " + op + ": out of memory: requested " + bytes + " bytes (bin " + bin
                    + "), clCreateBuffer failed with " + OpenClException.errorName(lastError)
                    + " even after emptying the cache; " + memoryState(), lastError);
        }
        reservedBytes += bin;
        driverAllocations++;
        return new long[] {mem, bin};
    }

    private int lastError;

    /** Live and peak tensor bytes, and what this allocator holds, for out-of-memory messages. */
    private String memoryState() {
        return "live " + MemoryStats.liveBytes(device) + " bytes, peak " + MemoryStats.peakBytes(device)
                + " bytes, reserved from the driver " + reservedBytes + " bytes (cached free " + cachedBytes + ")";
    }

    private long create(long bin) {
        try (MemoryStack st = MemoryStack.stackPush()) {
            IntBuffer err = st.mallocInt(1);
            long mem = clCreateBuffer(context, CL_MEM_READ_WRITE, bin, err);
            lastError = err.get(0);
            return lastError == CL_SUCCESS ? mem : 0;
        }
    }

    /** Returns a buffer to its bin's free list (called when a storage is freed, from any thread). */
    synchronized void release(long mem, long bin) {
        free.computeIfAbsent(bin, k -> new ArrayDeque<>()).push(mem);
        cachedBytes += bin;
    }

    /** Releases every cached (free) buffer to the driver. */
    public synchronized void emptyCache() {
        for (ArrayDeque<Long> list : free.values()) {
            for (long mem : list) {
                clReleaseMemObject(mem);
            }
        }
        reservedBytes -= cachedBytes;
        cachedBytes = 0;
        free.clear();
    }

    /** Bytes on the free lists. */
    public synchronized long cachedBytes() {
        return cachedBytes;
    }

    /** Bytes held from the driver (in use + cached). */
    public synchronized long reservedBytes() {
        return reservedBytes;
    }

    /** Number of clCreateBuffer calls so far (a cache hit makes none). */
    public synchronized long driverAllocations() {
        return driverAllocations;
    }
}
