// Tests for Generator: offsets advance by ceil(n/4) blocks, state save/restore, thread safety and
// the host-side scalar sampling API.
package dev.plumbline.tensor.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GeneratorTest {

    @Test
    void reserveAdvancesByBlocks() {
        Generator g = new Generator(7);
        assertEquals(7, g.seed());
        assertEquals(0, g.reserve(1));
        assertEquals(1, g.reserve(4));
        assertEquals(2, g.reserve(5));
        assertEquals(4, g.reserve(0));
        assertEquals(4, g.offset());
        Generator.Draw d = g.reserveDraw(9);
        assertEquals(new Generator.Draw(7, 4), d);
        assertEquals(7, g.offset());
    }

    @Test
    void stateRoundTripsAndReproduces() {
        Generator g = new Generator(123);
        g.reserve(1000);
        long s = g.seed(), o = g.offset();
        double a = g.nextUniform();
        int b = g.nextInt(50_000);
        g.setState(s, o);
        assertEquals(a, g.nextUniform());
        assertEquals(b, g.nextInt(50_000));
        assertSame(g, g.manualSeed(99));
        assertEquals(0, g.offset());
        assertEquals(99, g.seed());
    }

    @Test
    void globalIsSharedAndReseedable() {
        Generator g = Generator.global();
        assertSame(g, Generator.global());
        g.manualSeed(5);
        double a = g.nextUniform();
        g.manualSeed(5);
        assertEquals(a, Generator.global().nextUniform());
        g.manualSeed(Generator.DEFAULT_SEED);
    }

    @Test
    void nextUniformIsFiftyThreeBitAndInRange() {
        Generator g = new Generator(1);
        double sum = 0;
        boolean lowBits = false;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            double u = g.nextUniform();
            assertTrue(u >= 0 && u < 1);
            sum += u;
            // a 24-bit float uniform would always be a multiple of 2^-24
            lowBits |= u * 0x1.0p24 != Math.floor(u * 0x1.0p24);
        }
        assertTrue(lowBits);
        assertEquals(0.5, sum / n, 4e-3);
        // defined from the block's first two words
        Generator h = new Generator(1);
        long off = h.offset();
        int w0 = Philox.word(1, off, 0), w1 = Philox.word(1, off, 1);
        assertEquals((((long) (w0 >>> 6) << 27) + (w1 >>> 5)) * 0x1.0p-53, h.nextUniform());
        assertEquals(1, h.offset());
    }

    @Test
    void nextIntIsUnbiasedAndInRange() {
        Generator g = new Generator(2);
        int bound = 7, n = 350_000;
        long[] counts = new long[bound];
        for (int i = 0; i < n; i++) {
            int x = g.nextInt(bound);
            assertTrue(x >= 0 && x < bound);
            counts[x]++;
        }
        for (long c : counts) {
            assertEquals(n / bound, c, 1100); // sd ~ 207
        }
        // a bound near 2^31 rejects about half the words and must still terminate and stay in range
        for (int i = 0; i < 1000; i++) {
            int x = g.nextInt((1 << 30) + 1);
            assertTrue(x >= 0 && x <= 1 << 30);
        }
        assertThrows(IllegalArgumentException.class, () -> g.nextInt(0));
    }

    @Test
    void nextNormalMoments() {
        Generator g = new Generator(3);
        int n = 100_000;
        double s = 0, sq = 0;
        for (int i = 0; i < n; i++) {
            double z = g.nextNormal();
            s += z;
            sq += z * z;
        }
        assertEquals(0, s / n, 0.02);
        assertEquals(1, sq / n, 0.03);
    }

    @Test
    void concurrentReservationsAreDisjoint() throws Exception {
        Generator g = new Generator(11);
        int threads = 4, per = 5000;
        ConcurrentHashMap<Long, Boolean> seen = new ConcurrentHashMap<>();
        ExecutorService ex = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            ex.submit(() -> {
                for (int i = 0; i < per; i++) {
                    long o = g.reserve(8); // two blocks each
                    assertEquals(null, seen.put(o, true));
                }
            });
        }
        ex.shutdown();
        assertTrue(ex.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(threads * per, seen.size());
        assertEquals(2L * threads * per, g.offset());
        long[] keys = seen.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        for (int i = 0; i < keys.length; i++) {
            assertEquals(2L * i, keys[i]);
        }
    }

    @Test
    void successiveDrawsDiffer() {
        Generator g = new Generator(4);
        float[] a = new float[64], b = new float[64];
        Philox.fillUniform(a, 0, 64, g.seed(), g.reserve(64), 0f, 1f);
        Philox.fillUniform(b, 0, 64, g.seed(), g.reserve(64), 0f, 1f);
        assertNotEquals(Arrays.toString(a), Arrays.toString(b));
    }
}
