package dev.plumbline.tensor.random;

/** Interim seeded Philox stream (replaced by the full implementation). */
public final class Generator {
    private final long seed;
    private long offset;

    /** A stream with this seed. */
    public Generator(long seed) {
        this.seed = seed;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** Reserves blocks for n elements and returns the starting block offset. */
    public synchronized long reserve(long n) {
        long o = offset;
        offset += (n + 3) / 4;
        return o;
    }
}
