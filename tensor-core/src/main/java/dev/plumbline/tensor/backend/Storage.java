package dev.plumbline.tensor.backend;

import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.MemoryStats;
import dev.plumbline.tensor.Scope;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A flat buffer of {@code numel} elements of one dtype on one device; tensors are views into it.
 *
 * <p>Storage is freed by the {@link Scope} that owns it, by {@link #free()}, or, as a backstop only,
 * by a {@link Cleaner} when it becomes unreachable. Freeing updates {@link MemoryStats}; using a
 * freed storage is an error that says so.
 */
public abstract class Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Device device;
    private final DType dtype;
    private final long numel;
    private final AtomicBoolean freed;
    private final Cleaner.Cleanable cleanable;
    private Scope owner;

    /**
     * Registers a new storage with the memory counters and the current {@link Scope}.
     *
     * @param release frees the native/device memory; must not reference this storage
     */
    protected Storage(Device device, DType dtype, long numel, Runnable release) {
        this.device = device;
        this.dtype = dtype;
        this.numel = numel;
        long bytes = numel * dtype.byteSize();
        AtomicBoolean flag = new AtomicBoolean();
        this.freed = flag;
        Object trackers = MemoryStats.allocated(device, bytes);
        this.cleanable = CLEANER.register(this, () -> {
            if (flag.compareAndSet(false, true)) {
                MemoryStats.released(device, bytes, trackers);
                if (release != null) {
                    release.run();
                }
            }
        });
        Scope.adopt(this);
    }

    /** The device holding this storage. */
    public final Device device() {
        return device;
    }

    /** Element type. */
    public final DType dtype() {
        return dtype;
    }

    /** Number of elements. */
    public final long numel() {
        return numel;
    }

    /** Size in bytes. */
    public final long bytes() {
        return numel * dtype.byteSize();
    }

    /** Whether {@link #free()} has run. */
    public final boolean isFreed() {
        return freed.get();
    }

    /** Frees the memory now; later use of any tensor viewing it throws. Idempotent. */
    public final void free() {
        if (!freed.get()) {
            onFree();
            cleanable.clean();
        }
    }

    /** Hook for subclasses to drop host references before the release action runs. */
    protected void onFree() {}

    /** Throws a clear error if this storage was freed. */
    public final void checkLive() {
        if (freed.get()) {
            throw new IllegalStateException("tensor storage (" + dtype + ", " + numel + " elements on " + device
                    + ") was used after it was freed: its Scope closed; keep it with scope.keep(tensor)");
        }
    }

    /** The scope that frees this storage, or null if none does. */
    public final Scope owner() {
        return owner;
    }

    /** Sets the owning scope (used by {@link Scope}). */
    public final void setOwner(Scope owner) {
        this.owner = owner;
    }
}
