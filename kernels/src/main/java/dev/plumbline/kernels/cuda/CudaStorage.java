package dev.plumbline.kernels.cuda;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.backend.Storage;
import jcuda.driver.CUdeviceptr;

/**
 * Device memory of one tensor storage, taken from (and given back to) its device's caching
 * allocator. Registers live/peak bytes with {@link dev.plumbline.tensor.MemoryStats} through
 * {@link Storage}.
 */
final class CudaStorage extends Storage {
    private final CudaDevice.Block block;

    private CudaStorage(CudaDevice dev, DType dtype, long numel, CudaDevice.Block block) {
        super(dev.device, dtype, numel, () -> dev.release(block)); // the release captures no storage
        this.block = block;
    }

    static CudaStorage allocate(CudaDevice dev, DType dtype, long numel) {
        return new CudaStorage(dev, dtype, numel, dev.allocate(numel * dtype.byteSize()));
    }

    /** Device address of element {@code elementOffset}. */
    long address(long elementOffset) {
        checkLive();
        return block.address() + elementOffset * dtype().byteSize();
    }

    /** Driver pointer at element {@code elementOffset} (for copies). */
    CUdeviceptr pointer(long elementOffset) {
        checkLive();
        return block.ptr().withByteOffset(elementOffset * dtype().byteSize());
    }
}
