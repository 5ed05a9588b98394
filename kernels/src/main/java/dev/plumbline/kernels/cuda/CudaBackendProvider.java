package dev.plumbline.kernels.cuda;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.backend.Backend;
import dev.plumbline.tensor.backend.BackendProvider;
import dev.plumbline.tensor.backend.BackendUnavailableException;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers the CUDA backend with {@link java.util.ServiceLoader}. {@link #probe()} never throws: on a
 * machine without a driver it answers, for example,
 * {@code "no CUDA driver: libcuda.so.1 not found (JCuda 12.6.0 needs an NVIDIA driver)"}.
 *
 * <pre>{@code
 * Backend cuda = Backends.get(Device.cuda(0));   // finds this provider through ServiceLoader
 * }</pre>
 */
public final class CudaBackendProvider implements BackendProvider {
    private static final Map<Integer, CudaBackend> OPEN = new ConcurrentHashMap<>();

    /** Used by ServiceLoader. */
    public CudaBackendProvider() {}

    @Override
    public Device.Type type() {
        return Device.Type.CUDA;
    }

    @Override
    public Availability probe() {
        try {
            CudaDriver.Status s = CudaDriver.status();
            if (!s.ok()) {
                return Availability.unavailable(s.reason());
            }
            return new Availability(s.deviceNames().size(), s.deviceNames(), true, s.reason());
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("CUDA probe failed: " + e);
        }
    }

    @Override
    public Backend open(int index) {
        CudaDriver.Status s = CudaDriver.status();
        if (!s.ok()) {
            throw new BackendUnavailableException("cuda:" + index + " is unavailable: " + s.reason());
        }
        if (index < 0 || index >= s.deviceNames().size()) {
            throw new BackendUnavailableException("cuda:" + index + " does not exist: found " + s.deviceNames().size()
                    + " device(s) " + s.deviceNames());
        }
        return OPEN.computeIfAbsent(index, i -> {
            try {
                return new CudaBackend(new CudaDevice(i));
            } catch (CudaException e) {
                throw new BackendUnavailableException("cuda:" + i + " failed to open: " + e.getMessage(), e);
            }
        });
    }
}
