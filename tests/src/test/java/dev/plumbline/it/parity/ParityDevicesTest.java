package dev.plumbline.it.parity;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.backend.Backends.Availability;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Device selection of the parity suite, on made-up probe results (no GPU needed). */
class ParityDevicesTest {
    static final Availability CPU = new Availability(Device.Type.CPU, true, 1, List.of("cpu"), false, "built in");
    static final Availability NO_CUDA = new Availability(Device.Type.CUDA, false, 0, List.of(), false,
            "libcuda.so.1 not found");
    static final Availability NO_OPENCL = new Availability(Device.Type.OPENCL, false, 0, List.of(), false,
            "no OpenCL platform (libOpenCL.so.1 loaded, 0 platforms)");
    static final Availability POCL = new Availability(Device.Type.OPENCL, true, 1, List.of("pthread-cpu"), false, "PoCL");

    @Test
    void defaultRunsCpuAndSkipsMissingBackendsWithTheirReason() {
        List<ParityDevices.Target> t = ParityDevices.targets(Map.of(), List.of(CPU, NO_CUDA, NO_OPENCL));
        assertEquals(3, t.size());
        assertEquals(Device.cpu(), t.get(0).device());
        assertFalse(t.get(1).runnable());
        assertFalse(t.get(1).required());
        assertEquals("cuda unavailable: libcuda.so.1 not found", t.get(1).reason());
        assertEquals("opencl unavailable: no OpenCL platform (libOpenCL.so.1 loaded, 0 platforms)", t.get(2).reason());
    }

    @Test
    void availableBackendIsRun() {
        List<ParityDevices.Target> t = ParityDevices.targets(Map.of(), List.of(CPU, NO_CUDA, POCL));
        assertEquals(Device.opencl(0), t.get(2).device());
    }

    @Test
    void requiredOpenclThatIsMissingFailsWithTheProbeReason() {
        List<ParityDevices.Target> t = ParityDevices.targets(Map.of("PLUMBLINE_REQUIRE_OPENCL", "1"),
                List.of(CPU, NO_CUDA, NO_OPENCL));
        ParityDevices.Target ocl = t.get(2);
        assertTrue(ocl.required());
        assertEquals("PLUMBLINE_REQUIRE_OPENCL=1 but opencl unavailable: no OpenCL platform (libOpenCL.so.1 loaded, "
                + "0 platforms)", ocl.reason());
        assertFalse(t.get(1).required(), "CUDA is never required");
    }

    @Test
    void requiredOpenclLeftOutOfTheListStillFails() {
        List<ParityDevices.Target> t = ParityDevices.targets(
                Map.of("PLUMBLINE_REQUIRE_OPENCL", "1", "PLUMBLINE_PARITY_DEVICES", "cpu"), List.of(CPU, NO_CUDA, POCL));
        assertEquals(2, t.size());
        assertTrue(t.get(1).required());
        assertEquals("PLUMBLINE_REQUIRE_OPENCL=1 but no OpenCL device is in this run: it was left out of "
                + "PLUMBLINE_PARITY_DEVICES", t.get(1).reason());
    }

    @Test
    void explicitListOverridesAndChecksIndices() {
        List<ParityDevices.Target> t = ParityDevices.targets(Map.of("PLUMBLINE_PARITY_DEVICES", "opencl:0, opencl:1"),
                List.of(CPU, NO_CUDA, POCL));
        assertEquals(2, t.size());
        assertEquals(Device.opencl(0), t.get(0).device());
        assertEquals("opencl:1 does not exist: found 1 device(s) [pthread-cpu]", t.get(1).reason());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParityDevices.targets(Map.of("PLUMBLINE_PARITY_DEVICES", "tpu"), List.of(CPU)));
        assertEquals("bad device 'tpu': expected cpu, cuda[:N], opencl[:N] or best", e.getMessage());
    }
}
