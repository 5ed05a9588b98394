package dev.plumbline.rlaif.rl;

import dev.plumbline.testing.TestSeeds;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** RLOO and GRPO advantages against float64 written from the papers' definitions. */
class GroupAdvantagesTest {

    @Test
    void leaveOneOutSubtractsTheMeanOfTheOtherResponses() {
        Random rnd = TestSeeds.random("GroupAdvantagesTest.leaveOneOutSubtractsTheMeanOfTheOtherResponses");
        for (int k : new int[] {2, 3, 4, 7}) {
            double[] r = new double[k * 5];
            for (int i = 0; i < r.length; i++) {
                r[i] = rnd.nextGaussian() * 3 + 1;
            }
            float[] a = GroupAdvantages.leaveOneOut(r, k);
            for (int i = 0; i < r.length; i++) {
                int g = i / k * k;
                double others = 0;
                for (int j = g; j < g + k; j++) {
                    if (j != i) others += r[j];
                }
                assertEquals(r[i] - others / (k - 1), a[i], 1e-5, "k=" + k + " i=" + i);
            }
        }
        // published toy case: two responses, one good one bad
        assertArrayEquals(new float[] {1, -1, -1, 1}, GroupAdvantages.leaveOneOut(new double[] {1, 0, 0, 1}, 2));
    }

    @Test
    void groupNormalisedAdvantagesUseTheUnbiasedStdOfTheirScaling() {
        Random rnd = TestSeeds.random("GroupAdvantagesTest.groupNormalisedAdvantagesUseTheUnbiasedStdOfTheirScaling");
        int k = 4, groups = 6;
        double[] r = new double[k * groups];
        for (int i = 0; i < r.length; i++) {
            r[i] = rnd.nextGaussian();
        }
        double bm = 0;
        for (double x : r) bm += x;
        bm /= r.length;
        double bss = 0;
        for (double x : r) bss += (x - bm) * (x - bm);
        double batchStd = Math.sqrt(bss / (r.length - 1));
        float[] group = GroupAdvantages.groupNormalized(r, k, GroupAdvantages.Scale.GROUP);
        float[] batch = GroupAdvantages.groupNormalized(r, k, GroupAdvantages.Scale.BATCH);
        float[] none = GroupAdvantages.groupNormalized(r, k, GroupAdvantages.Scale.NONE);
        for (int g = 0; g < groups; g++) {
            double m = 0;
            for (int i = 0; i < k; i++) m += r[g * k + i];
            m /= k;
            double ss = 0;
            for (int i = 0; i < k; i++) ss += (r[g * k + i] - m) * (r[g * k + i] - m);
            double std = Math.sqrt(ss / (k - 1));
            for (int i = 0; i < k; i++) {
                int j = g * k + i;
                assertEquals((r[j] - m) / (std + 1e-4), group[j], 1e-5);
                assertEquals((r[j] - m) / (batchStd + 1e-4), batch[j], 1e-5);
                assertEquals(r[j] - m, none[j], 1e-6);
            }
        }
    }

    @Test
    void aGroupOfEqualRewardsGivesZeroAdvantageNotNaN() {
        float[] a = GroupAdvantages.groupNormalized(new double[] {2, 2, 2, 0, 1, 2}, 3, GroupAdvantages.Scale.GROUP);
        assertArrayEquals(new float[] {0, 0, 0}, java.util.Arrays.copyOf(a, 3));
        assertEquals(-1 / (1 + 1e-4), a[3], 1e-6);
    }

    @Test
    void badGroupingIsRejectedWithTheSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GroupAdvantages.leaveOneOut(new double[5], 2));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("k = 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GroupAdvantages.groupNormalized(new double[4], 1,
                GroupAdvantages.Scale.GROUP));
        assertThrows(IllegalArgumentException.class, () -> GroupAdvantages.Scale.parse("median"));
    }
}
