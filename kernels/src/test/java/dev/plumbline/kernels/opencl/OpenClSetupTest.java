package dev.plumbline.kernels.opencl;

import org.junit.jupiter.api.extension.ExtendWith;
import dev.plumbline.tensor.DType;
import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.backend.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Library discovery, the probe's report, and the build-log error path. */
@ExtendWith(OclgrindReport.class)
class OpenClSetupTest {

    @Test
    void aBogusLibraryNameGivesAPlainReason() {
        String why = OpenClLibrary.tryLoad("/nonexistent/dir/libOpenCL-bogus.so.9");
        assertNotNull(why);
        assertTrue(why.contains("libOpenCL-bogus.so.9") && why.contains("could not be loaded"), why);
        assertTrue(!why.contains("\n"), "one line: " + why);
    }

    @Test
    void locateFindsVersionedLibrariesAndPrefersTheUnversionedName(@TempDir Path dir) throws Exception {
        Path a = Files.createDirectory(dir.resolve("a")), b = Files.createDirectory(dir.resolve("b"));
        Files.createFile(b.resolve("libOpenCL.so.1"));
        assertEquals(b.resolve("libOpenCL.so.1").toString(), OpenClLibrary.locate(List.of(a, b)));
        Files.createFile(b.resolve("libOpenCL.so"));
        assertEquals(b.resolve("libOpenCL.so").toString(), OpenClLibrary.locate(List.of(a, b)));
        Files.createFile(a.resolve("libOpenCL.so.1.0.0"));
        assertEquals(a.resolve("libOpenCL.so.1.0.0").toString(), OpenClLibrary.locate(List.of(a, b)));
    }

    @Test
    void probeListsTheDevicesFoundGpusFirst() {
        Device dev = OpenClTestDevice.require();
        Backends.Availability a = Backends.probeAll().stream().filter(x -> x.type() == Device.Type.OPENCL)
                .findFirst().orElseThrow();
        assertTrue(a.deviceCount() >= 1 && a.deviceNames().size() == a.deviceCount(), a.toString());
        List<OpenClDevices.Info> devs = OpenClDevices.list();
        boolean seenOther = false;
        for (OpenClDevices.Info d : devs) {
            assertTrue(!(seenOther && d.gpu()), "GPUs come first: " + devs);
            seenOther |= !d.gpu();
        }
        assertTrue(Backends.describe().contains("opencl"), Backends.describe());
        assertTrue(Tensor.empty(dev, DType.F32, 1).backend().describe().contains(devs.get(0).name()));
    }

    @Test
    void aBrokenKernelRaisesTheBuildLog() {
        Device dev = OpenClTestDevice.require();
        OpenClBackend b = (OpenClBackend) Tensor.empty(dev, DType.F32, 1).backend();
        OpenClBuildException e = assertThrows(OpenClBuildException.class, () -> b.compile("broken",
                "__kernel void broken(__global float *x) { x[0] = undeclared_name + 1.0f; }"));
        assertEquals("broken", e.program());
        assertTrue(e.buildLog().contains("undeclared_name"), e.buildLog());
        assertTrue(e.getMessage().contains("CL_BUILD_PROGRAM_FAILURE"), e.getMessage());
        b.compile("fine", "__kernel void fine(__global float *x) { x[0] = 1.0f; }");
    }

    @Test
    void errorNamesAreSpelledOut() {
        assertEquals("CL_OUT_OF_RESOURCES (-5)", OpenClException.errorName(-5));
        assertEquals("CL_INVALID_WORK_GROUP_SIZE (-54)", OpenClException.errorName(-54));
        assertEquals("OpenCL error (-9999)", OpenClException.errorName(-9999));
    }

    @Test
    void aMissingDeviceIndexIsNamed() {
        OpenClTestDevice.require();
        int n = OpenClDevices.list().size();
        RuntimeException e = assertThrows(RuntimeException.class, () -> Tensor.empty(Device.opencl(n + 3), DType.F32, 1));
        assertTrue(e.getMessage().contains("opencl:" + (n + 3)) && e.getMessage().contains("does not exist"),
                e.getMessage());
    }
}
