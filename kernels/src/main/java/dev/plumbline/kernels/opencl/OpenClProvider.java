package dev.plumbline.kernels.opencl;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.backend.Backend;
import dev.plumbline.tensor.backend.BackendProvider;
import dev.plumbline.tensor.backend.BackendUnavailableException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers the OpenCL backend with {@code ServiceLoader} (see
 * {@code META-INF/services/dev.plumbline.tensor.backend.BackendProvider}).
 *
 * <pre>{@code
 * System.out.println(Backends.describe());
 * // opencl 1 device(s) [pthread-haswell-AMD EPYC ... (Portable Computing Language, OpenCL 3.0 PoCL ..., CPU/other)]
 * Tensor x = Tensor.randn(gen, 4, 8).to(Device.opencl(0));
 * }</pre>
 */
public final class OpenClProvider implements BackendProvider {
    private static final Map<Integer, OpenClBackend> OPEN = new ConcurrentHashMap<>();

    @Override
    public Device.Type type() {
        return Device.Type.OPENCL;
    }

    @Override
    public Availability probe() {
        try {
            List<OpenClDevices.Info> devs = OpenClDevices.list();
            List<String> names = new ArrayList<>();
            for (OpenClDevices.Info d : devs) {
                names.add(d.toString());
            }
            return new Availability(devs.size(), names, devs.get(0).gpu(), "OpenCL via " + OpenClLibrary.loadedPath());
        } catch (OpenClException e) {
            return Availability.unavailable(e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("OpenCL probe failed: " + e);
        }
    }

    @Override
    public Backend open(int index) {
        List<OpenClDevices.Info> devs;
        try {
            devs = OpenClDevices.list();
        } catch (OpenClException e) {
            throw new BackendUnavailableException("opencl:" + index + " is unavailable: " + e.getMessage(), e);
        }
        if (index < 0 || index >= devs.size()) {
            throw new BackendUnavailableException("opencl:" + index + " does not exist: found " + devs.size()
                    + " OpenCL device(s) " + devs);
        }
        return OPEN.computeIfAbsent(index, i -> {
            try {
                return new OpenClBackend(Device.opencl(i), devs.get(i));
            } catch (OpenClException e) {
                throw new BackendUnavailableException("opencl:" + i + " (" + devs.get(i) + ") could not start: "
                        + e.getMessage(), e);
            }
        });
    }
}
