package dev.plumbline.tensor.backend.cpu;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.backend.Storage;

/** CPU storage: a plain {@code float[]} (F32) or {@code int[]} (I32), JIT-friendly in hot loops. */
public final class CpuStorage extends Storage {
    private float[] floats;
    private int[] ints;

    private CpuStorage(DType dtype, long numel, float[] f, int[] i) {
        super(Device.cpu(), dtype, numel, null);
        this.floats = f;
        this.ints = i;
    }

    static CpuStorage ofFloats(float[] f) {
        return new CpuStorage(DType.F32, f.length, f, null);
    }

    static CpuStorage ofInts(int[] i) {
        return new CpuStorage(DType.I32, i.length, null, i);
    }

    /** The backing float array (F32 storage). */
    public float[] floats() {
        checkLive();
        if (floats == null) {
            throw new IllegalStateException("storage holds " + dtype() + ", not F32");
        }
        return floats;
    }

    /** The backing int array (I32 storage). */
    public int[] ints() {
        checkLive();
        if (ints == null) {
            throw new IllegalStateException("storage holds " + dtype() + ", not I32");
        }
        return ints;
    }

    @Override
    protected void onFree() {
        floats = null;
        ints = null;
    }
}
