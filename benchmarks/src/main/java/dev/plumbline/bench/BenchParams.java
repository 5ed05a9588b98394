// Parses the string @Params every Plumbline benchmark shares: the device ("cpu", "opencl:0", …)
// and a shape written as dimensions joined by 'x' ("4096x768x2304"). An unavailable device is
// refused with a message that says why, so JMH reports that one benchmark as failed and goes on.
package dev.plumbline.bench;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.Tensor;
import dev.plumbline.tensor.backend.BackendUnavailableException;
import dev.plumbline.tensor.backend.Backends;
import dev.plumbline.tensor.backend.RandomKind;
import dev.plumbline.tensor.random.Generator;

import java.util.Arrays;

/**
 * Helpers for the {@code device} and {@code shape} parameters of the benchmarks.
 *
 * <pre>{@code
 * Device d = BenchParams.device("opencl:0");        // throws "SKIPPED: opencl:0 is unavailable: …"
 * int[] mkn = BenchParams.dims("4096x768x2304");     // {4096, 768, 2304}
 * Tensor x = BenchParams.randn(d, 1, 4096, 768);     // N(0, 1), Philox seed 1
 * }</pre>
 */
public final class BenchParams {
    private BenchParams() {}

    /**
     * The device named by {@code text}, opened once so a broken backend fails here, in set-up.
     *
     * @throws BackendUnavailableException starting with "SKIPPED:" and the backend's own reason
     */
    public static Device device(String text) {
        Device d = Device.parse(text);
        try {
            Backends.get(d);
        } catch (BackendUnavailableException | LinkageError e) {
            String why = "SKIPPED: benchmark device " + text + " is unavailable: " + e.getMessage();
            System.out.println("# " + why);
            throw new BackendUnavailableException(why, e);
        }
        return d;
    }

    /** "4096x768x2304" → {4096, 768, 2304}; every dimension must be positive. */
    public static int[] dims(String shape) {
        int[] d = Arrays.stream(shape.split("x")).mapToInt(Integer::parseInt).toArray();
        for (int v : d) {
            if (v <= 0) {
                throw new IllegalArgumentException("shape " + shape + ": dimensions must be positive");
            }
        }
        return d;
    }

    /** Standard-normal F32 tensor on {@code device}, same values on every backend for a seed. */
    public static Tensor randn(Device device, long seed, int... shape) {
        return Tensor.random(device, new Generator(seed), RandomKind.NORMAL, 0, 1, shape);
    }

    /** Uniform I32 ids in [0, bound) on {@code device} (drawn on the host, seeded). */
    public static Tensor randomIds(Device device, long seed, int bound, int... shape) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rnd.nextInt(bound);
        }
        return Tensor.fromArray(device, ids, shape);
    }
}
