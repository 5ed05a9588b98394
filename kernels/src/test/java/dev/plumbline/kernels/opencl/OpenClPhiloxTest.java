package dev.plumbline.kernels.opencl;

import org.junit.jupiter.api.extension.ExtendWith;
import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.backend.Backend;
import dev.plumbline.tensor.backend.RandomKind;
import dev.plumbline.tensor.backend.cpu.CpuBackend;
import dev.plumbline.tensor.random.Generator;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Philox4x32-10 on OpenCL: the known answer, and identical draws to the CPU for every kind. */
@ExtendWith(OclgrindReport.class)
class OpenClPhiloxTest {

    @Test
    void knownAnswerOfTheFirstBlock() {
        Device dev = OpenClTestDevice.require();
        // key (0,0), counter 0 → 6627e8d5 e169c58d bc57ac4c 9b00dbd8; uniform = (w >>> 8) · 2^-24
        Tensor u = Tensor.empty(dev, DType.F32, 4);
        u.backend().random(u, RandomKind.UNIFORM, 0L, 0L, 0f, 1f);
        int[] words = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
        float[] got = u.toFloatArray();
        for (int i = 0; i < 4; i++) {
            assertEquals((words[i] >>> 8) * 0x1p-24f, got[i], 0f, "word " + i);
        }
    }

    @Test
    void uniformAndBernoulliExactNormalWithin1e5OfTheCpu() {
        Device dev = OpenClTestDevice.require();
        Backend ocl = Tensor.empty(dev, DType.F32, 1).backend();
        Random r = OpenClTestDevice.random("philox");
        for (int trial = 0; trial < 6; trial++) {
            int n = 1 + r.nextInt(5000);                 // odd counts: partial last block
            long seed = r.nextLong(), offset = trial == 0 ? 0 : r.nextLong() >>> 1;
            offset = trial == 1 ? 0xFFFFFFFFL - 3 : offset; // counter crosses into the high word
            float a = (float) r.nextGaussian(), b = a + 1 + r.nextFloat();
            for (RandomKind kind : RandomKind.values()) {
                float pa = kind == RandomKind.BERNOULLI ? r.nextFloat() : a;
                Tensor c = Tensor.zeros(n), d = Tensor.empty(dev, DType.F32, n);
                CpuBackend.INSTANCE.random(c, kind, seed, offset, pa, b);
                ocl.random(d, kind, seed, offset, pa, b);
                String what = kind + " n=" + n + " seed=" + seed + " offset=" + offset;
                if (kind == RandomKind.NORMAL) {
                    OpenClTestDevice.assertClose(what, c.toFloatArray(), d.toFloatArray(), 1e-5, 1e-6);
                } else {
                    OpenClTestDevice.assertExact(what, c.toFloatArray(), d.toFloatArray());
                }
            }
        }
        // a range where rounding lands on high: the CPU clamps to nextDown(high), so must we
        Tensor c = Tensor.zeros(4001), d = Tensor.empty(dev, DType.F32, 4001);
        CpuBackend.INSTANCE.random(c, RandomKind.UNIFORM, 7L, 3L, 1e8f, 1e8f + 8f);
        ocl.random(d, RandomKind.UNIFORM, 7L, 3L, 1e8f, 1e8f + 8f);
        OpenClTestDevice.assertExact("uniform near high", c.toFloatArray(), d.toFloatArray());
        // through the user API: the same generator state gives the same tensor on both devices
        Tensor cpuDraw = Tensor.random(Device.cpu(), new Generator(42), RandomKind.NORMAL, 0, 1, 7, 9);
        Tensor oclDraw = Tensor.random(dev, new Generator(42), RandomKind.NORMAL, 0, 1, 7, 9);
        OpenClTestDevice.assertClose("Tensor.random", cpuDraw.toFloatArray(), oclDraw.toFloatArray(), 1e-5, 1e-6);
    }
}
