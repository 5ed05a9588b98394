package dev.plumbline.tensor.backend;

import dev.plumbline.tensor.Device;

import java.util.List;

/**
 * Service-provider interface through which GPU backends register (see {@link java.util.ServiceLoader};
 * list the implementation in {@code META-INF/services/dev.plumbline.tensor.backend.BackendProvider}).
 * tensor-core never imports a GPU module; it finds them here at run time.
 */
public interface BackendProvider {

    /** The device type this provider serves. */
    Device.Type type();

    /**
     * Probes the system (driver, libraries, devices) and reports what was found. Must not throw:
     * a failure is reported in {@link Availability#reason()}.
     */
    Availability probe();

    /**
     * Opens the backend for device {@code index}.
     *
     * @throws BackendUnavailableException saying exactly why (no driver, which library failed to
     *                                     load, which version it needs)
     */
    Backend open(int index) throws BackendUnavailableException;

    /**
     * What a probe found.
     *
     * @param deviceCount devices usable by this provider (0 when unavailable)
     * @param deviceNames human-readable device names, one per device
     * @param isGpu       whether device 0 is a GPU (an OpenCL CPU device is not)
     * @param reason      why the backend is unavailable, or a one-line description when available
     */
    record Availability(int deviceCount, List<String> deviceNames, boolean isGpu, String reason) {
        /** Whether at least one device can be opened. */
        public boolean available() {
            return deviceCount > 0;
        }

        /** An unavailable result with its reason. */
        public static Availability unavailable(String reason) {
            return new Availability(0, List.of(), false, reason);
        }
    }
}
