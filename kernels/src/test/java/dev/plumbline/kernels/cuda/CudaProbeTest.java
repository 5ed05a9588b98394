package dev.plumbline.kernels.cuda;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.backend.BackendProvider;
import dev.plumbline.tensor.backend.BackendUnavailableException;
import dev.plumbline.tensor.backend.Backends;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe answers in one sentence on every machine, and ServiceLoader finds the provider. */
class CudaProbeTest {

    @Test
    void serviceLoaderFindsTheProvider() {
        boolean found = false;
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            found |= p instanceof CudaBackendProvider;
        }
        assertTrue(found, "META-INF/services must list CudaBackendProvider");
    }

    @Test
    void probeNeverThrowsAndGivesAClearReason() {
        BackendProvider.Availability a = new CudaBackendProvider().probe();
        System.out.println("cuda probe: " + a);
        assertFalse(a.reason().isBlank());
        assertFalse(a.reason().contains("UnsatisfiedLinkError"), a.reason());
        assertFalse(a.reason().contains("\n"), "one line: " + a.reason());
        if (!a.available()) {
            assertEquals(0, a.deviceCount());
            assertTrue(a.reason().contains("libcuda.so.1") || a.reason().contains("CUDA device")
                    || a.reason().contains("driver"), a.reason());
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> new CudaBackendProvider().open(0));
            assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
        } else {
            assertTrue(a.isGpu());
        }
    }

    @Test
    void backendsListsCudaWithTheSameReason() {
        Backends.Availability cuda = Backends.probeAll().stream().filter(x -> x.type() == Device.Type.CUDA)
                .findFirst().orElseThrow();
        assertEquals(new CudaBackendProvider().probe().reason(), cuda.reason());
    }
}
