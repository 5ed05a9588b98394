package dev.plumbline.tensor.random;

/** Interim Philox4x32-10 (replaced by the full implementation with known-answer tests). */
public final class Philox {
    private Philox() {}

    private static void block(long seed, long ctr, int[] out) {
        int c0 = (int) ctr, c1 = (int) (ctr >>> 32), c2 = 0, c3 = 0;
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        for (int r = 0; r < 10; r++) {
            long p0 = (0xD2511F53L) * (c0 & 0xFFFFFFFFL);
            long p1 = (0xCD9E8D57L) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
            k0 += 0x9E3779B9;
            k1 += 0xBB67AE85;
        }
        out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
    }

    /** Uniform [low, high). */
    public static void fillUniform(float[] out, int outOff, long n, long seed, long offset, float low, float high) {
        int[] w = new int[4];
        for (long i = 0; i < n; i++) {
            block(seed, offset + i / 4, w);
            out[(int) (outOff + i)] = low + (high - low) * ((w[(int) (i % 4)] >>> 8) * 0x1p-24f);
        }
    }

    /** Normal(mean, std). */
    public static void fillNormal(float[] out, int outOff, long n, long seed, long offset, float mean, float std) {
        int[] w = new int[4];
        for (long i = 0; i < n; i++) {
            block(seed, offset + i / 4, w);
            int pair = (int) (i % 4) & ~1;
            double u1 = ((w[pair] >>> 8) + 1) * 0x1p-24;
            double u2 = (w[pair + 1] >>> 8) * 0x1p-24;
            double r = Math.sqrt(-2 * Math.log(u1));
            double z = (i % 2 == 0) ? r * Math.cos(2 * Math.PI * u2) : r * Math.sin(2 * Math.PI * u2);
            out[(int) (outOff + i)] = (float) (mean + std * z);
        }
    }

    /** Bernoulli(p). */
    public static void fillBernoulli(float[] out, int outOff, long n, long seed, long offset, float p) {
        int[] w = new int[4];
        for (long i = 0; i < n; i++) {
            block(seed, offset + i / 4, w);
            out[(int) (outOff + i)] = ((w[(int) (i % 4)] >>> 8) * 0x1p-24f) < p ? 1f : 0f;
        }
    }
}
