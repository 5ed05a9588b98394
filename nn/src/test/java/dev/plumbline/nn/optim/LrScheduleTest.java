// Tests of learning-rate schedules at key steps against hand-computed multipliers.
package dev.plumbline.nn.optim;

import dev.plumbline.nn.Parameter;
import dev.plumbline.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LrScheduleTest {

    @Test
    void warmupCosineAtKeySteps() {
        LrSchedule s = LrSchedule.warmupCosine(10, 110, 0.1);
        assertEquals(0.0, s.at(0), 1e-12, "step 0 of warm-up");
        assertEquals(0.5, s.at(5), 1e-12, "half-way through warm-up");
        assertEquals(1.0, s.at(10), 1e-12, "warm-up end");
        assertEquals(0.1 + 0.9 * 0.5, s.at(60), 1e-12, "middle of decay: cos(π/2) = 0");
        assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.at(35), 1e-12, "quarter of decay");
        assertEquals(0.1, s.at(110), 1e-12, "end: floor ratio");
        assertEquals(0.1, s.at(500), 1e-12, "after the end stays at the floor");
        assertEquals(0.0, LrSchedule.warmupCosine(0, 100).at(100), 1e-12, "decays to zero by default");
        assertEquals(1.0, LrSchedule.warmupCosine(0, 100).at(0), 1e-12, "no warm-up starts at 1");
    }

    @Test
    void warmupLinearAndConstant() {
        LrSchedule s = LrSchedule.warmupLinear(4, 104);
        assertEquals(0.25, s.at(1), 1e-12);
        assertEquals(1.0, s.at(4), 1e-12);
        assertEquals(0.5, s.at(54), 1e-12, "middle");
        assertEquals(0.0, s.at(104), 1e-12, "end");
        assertEquals(0.2, LrSchedule.warmupLinear(0, 100, 0.2).at(100), 1e-12, "to a floor");
        assertEquals(1.0, LrSchedule.constant().at(12345), 0);
        assertEquals(0.5, LrSchedule.constantWithWarmup(4).at(2), 1e-12);
        assertEquals(1.0, LrSchedule.constantWithWarmup(4).at(4), 1e-12);
    }

    @Test
    void appliesToEveryGroupRelativeToItsBaseLr() {
        Parameter a = new Parameter(Tensor.zeros(1), true);
        Parameter b = new Parameter(Tensor.zeros(1), false);
        AdamW opt = new AdamW(List.of(ParamGroup.of("a", List.of(a), 1e-3, 0.1), ParamGroup.of("b", List.of(b), 2e-3, 0)),
                0.9, 0.999, 1e-8);
        LrSchedule.warmupCosine(10, 110).apply(opt, 5);
        assertEquals(0.5e-3, opt.groups().get(0).lr(), 1e-15);
        assertEquals(1e-3, opt.groups().get(1).lr(), 1e-15);
        assertEquals(3e-4, LrSchedule.constant().lrAt(7, 3e-4), 0);
    }

    @Test
    void badArgumentsNameTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(20, 10));
        assertTrue(e.getMessage().contains("warmup=20"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(0, 10, 1.5));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    }
}
