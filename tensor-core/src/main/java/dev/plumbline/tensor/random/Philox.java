// Philox4x32-10 counter-based RNG and the tensor-draw mapping that the CPU, CUDA and OpenCL
// backends must all reproduce bit for bit (normal draws: to the documented tolerance).
package dev.plumbline.tensor.random;

import dev.plumbline.tensor.backend.cpu.Parallel;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), bit-exact
 * with Random123's {@code philox4x32_10}, and <b>the</b> mapping from a random draw to tensor
 * elements. GPU kernels are written from this javadoc; it is the contract.
 *
 * <h2>Block function</h2>
 * State: counter {@code c = (c0, c1, c2, c3)} and key {@code k = (k0, k1)}, all unsigned 32-bit.
 * One round, with {@code M0 = 0xD2511F53}, {@code M1 = 0xCD9E8D57} and 64-bit products
 * {@code p0 = M0 * c0}, {@code p1 = M1 * c2}:
 * <pre>
 *   c' = ( hi(p1) ^ c1 ^ k0,  lo(p1),  hi(p0) ^ c3 ^ k1,  lo(p0) )
 * </pre>
 * Ten rounds; before rounds 2..10 the key is bumped by the Weyl constants:
 * {@code k0 += 0x9E3779B9, k1 += 0xBB67AE85} (mod 2^32). The output is the counter after round 10.
 * Known answer: {@code ctr=(0,0,0,0), key=(0,0) -> (0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8)}.
 *
 * <h2>Draw mapping</h2>
 * A draw is identified by {@code (seed, offset)}, both 64-bit; {@code offset} counts 128-bit
 * <em>blocks</em>. Element {@code i} (0-based, 64-bit) of the draw uses
 * <pre>
 *   key     = ( lo32(seed), hi32(seed) )
 *   b       = offset + i / 4                       (64-bit, wraps mod 2^64)
 *   counter = ( lo32(b), hi32(b), 0, 0 )
 *   w       = word (i % 4) of philox4x32_10(counter, key)
 * </pre>
 * A draw of {@code n} elements consumes {@code ceil(n / 4)} blocks; {@link Generator#reserve}
 * advances its offset by exactly that much. Element {@code i} is written to {@code out[outOff + i]}.
 * Words are treated as unsigned; below {@code >>>} is a logical shift.
 * <ul>
 *   <li><b>uniform</b> {@code u = (w >>> 8) * 2^-24}, a float in [0, 1) computed exactly.
 *       {@code uniform(low, high)} is {@code v = low + (high - low) * u} in float32 arithmetic with
 *       round-to-nearest and <em>no fused multiply-add</em> (CUDA: {@code __fadd_rn(low,
 *       __fmul_rn(high - low, u))}; OpenCL: build without {@code -cl-mad-enable}); then, because
 *       rounding can land on {@code high}, {@code if (v >= high) v = nextDown(high)}
 *       ({@code nextafterf(high, -INFINITY)}), applied only when {@code low < high}.
 *       This is bit-exact on every backend.</li>
 *   <li><b>bernoulli(p)</b>: {@code u < p ? 1f : 0f} with {@code u} as above (float compare;
 *       bit-exact).</li>
 *   <li><b>normal(mean, std)</b>: Box–Muller on each block. Words {@code (w0, w1)} give
 *       {@code (z0, z1)} and {@code (w2, w3)} give {@code (z2, z3)}:
 *       <pre>
 *   u1 = ((w_even >>> 8) + 1) * 2^-24      in (0, 1]   (so log never sees 0)
 *   u2 = ( w_odd  >>> 8)      * 2^-24      in [0, 1)
 *   r  = sqrt(-2 ln u1)
 *   z_even = r cos(2 pi u2),  z_odd = r sin(2 pi u2)
 *   value  = (float) (mean + std * z)
 *       </pre>
 *       Element {@code i} takes {@code z_(i % 4)}. The CPU computes everything in float64
 *       ({@link StrictMath}, so the result is identical on every JVM) and rounds once to float.
 *       GPU kernels use the same formula in float32 (preferably {@code sincospif(2 * u2)}, whose
 *       argument is exact); they agree with the CPU to about
 *       {@code |gpu - cpu| <= |std| * (1e-6 + 1e-6 * |z|) + 1 ulp(value)}, so parity tests should
 *       use {@code atol = 1e-5 * |std|, rtol = 1e-5}: a normal draw is close across backends,
 *       never promised bit-identical. Elements {@code 2j} and {@code 2j+1} share {@code r} and the
 *       angle, so they are computed together.
 *       Because {@code u1 >= 2^-24}, {@code |z| <= sqrt(48 ln 2) ~ 5.77}: the tails beyond 5.77
 *       sigma (probability ~8e-9) are cut off.</li>
 *   <li><b>randomInts(bound)</b>: {@code (int) ((w * bound) >>> 32)} with {@code w} and
 *       {@code bound} as unsigned 64-bit (CUDA {@code __umulhi(w, bound)}; OpenCL
 *       {@code mul_hi}). Lemire's multiply-high without rejection: bit-exact and branch-free; the
 *       bias is at most {@code bound / 2^32} per value (below 1e-4 for vocabularies up to
 *       400k), which is acceptable for index sampling. Use {@link Generator#nextInt} when an
 *       unbiased host-side value is needed.</li>
 * </ul>
 *
 * <h2>Example</h2>
 * <pre>{@code
 * float[] w = new float[768 * 768];
 * long off = Generator.global().reserve(w.length);           // claims ceil(n/4) blocks
 * Philox.fillNormal(w, 0, w.length, Generator.global().seed(), off, 0f, 0.02f);
 * }</pre>
 *
 * <p>Bulk fills split the draw at block boundaries across {@link Parallel#forRange}; each element
 * depends only on {@code (seed, offset, i)}, so results never depend on the thread count.
 */
public final class Philox {
    private Philox() {}

    /** First round multiplier (applied to counter word 0). */
    public static final int M0 = 0xD2511F53;
    /** Second round multiplier (applied to counter word 2). */
    public static final int M1 = 0xCD9E8D57;
    /** Weyl key increment for key word 0. */
    public static final int W0 = 0x9E3779B9;
    /** Weyl key increment for key word 1. */
    public static final int W1 = 0xBB67AE85;

    /** 2^-24: scales a 24-bit integer to [0, 1). */
    private static final float INV_2_24 = 0x1.0p-24f;
    private static final double INV_2_24_D = 0x1.0p-24;
    private static final double TWO_PI = 2 * Math.PI;

    // Scalar operations per element used to decide when to fork (a block is ~40 multiplies).
    private static final long COST_UNIFORM = 12;
    private static final long COST_NORMAL = 60;

    /**
     * Philox4x32-10 block function, exactly as Random123's {@code philox4x32_10}. Allocation-free;
     * {@code out4} may alias {@code ctr4}.
     *
     * <pre>{@code
     * int[] out = new int[4];
     * Philox.round10(new int[] {0, 0, 0, 0}, new int[] {0, 0}, out);   // out[0] == 0x6627e8d5
     * }</pre>
     *
     * @param ctr4 the 128-bit counter as four words (read only)
     * @param key2 the 64-bit key as two words (read only)
     * @param out4 receives the four output words
     */
    public static void round10(int[] ctr4, int[] key2, int[] out4) {
        block(ctr4[0], ctr4[1], ctr4[2], ctr4[3], key2[0], key2[1], out4, 0);
    }

    /**
     * Block function on scalars: writes the four output words to {@code out[at..at+3]}.
     * Allocation-free; this is the form the bulk fills use.
     */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out, int at) {
        for (int r = 0; r < 10; r++) {
            if (r > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFF_FFFFL) * (c0 & 0xFFFF_FFFFL);
            long p1 = (M1 & 0xFFFF_FFFFL) * (c2 & 0xFFFF_FFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
        }
        out[at] = c0;
        out[at + 1] = c1;
        out[at + 2] = c2;
        out[at + 3] = c3;
    }

    /** Number of 128-bit blocks a draw of {@code n} elements consumes: {@code ceil(n / 4)}. */
    public static long blocksFor(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative draw size: " + n);
        }
        return (n >>> 2) + ((n & 3) != 0 ? 1 : 0);
    }

    // ---- element-wise definitions (the reference the bulk fills must equal) ----

    /**
     * Raw word for element {@code i} of draw {@code (seed, offset)}: word {@code i % 4} of block
     * {@code offset + i / 4}. Slow (one block per call); for tests and one-off host values.
     */
    public static int word(long seed, long offset, long i) {
        int[] w = new int[4];
        long b = offset + (i >>> 2);
        block((int) b, (int) (b >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), w, 0);
        return w[(int) (i & 3)];
    }

    /** Maps a word to a float in [0, 1): {@code (w >>> 8) * 2^-24} (exact). */
    public static float toUniform(int w) {
        return (w >>> 8) * INV_2_24;
    }

    /** Uniform element {@code i} of a draw, in [0, 1). */
    public static float uniform(long seed, long offset, long i) {
        return toUniform(word(seed, offset, i));
    }

    /** Standard-normal element {@code i} of a draw, in float64 before rounding (see class doc). */
    public static double normal(long seed, long offset, long i) {
        long pair = i & ~1L;
        int even = word(seed, offset, pair);
        int odd = word(seed, offset, pair + 1);
        double r = radius(even);
        double a = TWO_PI * ((odd >>> 8) * INV_2_24_D);
        return (i & 1) == 0 ? r * StrictMath.cos(a) : r * StrictMath.sin(a);
    }

    /** Box–Muller radius {@code sqrt(-2 ln u1)} with {@code u1 = ((w >>> 8) + 1) * 2^-24}. */
    private static double radius(int evenWord) {
        double u1 = ((evenWord >>> 8) + 1) * INV_2_24_D;
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1));
    }

    /** {@code low + (high - low) * u} in float, kept below {@code high} (see class doc). */
    static float scaleUniform(float u, float low, float high) {
        float v = low + (high - low) * u;
        if (low < high && v >= high) {
            v = Math.nextDown(high);
        }
        return v;
    }

    // ---- bulk fills ----

    /** Kinds of fill; one loop serves all so the block walk is written once. */
    enum Kind { UNIFORM, NORMAL, BERNOULLI }

    /**
     * Fills {@code out[outOff .. outOff+n)} with uniform values in [low, high).
     *
     * <pre>{@code
     * Philox.fillUniform(buf, 0, buf.length, seed, gen.reserve(buf.length), -0.1f, 0.1f);
     * }</pre>
     *
     * @param out    destination
     * @param outOff index in {@code out} of element 0
     * @param n      number of elements
     * @param seed   64-bit seed (the key)
     * @param offset block offset of the draw (from {@link Generator#reserve})
     * @param low    inclusive lower bound
     * @param high   exclusive upper bound
     */
    public static void fillUniform(float[] out, int outOff, long n, long seed, long offset, float low, float high) {
        fill(Kind.UNIFORM, out, outOff, n, seed, offset, low, high);
    }

    /**
     * Fills {@code out[outOff .. outOff+n)} with normal values {@code mean + std * z}, z standard
     * normal by Box–Muller (see class doc).
     *
     * <pre>{@code
     * Philox.fillNormal(w, 0, w.length, seed, gen.reserve(w.length), 0f, 0.02f);
     * }</pre>
     */
    public static void fillNormal(float[] out, int outOff, long n, long seed, long offset, float mean, float std) {
        fill(Kind.NORMAL, out, outOff, n, seed, offset, mean, std);
    }

    /**
     * Fills {@code out[outOff .. outOff+n)} with 1f where {@code uniform < p}, else 0f.
     *
     * <pre>{@code
     * Philox.fillBernoulli(keep, 0, keep.length, seed, gen.reserve(keep.length), 0.9f); // dropout mask
     * }</pre>
     */
    public static void fillBernoulli(float[] out, int outOff, long n, long seed, long offset, float p) {
        fill(Kind.BERNOULLI, out, outOff, n, seed, offset, p, 0f);
    }

    /**
     * Fills {@code out[outOff .. outOff+n)} with integers in [0, bound):
     * {@code (int) ((unsigned(w) * bound) >>> 32)} (multiply-high; see class doc for the bias).
     *
     * <pre>{@code
     * Philox.randomInts(ids, 0, ids.length, seed, gen.reserve(ids.length), vocabSize);
     * }</pre>
     *
     * @param bound exclusive upper bound, positive
     */
    public static void randomInts(int[] out, int outOff, long n, long seed, long offset, int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("randomInts: bound must be positive, got " + bound);
        }
        int count = checkRange(out.length, outOff, n);
        long blocks = blocksFor(count);
        long b64 = bound;
        Parallel.forRange((int) blocks, 4 * COST_UNIFORM, (from, to) -> {
            int[] w = new int[4];
            int k0 = (int) seed, k1 = (int) (seed >>> 32);
            for (int blk = from; blk < to; blk++) {
                long b = offset + blk;
                block((int) b, (int) (b >>> 32), 0, 0, k0, k1, w, 0);
                int base = blk * 4;
                int m = Math.min(4, count - base);
                for (int j = 0; j < m; j++) {
                    out[outOff + base + j] = (int) (((w[j] & 0xFFFF_FFFFL) * b64) >>> 32);
                }
            }
        });
    }

    private static void fill(Kind kind, float[] out, int outOff, long n, long seed, long offset, float a, float b) {
        int count = checkRange(out.length, outOff, n);
        long blocks = blocksFor(count);
        long cost = 4 * (kind == Kind.NORMAL ? COST_NORMAL : COST_UNIFORM);
        Parallel.forRange((int) blocks, cost,
                (from, to) -> fillBlocks(kind, out, outOff, count, from, to, seed, offset, a, b));
    }

    /**
     * Writes elements {@code [4*fromBlock, min(4*toBlock, n))} of the draw. Package-private so
     * tests can split a draw at arbitrary block boundaries (any "thread count").
     */
    static void fillBlocks(Kind kind, float[] out, int outOff, int n, int fromBlock, int toBlock,
                           long seed, long offset, float a, float b) {
        int[] w = new int[4];
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        for (int blk = fromBlock; blk < toBlock; blk++) {
            long ctr = offset + blk;
            block((int) ctr, (int) (ctr >>> 32), 0, 0, k0, k1, w, 0);
            int base = blk * 4;
            int m = Math.min(4, n - base);
            int o = outOff + base;
            switch (kind) {
                case UNIFORM:
                    for (int j = 0; j < m; j++) {
                        out[o + j] = scaleUniform(toUniform(w[j]), a, b);
                    }
                    break;
                case BERNOULLI:
                    for (int j = 0; j < m; j++) {
                        out[o + j] = toUniform(w[j]) < a ? 1f : 0f;
                    }
                    break;
                case NORMAL:
                    // pairs (0,1) and (2,3); skip the second pair's transcendentals when unused
                    for (int j = 0; j < m; j += 2) {
                        double r = radius(w[j]);
                        double ang = TWO_PI * ((w[j + 1] >>> 8) * INV_2_24_D);
                        out[o + j] = (float) (a + b * (r * StrictMath.cos(ang)));
                        if (j + 1 < m) {
                            out[o + j + 1] = (float) (a + b * (r * StrictMath.sin(ang)));
                        }
                    }
                    break;
                default:
                    throw new AssertionError(kind);
            }
        }
    }

    /** Validates {@code out[outOff .. outOff+n)} and returns n as an int. */
    private static int checkRange(int length, int outOff, long n) {
        if (n < 0 || outOff < 0 || outOff > length || n > length - outOff) {
            throw new IndexOutOfBoundsException("random fill of " + n + " elements at offset " + outOff
                    + " does not fit an array of length " + length);
        }
        return (int) n;
    }
}
