package dev.plumbline.kernels.cuda;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The bridge generator runs and builds a small libcublas.so.12; loading fails gracefully without CUDA 13. */
class CublasBridgeTest {

    static boolean have(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void generatorBuildsTheBridge() throws Exception {
        Path jar = Path.of(System.getProperty("user.home"),
                ".m2/repository/org/jcuda/jcublas-natives/12.6.0/jcublas-natives-12.6.0-linux-x86_64.jar");
        assumeTrue(have("gcc") && have("nm") && Files.exists(jar), "gcc, nm or the jcublas-natives jar is missing: "
                + "cannot regenerate the bridge here");
        Path out = Files.createTempDirectory("bridge");
        String log = CudaFatbinFreshnessTest.run(Path.of("src/main/native/cublas-bridge"), "./generate.sh", jar.toString(),
                out.toString());
        Path so = out.resolve("libcublas.so.12");
        assertTrue(Files.size(so) < 200_000, "bridge should be ~100 KB: " + Files.size(so));
        assertTrue(log.contains("494 functions"), log);
        String dyn = CudaFatbinFreshnessTest.run(out, "readelf", "-d", so.toString())
                + CudaFatbinFreshnessTest.run(out, "nm", "-D", "--defined-only", so.toString());
        assertTrue(dyn.contains("Library soname: [libcublas.so.12]"), dyn);
        assertTrue(dyn.contains("cublasSgemm_v2@@libcublas.so.12"), "exports carry the libcublas.so.12 node");
        assertTrue(dyn.contains("cublasGemmStridedBatchedEx@@libcublas.so.12"));
        // the generator regenerates the checked-in symbol list identically
        assertEquals(494, Files.readAllLines(Path.of("src/main/native/cublas-bridge/symbols.txt")).size());
    }

    @Test
    void prebuiltBridgeIsAResource() throws Exception {
        Path p = CublasBridge.extractBridge();
        assertTrue(Files.size(p) > 10_000 && Files.size(p) < 200_000);
    }

    @Test
    void loadingFailsGracefullyWithoutCuda13() {
        assumeTrue(CublasBridge.find("libcublas.so.13") == null, "libcublas.so.13 is present here: the failure path "
                + "is not reachable");
        String reason = CublasBridge.loadBridge();
        assertNotNull(reason);
        System.out.println("cuBLAS bridge: " + reason);
        assertTrue(reason.contains("libcublas.so.13"), reason);
    }
}
