package dev.plumbline.kernels.opencl;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.backend.Backends;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.util.Arrays;
import java.util.Random;

/**
 * The OpenCL device the tests run on ({@code opencl:0}). Without a platform the tests are skipped
 * with the probe's reason, unless {@code PLUMBLINE_REQUIRE_OPENCL=1} (CI), where that is a failure.
 * Also holds the comparison the tests use: {@code |got − ref| ≤ atol + rtol·|ref|}, NaN equals NaN.
 */
final class OpenClTestDevice {
    private OpenClTestDevice() {}

    /** opencl:0, or skips/fails the calling test with the reason no platform is present. */
    static Device require() {
        Backends.Availability a = Backends.probeAll().stream()
                .filter(x -> x.type() == Device.Type.OPENCL).findFirst().orElseThrow();
        if (!a.available()) {
            String why = "no OpenCL platform: " + a.reason();
            if (OclgrindReport.active()) {
                why = "Oclgrind's OpenCL runtime (" + System.getProperty(OpenClLibrary.LIBNAME_PROPERTY)
                        + ") did not load: " + a.reason() + "; install it with apt-get install oclgrind, or point "
                        + "-Doclgrind.lib at liboclgrind-rt.so";
            }
            if ("1".equals(System.getenv("PLUMBLINE_REQUIRE_OPENCL"))) {
                Assertions.fail(why + " (PLUMBLINE_REQUIRE_OPENCL=1 makes this a failure)");
            }
            Assumptions.abort(why);
        }
        return Device.opencl(0);
    }

    /** A fresh seed, printed so a failure can be replayed. */
    static Random random(String test) {
        // seeded from the label (dev.plumbline.testing.TestSeeds, replay: -Dplumbline.test.seed=N)
        String name = "OpenClTestDevice." + test;
        System.out.println(test + " " + dev.plumbline.testing.TestSeeds.describe(name));
        return dev.plumbline.testing.TestSeeds.random(name);
    }

    static void assertClose(String what, float[] ref, float[] got, double atol, double rtol) {
        Assertions.assertEquals(ref.length, got.length, what + ": length");
        for (int i = 0; i < ref.length; i++) {
            float r = ref[i], g = got[i];
            if (Float.isNaN(r) || Float.isNaN(g)) {
                Assertions.assertTrue(Float.isNaN(r) && Float.isNaN(g), what + ": element " + i + " ref " + r + " got " + g);
                continue;
            }
            if (Float.isInfinite(r) || Float.isInfinite(g)) {
                Assertions.assertEquals(r, g, what + ": element " + i);
                continue;
            }
            double tol = atol + rtol * Math.abs(r);
            if (Math.abs(g - r) > tol) {
                Assertions.fail(what + ": element " + i + " of " + ref.length + " ref " + r + " got " + g + " (|diff| "
                        + Math.abs(g - r) + " > " + tol + ")\n ref head " + head(ref) + "\n got head " + head(got));
            }
        }
    }

    static void assertExact(String what, float[] ref, float[] got) {
        Assertions.assertEquals(ref.length, got.length, what + ": length");
        for (int i = 0; i < ref.length; i++) {
            if (Float.floatToIntBits(ref[i]) != Float.floatToIntBits(got[i]) && !(ref[i] == got[i])) {
                Assertions.fail(what + ": element " + i + " ref " + ref[i] + " got " + got[i]);
            }
        }
    }

    private static String head(float[] a) {
        return Arrays.toString(Arrays.copyOf(a, Math.min(8, a.length)));
    }

    static float[] randn(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
