package dev.plumbline.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.StringJoiner;

/**
 * JUnit extension that makes a failing randomised test say how to replay it: when a test (or its
 * {@code @BeforeEach}/{@code @AfterEach}) throws after drawing seeds from {@link TestSeeds} on its
 * thread, the exception gets a suppressed {@link SeedReport} naming the run seed, each seed drawn
 * and the {@code mvn} flags that replay it, and the same line is printed to standard error. The
 * original exception is rethrown unchanged, so assertion types, aborted assumptions and messages
 * are kept. After each test the thread's record of drawn seeds is cleared.
 *
 * <p>The build registers it for every test through JUnit's extension auto-detection
 * ({@code junit.jupiter.extensions.autodetection.enabled=true} in the root pom's surefire
 * configuration, and {@code META-INF/services/org.junit.jupiter.api.extension.Extension} in this
 * jar); elsewhere use {@code @ExtendWith(SeedReporter.class)}. Aborted tests are not reported.
 */
public final class SeedReporter implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler,
        AfterEachCallback {

    /** Creates the extension (JUnit does this). */
    public SeedReporter() {}

    /** The suppressed exception that carries the replay line; it has no stack trace of its own. */
    public static final class SeedReport extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SeedReport(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw report(context, throwable, System.err);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw report(context, throwable, System.err);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw report(context, throwable, System.err);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestSeeds.clearDrawn();
    }

    /** Adds the report to {@code throwable} (and prints it to {@code out}) if the thread drew seeds, once; returns it. */
    static Throwable report(ExtensionContext context, Throwable throwable, PrintStream out) {
        Map<String, Long> drawn = TestSeeds.drawnOnThisThread();
        if (drawn.isEmpty() || isAborted(throwable) || alreadyReported(throwable)) {
            return throwable;
        }
        String line = message(context, drawn);
        out.println(line);
        throwable.addSuppressed(new SeedReport(line));
        return throwable;
    }

    static String message(ExtensionContext context, Map<String, Long> drawn) {
        StringJoiner seeds = new StringJoiner(", ");
        drawn.forEach((name, seed) -> seeds.add(name + "=0x" + Long.toHexString(seed)));
        String test = context.getTestClass().map(Class::getName).orElse("?")
                + context.getTestMethod().map(Method::getName).map(m -> "#" + m).orElse("");
        return "[" + TestSeeds.PROPERTY + "] " + test + " failed with " + TestSeeds.runDescription()
                + " -Dtest='" + test + "'; seeds drawn: " + seeds;
    }

    private static boolean isAborted(Throwable t) {
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("org.opentest4j.TestAbortedException")) {
                return true;
            }
        }
        return false;
    }

    private static boolean alreadyReported(Throwable t) {
        for (Throwable s : t.getSuppressed()) {
            if (s instanceof SeedReport) {
                return true;
            }
        }
        return false;
    }
}
