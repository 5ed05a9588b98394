// Prints which benchmark devices work on this machine, for benchmarks/run.sh: one line
// "devices=cpu,opencl:0" on stdout, and for every device type that is missing, why, on stderr.
package dev.plumbline.bench;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.backend.Backends;

import java.util.ArrayList;
import java.util.List;

/**
 * Lists the devices the benchmarks can run on: the CPU always, device 0 of CUDA and OpenCL when
 * their backend starts and runs a small op.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.plumbline.bench.DeviceProbe
 * devices=cpu,opencl:0
 * </pre>
 */
public final class DeviceProbe {
    private DeviceProbe() {}

    /** Prints {@code devices=…} on stdout and the reasons for missing backends on stderr. */
    public static void main(String[] args) {
        List<String> ok = new ArrayList<>();
        ok.add("cpu");
        for (Backends.Availability a : Backends.probeAll()) {
            if (a.type() == Device.Type.CPU) {
                continue;
            }
            String name = a.type().name().toLowerCase() + ":0";
            if (!a.available()) {
                System.err.println("# " + name + " skipped: " + a.reason());
                continue;
            }
            try {
                Device d = Device.parse(name);
                float s = Tensor.ones(d, dev.plumbline.tensor.DType.F32, 4, 4).sum().item();
                if (s != 16f) {
                    System.err.println("# " + name + " skipped: a 4x4 sum gave " + s);
                    continue;
                }
                ok.add(name);
                System.err.println("# " + name + ": " + a.deviceNames());
            } catch (RuntimeException | LinkageError e) {
                System.err.println("# " + name + " skipped: " + e);
            }
        }
        System.out.println("devices=" + String.join(",", ok));
    }
}
