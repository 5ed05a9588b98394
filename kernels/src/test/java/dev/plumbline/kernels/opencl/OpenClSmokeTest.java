package dev.plumbline.kernels.opencl;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.backend.Backends;
import org.junit.jupiter.api.Test;

class OpenClSmokeTest {
    @Test
    void addsOnTheDevice() {
        Device d = OpenClTestDevice.require();
        System.out.println(Backends.describe());
        System.out.println(Backends.get(d).describe());
        Tensor a = Tensor.fromArray(new float[] {1, 2, 3}, 3);
        Tensor b = a.to(d).add(a.to(d)).exp();
        OpenClTestDevice.assertClose("add", a.add(a).exp().toFloatArray(), b.toFloatArray(), 1e-6, 1e-6);
    }
}
