// Tests for Philox4x32-10: Random123 known answers, the documented draw mapping, distribution
// sanity and independence from how a fill is split across threads.
package dev.plumbline.tensor.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PhiloxTest {

    private static int[] philox(int c0, int c1, int c2, int c3, int k0, int k1) {
        int[] out = new int[4];
        Philox.round10(new int[] {c0, c1, c2, c3}, new int[] {k0, k1}, out);
        return out;
    }

    // Random123 kat_vectors, philox4x32_10 lines.
    @Test
    void knownAnswersZero() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                philox(0, 0, 0, 0, 0, 0));
    }

    @Test
    void knownAnswersAllOnes() {
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                philox(-1, -1, -1, -1, -1, -1));
    }

    @Test
    void knownAnswersPi() {
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                philox(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
    }

    @Test
    void round10AllowsAliasing() {
        int[] c = {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344};
        Philox.round10(c, new int[] {0xa4093822, 0x299f31d0}, c);
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}, c);
    }

    @Test
    void wordFollowsTheDocumentedCounterAndKeyLayout() {
        long seed = 0x0123_4567_89AB_CDEFL;
        long offset = 0xFFFF_FFFEL; // crosses the lo32 -> hi32 carry within the draw
        for (long i = 0; i < 40; i++) {
            long b = offset + i / 4;
            int[] w = philox((int) b, (int) (b >>> 32), 0, 0, 0x89AB_CDEF, 0x0123_4567);
            assertEquals(w[(int) (i % 4)], Philox.word(seed, offset, i), "element " + i);
        }
    }

    @Test
    void blocksForIsCeilOfQuarter() {
        assertEquals(0, Philox.blocksFor(0));
        assertEquals(1, Philox.blocksFor(1));
        assertEquals(1, Philox.blocksFor(4));
        assertEquals(2, Philox.blocksFor(5));
        assertEquals(Long.MAX_VALUE / 4 + 1, Philox.blocksFor(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> Philox.blocksFor(-1));
    }

    @Test
    void fillsEqualTheElementWiseDefinitionAtAnyOutOffAndOffset() {
        long[] seeds = {0, 1, -1, 0x5EED_0000_0001L};
        long[] offsets = {0, 3, 0xFFFF_FFFFL, -2};
        int[] sizes = {0, 1, 2, 3, 4, 5, 7, 33};
        for (long seed : seeds) {
            for (long offset : offsets) {
                for (int n : sizes) {
                    for (int outOff : new int[] {0, 5}) {
                        float[] u = new float[outOff + n + 2];
                        float[] z = new float[outOff + n + 2];
                        float[] bern = new float[outOff + n + 2];
                        int[] ints = new int[outOff + n + 2];
                        Arrays.fill(u, -7f);
                        Arrays.fill(z, -7f);
                        Philox.fillUniform(u, outOff, n, seed, offset, 0f, 1f);
                        Philox.fillNormal(z, outOff, n, seed, offset, 0f, 1f);
                        Philox.fillBernoulli(bern, outOff, n, seed, offset, 0.5f);
                        Philox.randomInts(ints, outOff, n, seed, offset, 1000);
                        for (int i = 0; i < n; i++) {
                            int w = Philox.word(seed, offset, i);
                            float ui = (w >>> 8) * 0x1.0p-24f;
                            assertEquals(ui, u[outOff + i]);
                            assertEquals(ui, Philox.uniform(seed, offset, i));
                            assertEquals((float) Philox.normal(seed, offset, i), z[outOff + i]);
                            assertEquals(ui < 0.5f ? 1f : 0f, bern[outOff + i]);
                            assertEquals((int) (((w & 0xFFFF_FFFFL) * 1000) >>> 32), ints[outOff + i]);
                        }
                        // nothing outside the target range is touched
                        for (int i = 0; i < outOff; i++) {
                            assertEquals(-7f, u[i]);
                            assertEquals(-7f, z[i]);
                        }
                        assertEquals(-7f, u[outOff + n]);
                        assertEquals(-7f, z[outOff + n]);
                    }
                }
            }
        }
    }

    @Test
    void normalIsBoxMullerOnWordPairs() {
        long seed = 77, offset = 5;
        for (int i = 0; i < 16; i++) {
            int we = Philox.word(seed, offset, i & ~1);
            int wo = Philox.word(seed, offset, (i & ~1) + 1);
            double u1 = ((we >>> 8) + 1) * 0x1.0p-24;
            double u2 = (wo >>> 8) * 0x1.0p-24;
            double r = Math.sqrt(-2 * Math.log(u1));
            double z = (i % 2 == 0) ? r * Math.cos(2 * Math.PI * u2) : r * Math.sin(2 * Math.PI * u2);
            assertEquals(z, Philox.normal(seed, offset, i), 1e-12);
        }
        float[] v = new float[16];
        Philox.fillNormal(v, 0, 16, seed, offset, 3f, 0.5f);
        for (int i = 0; i < 16; i++) {
            assertEquals((float) (3.0 + 0.5 * Philox.normal(seed, offset, i)), v[i]);
        }
    }

    @Test
    void uniformRangeStaysBelowHigh() {
        float top = 1f - 0x1.0p-24f; // largest u
        assertTrue(Philox.scaleUniform(top, 1f, 2f) < 2f);
        assertEquals(Math.nextDown(2f), Philox.scaleUniform(top, 1f, 2f));
        assertEquals(1f, Philox.scaleUniform(0f, 1f, 2f));
        assertEquals(-1f, Philox.scaleUniform(0f, -1f, 1f));
        float[] out = new float[100_000];
        Philox.fillUniform(out, 0, out.length, 9, 0, -3f, 5f);
        for (float f : out) {
            assertTrue(f >= -3f && f < 5f, "out of range: " + f);
        }
    }

    @Test
    void uniformMeanVarianceAndChiSquare() {
        int n = 1_000_000, buckets = 100;
        float[] u = new float[n];
        Philox.fillUniform(u, 0, n, 20240601L, 0, 0f, 1f);
        double sum = 0, sq = 0;
        long[] counts = new long[buckets];
        for (float f : u) {
            assertTrue(f >= 0f && f < 1f);
            sum += f;
            sq += (double) f * f;
            counts[(int) (f * buckets)]++;
        }
        double mean = sum / n, var = sq / n - mean * mean;
        // sd of the mean is sqrt(1/12/n) ~ 2.9e-4: 5 sigma
        assertEquals(0.5, mean, 1.5e-3);
        assertEquals(1.0 / 12, var, 1e-3);
        double expected = (double) n / buckets, chi2 = 0;
        for (long c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        // 99 degrees of freedom: mean 99, sd 14; p(chi2 > 170) ~ 1e-5
        assertTrue(chi2 < 170, "chi-square too large: " + chi2);
        assertTrue(chi2 > 50, "chi-square suspiciously small: " + chi2);
    }

    @Test
    void normalMomentsAndTails() {
        int n = 1_000_000;
        float[] z = new float[n];
        Philox.fillNormal(z, 0, n, 31337L, 12345, 0f, 1f);
        double sum = 0, sq = 0;
        int beyond3 = 0, beyond4 = 0;
        float max = 0;
        for (float f : z) {
            sum += f;
            sq += (double) f * f;
            if (Math.abs(f) > 3) {
                beyond3++;
            }
            if (Math.abs(f) > 4) {
                beyond4++;
            }
            max = Math.max(max, Math.abs(f));
        }
        double mean = sum / n, std = Math.sqrt(sq / n - mean * mean);
        assertEquals(0, mean, 5e-3);
        assertEquals(1, std, 5e-3);
        // P(|z| > 3) = 0.0026998: expect 2700 +- 52
        assertEquals(2700, beyond3, 260);
        // P(|z| > 4) = 6.33e-5: expect 63 +- 8
        assertTrue(beyond4 > 25 && beyond4 < 110, "|z|>4 count " + beyond4);
        // u1 >= 2^-24 bounds the radius at sqrt(48 ln 2) = 5.768
        assertTrue(max <= 5.77f, "max " + max);

        float[] shifted = new float[n];
        Philox.fillNormal(shifted, 0, n, 31337L, 12345, 10f, 2f);
        double s2 = 0;
        for (float f : shifted) {
            s2 += f;
        }
        assertEquals(10, s2 / n, 1e-2);
    }

    @Test
    void bernoulliRate() {
        int n = 1_000_000;
        float[] b = new float[n];
        for (float p : new float[] {0f, 0.1f, 0.3f, 0.9f, 1f}) {
            Philox.fillBernoulli(b, 0, n, 5, 100, p);
            double ones = 0;
            for (float f : b) {
                assertTrue(f == 0f || f == 1f);
                ones += f;
            }
            // sd sqrt(p(1-p)/n) <= 5e-4: 5 sigma
            assertEquals(p, ones / n, 2.5e-3, "p=" + p);
        }
    }

    @Test
    void randomIntsAreInRangeAndRoughlyUniform() {
        int n = 400_000, bound = 10;
        int[] v = new int[n];
        Philox.randomInts(v, 0, n, 3, 0, bound);
        long[] counts = new long[bound];
        for (int x : v) {
            assertTrue(x >= 0 && x < bound);
            counts[x]++;
        }
        for (long c : counts) {
            assertEquals(n / bound, c, 1000); // sd 190
        }
        Philox.randomInts(v, 0, 1000, 3, 0, 1);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, v[i]);
        }
        Philox.randomInts(v, 0, 1000, 3, 0, Integer.MAX_VALUE);
        assertThrows(IllegalArgumentException.class, () -> Philox.randomInts(v, 0, 1, 3, 0, 0));
    }

    @Test
    void sameSeedSameNumbersDifferentOffsetOrSeedDifferentNumbers() {
        float[] a = new float[1000], b = new float[1000], c = new float[1000], d = new float[1000];
        Philox.fillUniform(a, 0, 1000, 42, 0, 0f, 1f);
        Philox.fillUniform(b, 0, 1000, 42, 0, 0f, 1f);
        Philox.fillUniform(c, 0, 1000, 42, 250, 0f, 1f);
        Philox.fillUniform(d, 0, 1000, 43, 0, 0f, 1f);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        assertFalse(Arrays.equals(a, d));
        // offset is in blocks: a draw at offset 250 starts where element 1000 of offset 0 would be
        float[] e = new float[2000];
        Philox.fillUniform(e, 0, 2000, 42, 0, 0f, 1f);
        assertArrayEquals(c, Arrays.copyOfRange(e, 1000, 2000));
        // seeds differing only in the high word differ
        float[] f = new float[1000];
        Philox.fillUniform(f, 0, 1000, 42 + (1L << 32), 0, 0f, 1f);
        assertFalse(Arrays.equals(a, f));
    }

    @Test
    void resultsDoNotDependOnHowTheDrawIsSplit() {
        int n = 50_003;
        int blocks = (int) Philox.blocksFor(n);
        SplittableRandom rnd = new SplittableRandom(1);
        for (Philox.Kind kind : Philox.Kind.values()) {
            float[] whole = new float[n];
            switch (kind) {
                case UNIFORM: Philox.fillUniform(whole, 0, n, 11, 7, -1f, 1f); break;
                case NORMAL: Philox.fillNormal(whole, 0, n, 11, 7, 0f, 1f); break;
                default: Philox.fillBernoulli(whole, 0, n, 11, 7, 0.25f); break;
            }
            float a = kind == Philox.Kind.UNIFORM ? -1f : kind == Philox.Kind.NORMAL ? 0f : 0.25f;
            float b = kind == Philox.Kind.UNIFORM ? 1f : kind == Philox.Kind.NORMAL ? 1f : 0f;
            for (int chunks : new int[] {1, 2, 3, 8, 64, 1000}) {
                float[] split = new float[n];
                int[] cuts = new int[chunks + 1];
                cuts[chunks] = blocks;
                for (int c = 1; c < chunks; c++) {
                    cuts[c] = rnd.nextInt(blocks + 1);
                }
                Arrays.sort(cuts);
                // run pieces in reverse order, as a different scheduler might
                for (int c = chunks - 1; c >= 0; c--) {
                    Philox.fillBlocks(kind, split, 0, n, cuts[c], cuts[c + 1], 11, 7, a, b);
                }
                assertArrayEquals(whole, split, kind + " split into " + chunks);
            }
        }
    }

    @Test
    void parallelFillMatchesSequentialReference() throws Exception {
        int n = 300_001; // large enough to fork in Parallel.forRange
        float[] par = new float[n + 3];
        Philox.fillNormal(par, 3, n, -5, 1L << 40, 0f, 1f);
        float[] seq = new float[n + 3];
        Philox.fillBlocks(Philox.Kind.NORMAL, seq, 3, n, 0, (int) Philox.blocksFor(n), -5, 1L << 40, 0f, 1f);
        assertArrayEquals(seq, par);
        // and the same from concurrent callers
        float[][] results = new float[4][n];
        Thread[] ts = new Thread[4];
        for (int t = 0; t < 4; t++) {
            final int id = t;
            ts[t] = new Thread(() -> Philox.fillNormal(results[id], 0, n, -5, 1L << 40, 0f, 1f));
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        for (float[] r : results) {
            assertArrayEquals(Arrays.copyOfRange(seq, 3, n + 3), r);
        }
    }

    @Test
    void badRangesAreRejected() {
        float[] out = new float[10];
        assertThrows(IndexOutOfBoundsException.class, () -> Philox.fillUniform(out, 0, 11, 0, 0, 0f, 1f));
        assertThrows(IndexOutOfBoundsException.class, () -> Philox.fillUniform(out, 5, 6, 0, 0, 0f, 1f));
        assertThrows(IndexOutOfBoundsException.class, () -> Philox.fillUniform(out, -1, 1, 0, 0, 0f, 1f));
        assertThrows(IndexOutOfBoundsException.class, () -> Philox.fillNormal(out, 0, -1, 0, 0, 0f, 1f));
        Philox.fillUniform(out, 10, 0, 0, 0, 0f, 1f); // empty at the end is fine
    }
}
