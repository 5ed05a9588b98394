package dev.plumbline.tensor.backend.cpu;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.backend.Storage;

/**
 * CPU storage: a plain {@code float[]} (F32) or {@code int[]} (I32), JIT-friendly in hot loops.
 *
 * <p>Storage allocated by the backend returns its array to the {@link CpuArrayCache} when it is
 * freed explicitly; the arrays returned by {@link #floats()} and {@link #ints()} are therefore valid
 * only while the storage is live. Storage that wraps an array someone else handed in is never cached.
 */
public final class CpuStorage extends Storage {
    private final CpuArrayCache cache; // null: the array is not ours to recycle
    private float[] floats;
    private int[] ints;

    private CpuStorage(DType dtype, long numel, float[] f, int[] i, CpuArrayCache cache) {
        super(Device.cpu(), dtype, numel, null);
        this.floats = f;
        this.ints = i;
        this.cache = cache;
    }

    static CpuStorage ofFloats(float[] f) {
        return new CpuStorage(DType.F32, f.length, f, null, null);
    }

    static CpuStorage ofInts(int[] i) {
        return new CpuStorage(DType.I32, i.length, null, i, null);
    }

    /** Storage over an array from {@code cache}; the array goes back there when freed explicitly. */
    static CpuStorage cachedFloats(float[] f, CpuArrayCache cache) {
        return new CpuStorage(DType.F32, f.length, f, null, cache);
    }

    /** Storage over an array from {@code cache}; the array goes back there when freed explicitly. */
    static CpuStorage cachedInts(int[] i, CpuArrayCache cache) {
        return new CpuStorage(DType.I32, i.length, null, i, cache);
    }

    /** The backing float array (F32 storage); valid while this storage is live. */
    public float[] floats() {
        float[] f = floats;
        if (f == null) {
            checkLive();
            throw new IllegalStateException("storage holds " + dtype() + ", not F32");
        }
        return f;
    }

    /** The backing int array (I32 storage); valid while this storage is live. */
    public int[] ints() {
        int[] i = ints;
        if (i == null) {
            checkLive();
            throw new IllegalStateException("storage holds " + dtype() + ", not I32");
        }
        return i;
    }

    // runs on an explicit free only (never from the Cleaner); synchronized so that two threads freeing
    // the same storage cannot hand its array to the cache twice
    @Override
    protected synchronized void onFree() {
        if (cache != null) {
            if (floats != null) {
                cache.give(floats);
            } else if (ints != null) {
                cache.give(ints);
            }
        }
        floats = null;
        ints = null;
    }
}
