// ECE and reliability bins against hand-computed values.
package dev.plumbline.rlaif.reward;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CalibrationTest {

    @Test
    void eceAndBinsMatchHandComputation() {
        double[] p = {0.05, 0.15, 0.18, 0.55, 0.62, 0.95, 1.0};
        double[] y = {0, 0, 1, 1, 0, 1, 1};
        Calibration c = Calibration.of(p, y, 10);
        // bins: 0 {.05|0}, 1 {.15|0, .18|1}, 5 {.55|1}, 6 {.62|0}, 9 {.95|1, 1.0|1}
        // ECE = (1·.05 + 2·|.5 − .165| + 1·.45 + 1·.62 + 2·.025) / 7 = 1.84 / 7
        assertEquals(1.84 / 7, c.ece(), 1e-12, "ECE");
        assertEquals(10, c.bins().size(), "ten bins, empty ones included");
        int[] counts = c.bins().stream().mapToInt(Calibration.Bin::count).toArray();
        assertArrayEquals(new int[] {1, 2, 0, 0, 0, 1, 1, 0, 0, 2}, counts, "counts");
        Calibration.Bin b1 = c.bins().get(1);
        assertEquals(0.165, b1.confidence(), 1e-12, "bin 1 confidence");
        assertEquals(0.5, b1.accuracy(), 1e-12, "bin 1 accuracy");
        assertEquals(0.1, b1.lower(), 1e-12, "bin 1 lower edge");
        assertEquals(0.2, b1.upper(), 1e-12, "bin 1 upper edge");
        assertEquals(0.975, c.bins().get(9).confidence(), 1e-12, "p = 1 belongs to the last bin");
        assertTrue(Double.isNaN(c.bins().get(3).confidence()) && Double.isNaN(c.bins().get(3).accuracy()), "empty bin is NaN");
    }

    @Test
    void edgesGoToTheUpperBin() {
        Calibration c = Calibration.of(new double[] {0.0, 0.5, 1.0}, new double[] {0, 1, 1}, 10);
        assertEquals(1, c.bins().get(0).count(), "0 in bin 0");
        assertEquals(1, c.bins().get(5).count(), "0.5 in bin 5 ([0.5, 0.6))");
        assertEquals(1, c.bins().get(9).count(), "1 in bin 9");
        assertEquals((0 + 0.5 + 0) / 3, c.ece(), 1e-12, "ECE");
    }

    @Test
    void pairsCountBothOrders() {
        // (0.83,1) (0.35,1) and mirrored (0.17,0) (0.65,0): ECE = (.17 + .65 + .17 + .65) / 4
        Calibration c = Calibration.ofPairs(new double[] {0.83, 0.35}, new double[] {1, 1}, 10);
        assertEquals(0.41, c.ece(), 1e-12, "ECE over both orders");
        assertEquals(1, c.bins().get(1).count(), "mirror of 0.83");
        assertEquals(1, c.bins().get(8).count(), "0.83");
        assertEquals(0.0, c.bins().get(1).accuracy(), "mirrored outcome is 0");
    }

    @Test
    void badInputIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Calibration.of(new double[] {0.5}, new double[] {}, 10));
        assertTrue(e.getMessage().contains("1 probabilities but 0 outcomes"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> Calibration.of(new double[] {1.5}, new double[] {1}, 10));
        assertTrue(e2.getMessage().contains("probability 0 is 1.5"), e2.getMessage());
        assertTrue(Double.isNaN(Calibration.of(new double[0], new double[0], 10).ece()), "no predictions: NaN");
    }
}
