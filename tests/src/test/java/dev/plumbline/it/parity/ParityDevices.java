package dev.plumbline.it.parity;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.backend.Backends;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which devices the parity suite runs on, and what it reports for those it cannot.
 *
 * <ul>
 *   <li>Default: the CPU plus device 0 of every GPU type {@link Backends#probeAll()} finds; a type
 *       it does not find becomes one skipped entry that says why.</li>
 *   <li>{@code PLUMBLINE_PARITY_DEVICES=cpu,opencl:0} lists the devices instead.</li>
 *   <li>{@code PLUMBLINE_REQUIRE_OPENCL=1} (CI) turns a missing OpenCL device into a failure that
 *       carries the probe's reason.</li>
 * </ul>
 *
 * <pre>{@code
 * for (ParityDevices.Target t : ParityDevices.targets(System.getenv(), Backends.probeAll())) { ... }
 * }</pre>
 */
final class ParityDevices {
    private ParityDevices() {}

    /** A device to run on (device != null), or why not: skip (reason) or fail (required). */
    record Target(String name, Device device, String reason, boolean required) {
        static Target run(Device d) {
            return new Target(d.toString(), d, null, false);
        }

        static Target skip(String name, String reason) {
            return new Target(name, null, reason, false);
        }

        static Target fail(String name, String reason) {
            return new Target(name, null, reason, true);
        }

        boolean runnable() {
            return device != null;
        }
    }

    /** The targets for an environment and a probe result (pure, so it is testable without GPUs). */
    static List<Target> targets(Map<String, String> env, List<Backends.Availability> probes) {
        boolean requireOpencl = "1".equals(env.get("PLUMBLINE_REQUIRE_OPENCL"))
                || "true".equalsIgnoreCase(env.get("PLUMBLINE_REQUIRE_OPENCL"));
        String listed = env.get("PLUMBLINE_PARITY_DEVICES");
        List<Target> out = new ArrayList<>();
        if (listed != null && !listed.isBlank()) {
            for (String s : listed.split(",")) {
                if (s.isBlank()) {
                    continue;
                }
                Device d = Device.parse(s);
                out.add(d.isCpu() ? Target.run(d) : check(d, probe(probes, d.type()), requireOpencl));
            }
        } else {
            out.add(Target.run(Device.cpu()));
            for (Backends.Availability a : probes) {
                if (a.type() != Device.Type.CPU) {
                    Device d = a.type() == Device.Type.CUDA ? Device.cuda(0) : Device.opencl(0);
                    out.add(check(d, a, requireOpencl));
                }
            }
        }
        boolean haveOpencl = out.stream().anyMatch(t -> t.runnable() && t.device().type() == Device.Type.OPENCL);
        boolean reported = out.stream().anyMatch(t -> t.required());
        if (requireOpencl && !haveOpencl && !reported) {
            Backends.Availability a = probe(probes, Device.Type.OPENCL);
            out.add(Target.fail("opencl:0", "PLUMBLINE_REQUIRE_OPENCL=1 but no OpenCL device is in this run: "
                    + (a == null ? "not probed" : a.available() ? "it was left out of PLUMBLINE_PARITY_DEVICES"
                    : a.reason())));
        }
        return out;
    }

    private static Backends.Availability probe(List<Backends.Availability> probes, Device.Type type) {
        return probes.stream().filter(p -> p.type() == type).findFirst().orElse(null);
    }

    private static Target check(Device d, Backends.Availability a, boolean requireOpencl) {
        boolean required = requireOpencl && d.type() == Device.Type.OPENCL;
        String why = null;
        if (a == null || !a.available()) {
            why = d.type().name().toLowerCase() + " unavailable: " + (a == null ? "not probed" : a.reason());
        } else if (d.index() >= a.deviceCount()) {
            why = d + " does not exist: found " + a.deviceCount() + " device(s) " + a.deviceNames();
        }
        if (why == null) {
            return Target.run(d);
        }
        return required ? Target.fail(d.toString(), "PLUMBLINE_REQUIRE_OPENCL=1 but " + why) : Target.skip(d.toString(), why);
    }
}
