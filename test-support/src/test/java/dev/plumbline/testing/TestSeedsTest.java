package dev.plumbline.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestSeedsTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @AfterEach
    void clear() {
        TestSeeds.clearDrawn();
    }

    @Test
    void derivationIsAFixedFunctionOfRunSeedAndName() {
        // Pinned (values from an independent Python port): changing the derivation would silently change every test's default inputs.
        assertEquals(0x0f79c98b6672f2e7L, TestSeeds.derive(0, "OpenClPrimitivesTest.attention"));
        assertEquals(0x390ba8db67a92057L, TestSeeds.derive(42, "OpenClPrimitivesTest.attention"));
        assertNotEquals(TestSeeds.derive(0, "A.b"), TestSeeds.derive(0, "A.c"));
        assertNotEquals(TestSeeds.derive(0, "A.b"), TestSeeds.derive(1, "A.b"));
        assertEquals(TestSeeds.derive(TestSeeds.runSeed(), "X.y"), TestSeeds.seed("X.y"));
        assertEquals(TestSeeds.random("X.y").nextLong(), TestSeeds.random("X.y").nextLong());
    }

    @Test
    void parsesTheProperty() {
        assertEquals(new TestSeeds.RunSeed(0, TestSeeds.Mode.DEFAULT), TestSeeds.RunSeed.parse(null));
        assertEquals(new TestSeeds.RunSeed(0, TestSeeds.Mode.DEFAULT), TestSeeds.RunSeed.parse(" "));
        assertEquals(new TestSeeds.RunSeed(42, TestSeeds.Mode.GIVEN), TestSeeds.RunSeed.parse("42"));
        assertEquals(new TestSeeds.RunSeed(-7, TestSeeds.Mode.GIVEN), TestSeeds.RunSeed.parse("-7"));
        assertEquals(new TestSeeds.RunSeed(42, TestSeeds.Mode.GIVEN), TestSeeds.RunSeed.parse("0x2A"));
        assertEquals(new TestSeeds.RunSeed(-1, TestSeeds.Mode.GIVEN), TestSeeds.RunSeed.parse("0xffffffffffffffff"));
        TestSeeds.RunSeed r = TestSeeds.RunSeed.parse("Random");
        assertEquals(TestSeeds.Mode.RANDOM, r.mode());
        assertTrue(r.value() >= 0);
        assertThrows(IllegalArgumentException.class, () -> TestSeeds.RunSeed.parse("12ab"));
    }

    @Test
    void recordsWhatTheThreadDrewUntilCleared() {
        long a = TestSeeds.seed("T.a");
        TestSeeds.splittable("T.b");
        assertEquals(java.util.List.of("T.a", "T.b"), java.util.List.copyOf(TestSeeds.drawnOnThisThread().keySet()));
        assertEquals(a, TestSeeds.drawnOnThisThread().get("T.a"));
        TestSeeds.clearDrawn();
        assertTrue(TestSeeds.drawnOnThisThread().isEmpty());
    }

    @Test
    void reporterAddsTheReplayLineToAFailureOnce() throws Exception {
        ExtensionContext ctx = context(TestSeedsTest.class.getDeclaredMethod("reporterAddsTheReplayLineToAFailureOnce"));
        long s = TestSeeds.seed("TestSeedsTest.report");
        AssertionError failure = new AssertionError("boom");
        Throwable thrown = SeedReporter.report(ctx, failure, QUIET);
        assertSame(failure, thrown);
        SeedReporter.report(ctx, failure, QUIET);                  // a second handler call adds nothing
        assertEquals(1, failure.getSuppressed().length);
        String line = failure.getSuppressed()[0].getMessage();
        assertTrue(line.contains("-D" + TestSeeds.PROPERTY + "=" + TestSeeds.runSeed()), line);
        assertTrue(line.contains("TestSeedsTest.report=0x" + Long.toHexString(s)), line);
        assertTrue(line.contains("dev.plumbline.testing.TestSeedsTest#reporterAddsTheReplayLineToAFailureOnce"), line);
    }

    @Test
    void reporterLeavesAbortedAndUnseededTestsAlone() throws Exception {
        ExtensionContext ctx = context(TestSeedsTest.class.getDeclaredMethod("reporterLeavesAbortedAndUnseededTestsAlone"));
        AssertionError unseeded = new AssertionError("no seeds drawn");
        assertSame(unseeded, SeedReporter.report(ctx, unseeded, QUIET));
        assertEquals(0, unseeded.getSuppressed().length);
        TestSeeds.seed("TestSeedsTest.aborted");
        TestAbortedException aborted = new TestAbortedException("skip");
        SeedReporter.report(ctx, aborted, QUIET);
        assertEquals(0, aborted.getSuppressed().length);
    }

    /** An ExtensionContext that knows only its test class and method. */
    private static ExtensionContext context(Method m) {
        return (ExtensionContext) Proxy.newProxyInstance(ExtensionContext.class.getClassLoader(),
                new Class<?>[] {ExtensionContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getTestClass" -> Optional.of(m.getDeclaringClass());
                    case "getTestMethod" -> Optional.of(m);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
