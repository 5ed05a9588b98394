package dev.plumbline.kernels.opencl;

import dev.plumbline.tensor.Device;
import dev.plumbline.tensor.backend.Backends;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * When the OpenCL tests run on Oclgrind (the {@code opencl-oclgrind} execution of this module's
 * pom sets {@code plumbline.test.oclgrind.log} and points Oclgrind's {@code OCLGRIND_LOG} at the
 * same file), fails each test whose kernels made Oclgrind report anything — an invalid memory
 * access, a data race, barrier divergence, an API error — with the report itself. Oclgrind keeps
 * running after such an error, so the report, not a crash or a wrong number, is the evidence.
 * Elsewhere it does nothing.
 */
public final class OclgrindReport implements AfterEachCallback {
    /** System property naming Oclgrind's log file; unset when not running on Oclgrind. */
    public static final String LOG_PROPERTY = "plumbline.test.oclgrind.log";

    private static long readUpTo;

    /** True when this JVM's OpenCL is Oclgrind's runtime (the oclgrind test execution). */
    static boolean active() {
        return System.getProperty(LOG_PROPERTY) != null && !System.getProperty(LOG_PROPERTY).isBlank();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (!active()) {
            return;
        }
        if (Backends.probeAll().stream().anyMatch(a -> a.type() == Device.Type.OPENCL && a.available())) {
            Backends.get(Device.opencl(0)).synchronize(); // Oclgrind runs queued kernels by now
        }
        String report = newReport(Path.of(System.getProperty(LOG_PROPERTY)));
        if (!report.isBlank()) {
            throw new AssertionError("Oclgrind reported errors during " + context.getDisplayName() + " ("
                    + context.getRequiredTestClass().getSimpleName() + "):\n"
                    + (report.length() > 6000 ? report.substring(0, 6000) + "\n... (" + report.length()
                    + " characters in all)" : report));
        }
    }

    /** What the log gained since the last call (the log only grows while this JVM runs). */
    static synchronized String newReport(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long end = f.length();
            if (end <= readUpTo) {
                return "";
            }
            byte[] b = new byte[(int) Math.min(end - readUpTo, 1 << 20)];
            f.seek(readUpTo);
            f.readFully(b);
            readUpTo = end;
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
