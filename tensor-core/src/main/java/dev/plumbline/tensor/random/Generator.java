// A seeded stream of Philox draws (like torch.Generator): hands out disjoint block ranges, plus a
// small scalar API for host-side sampling.
package dev.plumbline.tensor.random;

/**
 * A seeded Philox stream. The state is {@code (seed, offset)}: every draw {@link #reserve reserves}
 * {@code ceil(n / 4)} blocks starting at the current offset, so successive draws never share
 * random numbers and a run is reproducible from its seed alone. Backends receive the reserved
 * {@code (seed, offset)} pair and compute elements with the mapping documented on {@link Philox}.
 *
 * <pre>{@code
 * Generator g = new Generator(42);
 * Generator.Draw d = g.reserveDraw(mask.length);     // seed and offset taken atomically
 * Philox.fillBernoulli(mask, 0, mask.length, d.seed(), d.offset(), 0.9f);
 * int token = g.nextInt(vocab);                       // host-side sampling
 * }</pre>
 *
 * <p>All methods are thread-safe; concurrent reservations get disjoint ranges (their order is
 * whatever order the threads arrive in, so reproducibility requires a deterministic call order).
 */
public final class Generator {
    /** Seed of {@link #global()} until {@link #manualSeed} is called (PyTorch's default CPU seed). */
    public static final long DEFAULT_SEED = 67280421310721L;

    private static final Generator GLOBAL = new Generator(DEFAULT_SEED);

    private long seed;
    private long offset;

    /** A seed and block offset identifying one draw; see {@link Philox}. */
    public record Draw(long seed, long offset) {}

    /** A generator at {@code (seed, 0)}. */
    public Generator(long seed) {
        this.seed = seed;
    }

    /** The process-wide default generator; reseed it with {@code Generator.global().manualSeed(s)}. */
    public static Generator global() {
        return GLOBAL;
    }

    /** Resets to {@code (seed, 0)} and returns this generator. */
    public synchronized Generator manualSeed(long seed) {
        this.seed = seed;
        this.offset = 0;
        return this;
    }

    /** The current seed. */
    public synchronized long seed() {
        return seed;
    }

    /** The current block offset: the offset the next draw will get. */
    public synchronized long offset() {
        return offset;
    }

    /** Restores a state saved from {@link #seed()} and {@link #offset()} (e.g. from a checkpoint). */
    public synchronized void setState(long seed, long offset) {
        this.seed = seed;
        this.offset = offset;
    }

    /**
     * Reserves a draw of {@code n} elements: returns the block offset to pass to the fills and
     * advances the offset by {@code ceil(n / 4)}. Prefer {@link #reserveDraw} when another thread
     * might reseed concurrently.
     */
    public synchronized long reserve(long n) {
        long at = offset;
        offset += Philox.blocksFor(n);
        return at;
    }

    /** Like {@link #reserve}, returning the seed together with the offset, taken atomically. */
    public synchronized Draw reserveDraw(long n) {
        return new Draw(seed, reserve(n));
    }

    /**
     * A uniform double in [0, 1) with 53 random bits, from one reserved block:
     * {@code (((w0 >>> 6) << 27) + (w1 >>> 5)) * 2^-53} (the construction of
     * {@code java.util.Random.nextDouble}); words 2 and 3 are discarded.
     */
    public double nextUniform() {
        Draw d = reserveDraw(4);
        int[] w = words(d);
        return ((((long) (w[0] >>> 6)) << 27) + (w[1] >>> 5)) * 0x1.0p-53;
    }

    /** A standard-normal double: element 0 of a one-block normal draw (Box–Muller, float64). */
    public double nextNormal() {
        Draw d = reserveDraw(4);
        return Philox.normal(d.seed(), d.offset(), 0);
    }

    /**
     * An unbiased int in [0, bound): Lemire's multiply-high with rejection, consuming the words of
     * reserved blocks in order (w0, w1, w2, w3, then a new block) until one is accepted.
     *
     * @param bound exclusive upper bound, positive
     */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("nextInt: bound must be positive, got " + bound);
        }
        long threshold = (0x1_0000_0000L - bound) % bound; // 2^32 mod bound
        while (true) {
            int[] w = words(reserveDraw(4));
            for (int j = 0; j < 4; j++) {
                long m = (w[j] & 0xFFFF_FFFFL) * bound;
                if ((m & 0xFFFF_FFFFL) >= threshold) {
                    return (int) (m >>> 32);
                }
            }
        }
    }

    private static int[] words(Draw d) {
        int[] w = new int[4];
        long b = d.offset();
        Philox.block((int) b, (int) (b >>> 32), 0, 0, (int) d.seed(), (int) (d.seed() >>> 32), w, 0);
        return w;
    }

    @Override
    public synchronized String toString() {
        return "Generator(seed=" + seed + ", offset=" + offset + ")";
    }
}
