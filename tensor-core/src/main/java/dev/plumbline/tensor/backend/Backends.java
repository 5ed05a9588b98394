package dev.plumbline.tensor.backend;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.backend.cpu.CpuBackend;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the backend for a {@link Device}: the CPU backend is built in; CUDA and OpenCL come from
 * {@link BackendProvider}s on the class path.
 *
 * <pre>{@code
 * System.out.println(Backends.describe());  // what was found, and why anything is missing
 * Backend b = Backends.get(Device.opencl(0));
 * }</pre>
 */
public final class Backends {
    private Backends() {}

    private static final Map<Device, Backend> OPEN = new ConcurrentHashMap<>();
    private static volatile Map<Device.Type, BackendProvider> providers;

    private static Map<Device.Type, BackendProvider> providers() {
        Map<Device.Type, BackendProvider> p = providers;
        if (p == null) {
            synchronized (Backends.class) {
                if (providers == null) {
                    Map<Device.Type, BackendProvider> found = new EnumMap<>(Device.Type.class);
                    for (BackendProvider bp : ServiceLoader.load(BackendProvider.class)) {
                        found.putIfAbsent(bp.type(), bp);
                    }
                    providers = found;
                }
                p = providers;
            }
        }
        return p;
    }

    /**
     * The backend serving {@code device}, opened on first use.
     *
     * @throws BackendUnavailableException saying why the device cannot be used
     */
    public static Backend get(Device device) {
        Backend b = OPEN.get(device);
        if (b != null) {
            return b;
        }
        synchronized (Backends.class) {
            b = OPEN.get(device);
            if (b == null) {
                b = open(device);
                OPEN.put(device, b);
            }
            return b;
        }
    }

    private static Backend open(Device device) {
        if (device.isCpu()) {
            return CpuBackend.INSTANCE;
        }
        BackendProvider p = providers().get(device.type());
        if (p == null) {
            throw new BackendUnavailableException("no " + device.type() + " backend on the class path: add the "
                    + "dependency dev.plumbline:kernels to use device " + device);
        }
        BackendProvider.Availability a = p.probe();
        if (!a.available()) {
            throw new BackendUnavailableException(device + " is unavailable: " + a.reason());
        }
        if (device.index() >= a.deviceCount()) {
            throw new BackendUnavailableException(device + " does not exist: found " + a.deviceCount() + " "
                    + device.type() + " device(s) " + a.deviceNames());
        }
        return p.open(device.index());
    }

    /** Result of probing one device type. */
    public record Availability(Device.Type type, boolean available, int deviceCount, List<String> deviceNames,
                               boolean isGpu, String reason) {}

    /** Probes every device type (CPU always available). */
    public static List<Availability> probeAll() {
        List<Availability> out = new ArrayList<>();
        out.add(new Availability(Device.Type.CPU, true, 1, List.of(CpuBackend.INSTANCE.describe()), false,
                "built in"));
        for (Device.Type t : new Device.Type[] {Device.Type.CUDA, Device.Type.OPENCL}) {
            BackendProvider p = providers().get(t);
            if (p == null) {
                out.add(new Availability(t, false, 0, List.of(), false, "no provider on the class path "
                        + "(dependency dev.plumbline:kernels)"));
                continue;
            }
            BackendProvider.Availability a;
            try {
                a = p.probe();
            } catch (RuntimeException | LinkageError e) {
                a = BackendProvider.Availability.unavailable("probe failed: " + e);
            }
            out.add(new Availability(t, a.available(), a.deviceCount(), a.deviceNames(), a.isGpu(), a.reason()));
        }
        return out;
    }

    /** A multi-line listing of every device type, what was found and why anything is missing. */
    public static String describe() {
        StringBuilder sb = new StringBuilder();
        for (Availability a : probeAll()) {
            sb.append(String.format("%-6s %s%n", a.type().name().toLowerCase(),
                    a.available() ? a.deviceCount() + " device(s) " + a.deviceNames() : "unavailable: " + a.reason()));
        }
        return sb.toString();
    }

    /** CUDA device 0 if it works, else the first OpenCL GPU, else the CPU. */
    public static Device best() {
        for (Availability a : probeAll()) {
            if (a.type() == Device.Type.CUDA && a.available()) {
                return Device.cuda(0);
            }
        }
        for (Availability a : probeAll()) {
            if (a.type() == Device.Type.OPENCL && a.available() && a.isGpu()) {
                return Device.opencl(0);
            }
        }
        return Device.cpu();
    }
}
