package dev.plumbline.rlaif.ppo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class GaeTest {
    @Test
    void matchesHandComputedTrajectory() {
        // one row, 3 response tokens then padding; γ = 0.9, λ = 0.5
        float[] r = {0f, 0f, 1f, 0f};
        float[] v = {0.5f, 0.4f, 0.3f, 9f};
        float[] m = {1, 1, 1, 0};
        Gae.Result g = Gae.compute(r, v, m, 0.9f, 0.5f, 1, 4);
        // by hand: δ2 = 1 + 0 − 0.3 = 0.7, A2 = 0.7
        //          δ1 = 0 + 0.9·0.3 − 0.4 = −0.13, A1 = −0.13 + 0.45·0.7 = 0.185
        //          δ0 = 0 + 0.9·0.4 − 0.5 = −0.14, A0 = −0.14 + 0.45·0.185 = −0.05675
        assertEquals(0.7f, g.advantages()[2], 1e-6);
        assertEquals(0.185f, g.advantages()[1], 1e-6);
        assertEquals(-0.05675f, g.advantages()[0], 1e-6);
        assertEquals(0f, g.advantages()[3]);
        assertEquals(-0.05675f + 0.5f, g.returns()[0], 1e-6);
        assertEquals(1.0f, g.returns()[2], 1e-6);
    }

    @Test
    void rowsAreIndependentAndLambdaOneGivesDiscountedReturn() {
        float[] r = {1f, 2f, 3f, 0f, 0f, 5f};
        float[] v = {0.2f, -0.1f, 0.7f, 1f, 2f, 3f};
        float[] m = {1, 1, 1, 1, 1, 1};
        Gae.Result g = Gae.compute(r, v, m, 0.5f, 1f, 2, 3);
        // with λ = 1 the return is the discounted reward sum: row 0: 1 + .5·2 + .25·3 = 2.75
        assertEquals(2.75f, g.returns()[0], 1e-6);
        assertEquals(0f + 0.5f * 0f + 0.25f * 5f, g.returns()[3], 1e-6);
    }

    @Test
    void rejectsMismatchedSizes() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Gae.compute(new float[4], new float[3], new float[4], 1f, 1f, 2, 2));
        assertTrue(e.getMessage().contains("B*T = 4"), e.getMessage());
    }
}
