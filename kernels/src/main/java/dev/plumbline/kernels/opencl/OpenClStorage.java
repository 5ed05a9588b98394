package dev.plumbline.kernels.opencl;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.backend.Storage;

/**
 * Storage of one OpenCL buffer ({@code cl_mem}) from the device's {@link OpenClAllocator}. Freeing
 * returns the buffer to the allocator's free list (no driver call); the buffer may be larger than
 * {@link #bytes()} (its size bin).
 */
public final class OpenClStorage extends Storage {
    private long mem;

    OpenClStorage(Device device, DType dtype, long numel, long mem, long binBytes, OpenClAllocator allocator) {
        super(device, dtype, numel, () -> allocator.release(mem, binBytes));
        this.mem = mem;
    }

    /** The {@code cl_mem} handle; throws if this storage was freed. */
    public long mem() {
        checkLive();
        return mem;
    }

    @Override
    protected void onFree() {
        mem = 0;
    }
}
