// Writer tests: exact byte layout, random round trips (F32, I32, BF16 rounding checked against an
// independent reference) and atomic replacement under injected failures.
package dev.plumbline.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plumbline.tensor.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {

    @Test
    void layoutMatchesThePythonImplementation() {
        byte[] bytes = SafetensorsWriter.toBytes(
                List.of(SafetensorsEntry.f32("a", new int[] {2}, new float[] {1f, -2f}),
                        SafetensorsEntry.i32("b", new int[] {}, new int[] {258})),
                Map.of("format", "pt"));
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[8,12]}}";
        int padded = (json.length() + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(padded, b.getLong(0));
        String header = new String(bytes, 8, padded, StandardCharsets.UTF_8);
        assertEquals(json + " ".repeat(padded - json.length()), header);
        assertEquals(8 + padded + 12, bytes.length);
        assertEquals(1f, b.getFloat(8 + padded));
        assertEquals(-2f, b.getFloat(8 + padded + 4));
        assertEquals(258, b.getInt(8 + padded + 8));
        assertEquals(0, (8 + padded) % 8);
    }

    /** Independent RNE reference: pick the nearer of the two bf16 neighbours, ties to even. */
    static float bf16Reference(float f) {
        if (Float.isNaN(f) || Float.isInfinite(f)) {
            return f;
        }
        int bits = Float.floatToRawIntBits(f);
        int down = bits & 0xFFFF_0000;                  // toward zero
        int up = down + 0x1_0000;                       // away from zero (may become inf)
        double upValue = Float.intBitsToFloat(up);
        if (Double.isInfinite(upValue)) {
            upValue = Math.copySign(0x1p128, f); // overflow: round as if the exponent were unbounded
        }
        double dDown = Math.abs((double) f - Float.intBitsToFloat(down));
        double dUp = Math.abs(upValue - f);
        if (dDown < dUp) {
            return Float.intBitsToFloat(down);
        }
        if (dUp < dDown) {
            return Float.intBitsToFloat(up);
        }
        return Float.intBitsToFloat((down & 0x1_0000) == 0 ? down : up);
    }

    @Test
    void metadataKeysAreWrittenSortedSoTheBytesDoNotDependOnMapOrder() {
        List<SafetensorsEntry> e = List.of(SafetensorsEntry.f32("w", new int[] {1}, new float[] {3f}));
        Map<String, String> ab = new LinkedHashMap<>(), ba = new LinkedHashMap<>();
        ab.put("layers", "1");
        ab.put("heads", "2");
        ba.put("heads", "2");
        ba.put("layers", "1");
        byte[] x = SafetensorsWriter.toBytes(e, ab), y = SafetensorsWriter.toBytes(e, ba);
        assertArrayEquals(x, y);
        String header = new String(x, 8, (int) ByteBuffer.wrap(x, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(),
                StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"heads\":\"2\",\"layers\":\"1\"}"), header);
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals(0x3F80, SafetensorsWriter.floatToBf16(1.00390625f));        // tie -> even (down)
        assertEquals(0x3F82, SafetensorsWriter.floatToBf16(1.01171875f));        // tie -> even (up)
        assertEquals(0x3F81, SafetensorsWriter.floatToBf16(1.0040f));            // above the tie
        assertEquals(0x7F80, SafetensorsWriter.floatToBf16(Float.MAX_VALUE));    // overflows to inf
        assertEquals(0xFF80, SafetensorsWriter.floatToBf16(Float.NEGATIVE_INFINITY));
        assertEquals(0x8000, SafetensorsWriter.floatToBf16(-0f));
        int nan = SafetensorsWriter.floatToBf16(Float.intBitsToFloat(0x7F80_0001)); // payload only in low bits
        assertTrue(Float.isNaN(SafetensorsReader.bf16ToFloat(nan)));
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            float got = SafetensorsReader.bf16ToFloat(SafetensorsWriter.floatToBf16(f));
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(got));
            } else {
                assertEquals(Float.floatToRawIntBits(bf16Reference(f)), Float.floatToRawIntBits(got), "f=" + f);
            }
        }
    }

    @Test
    void randomRoundTrips(@TempDir Path dir) throws IOException {
        SplittableRandom r = new SplittableRandom(2024);
        for (int round = 0; round < 30; round++) {
            List<SafetensorsEntry> entries = new ArrayList<>();
            int count = 1 + r.nextInt(6);
            for (int t = 0; t < count; t++) {
                int rank = r.nextInt(4);
                int[] shape = new int[rank];
                int numel = 1;
                for (int d = 0; d < rank; d++) {
                    shape[d] = r.nextInt(r.nextInt(10) == 0 ? 1 : 9); // sometimes a zero-size dim
                    numel *= shape[d];
                }
                String name = "t" + t + (r.nextBoolean() ? ".weight" : ".\u00fc\"\\/bias");
                switch (r.nextInt(3)) {
                    case 0: {
                        float[] f = new float[numel];
                        for (int i = 0; i < numel; i++) {
                            f[i] = r.nextInt(20) == 0 ? Float.intBitsToFloat(r.nextInt()) : (float) r.nextGaussian();
                        }
                        entries.add(SafetensorsEntry.f32(name, shape, f));
                        break;
                    }
                    case 1: {
                        int[] v = new int[numel];
                        for (int i = 0; i < numel; i++) {
                            v[i] = r.nextInt();
                        }
                        entries.add(SafetensorsEntry.i32(name, shape, v));
                        break;
                    }
                    default: {
                        float[] f = new float[numel];
                        for (int i = 0; i < numel; i++) {
                            f[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-30, 30)));
                        }
                        entries.add(SafetensorsEntry.bf16(name, shape, f));
                    }
                }
            }
            Map<String, String> meta = new LinkedHashMap<>();
            if (r.nextBoolean()) {
                meta.put("format", "pt");
                meta.put("step", Integer.toString(round));
            }
            Path p = dir.resolve("m" + round + ".safetensors");
            SafetensorsWriter.write(p, entries, meta);
            byte[] bytes = Files.readAllBytes(p);
            assertArrayEquals(SafetensorsWriter.toBytes(entries, meta), bytes);
            assertEquals(0, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0) % 8);

            SafetensorsFile back = SafetensorsReader.read(p);
            assertEquals(meta, back.metadata());
            assertEquals(entries.size(), back.entries().size());
            for (int t = 0; t < entries.size(); t++) {
                SafetensorsEntry in = entries.get(t), out = back.entries().get(t);
                assertEquals(in.name(), out.name());
                assertEquals(in.dtype(), out.dtype());
                assertArrayEquals(in.shape(), out.shape());
                if (in.dtype() == DType.I32) {
                    assertArrayEquals(in.ints(), out.ints());
                } else if (in.dtype() == DType.F32) {
                    assertEquals(in, out); // bit-exact, NaN payloads included
                } else {
                    for (int i = 0; i < in.floats().length; i++) {
                        assertEquals(bf16Reference(in.floats()[i]), out.floats()[i]);
                    }
                    // BF16 values survive a second round trip unchanged
                    SafetensorsFile again = SafetensorsReader.read(SafetensorsWriter.toBytes(List.of(out), Map.of()));
                    assertEquals(out, again.entries().get(0));
                }
            }
        }
    }

    @Test
    void duplicateNamesAndReservedNameAreRejected() {
        var a = SafetensorsEntry.f32("a", new int[] {1}, new float[1]);
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.toBytes(List.of(a, a), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> SafetensorsEntry.f32("__metadata__", new int[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> SafetensorsEntry.f32("x", new int[] {2}, new float[3]));
        assertThrows(IllegalArgumentException.class,
                () -> new SafetensorsEntry("x", DType.I32, new int[] {1}, new float[1], null, "I32"));
    }

    private static List<Path> listDir(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void failedWriteLeavesThePreviousFileIntactAndNoTempBehind(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("model.safetensors");
        List<SafetensorsEntry> v1 = List.of(SafetensorsEntry.f32("w", new int[] {3}, new float[] {1, 2, 3}));
        SafetensorsWriter.write(p, v1, Map.of("v", "1"));
        byte[] before = Files.readAllBytes(p);

        float[] big = new float[600_000];
        List<SafetensorsEntry> v2 = List.of(SafetensorsEntry.f32("w", new int[] {600_000}, big),
                SafetensorsEntry.f32("x", new int[] {600_000}, big));
        IOException io = assertThrows(IOException.class, () -> SafetensorsWriter.write(p, v2, Map.of("v", "2"),
                index -> {
                    throw new IOException("disk full (simulated) after tensor " + index);
                }));
        assertEquals("disk full (simulated) after tensor 0", io.getMessage());
        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals(List.of(p), listDir(dir));

        assertThrows(IllegalStateException.class, () -> SafetensorsWriter.write(p, v2, Map.of(), index -> {
            throw new IllegalStateException("crash");
        }));
        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals(List.of(p), listDir(dir));

        // and a successful write replaces it
        SafetensorsWriter.write(p, v2, Map.of("v", "2"));
        assertEquals("2", SafetensorsReader.read(p).metadata().get("v"));
        assertEquals(List.of(p), listDir(dir));
    }

    @Test
    void writingIntoAMissingDirectoryCreatesNothing(@TempDir Path dir) {
        Path p = dir.resolve("nope/model.safetensors");
        assertThrows(NoSuchFileException.class, () -> SafetensorsWriter.write(p,
                List.of(SafetensorsEntry.i32("i", new int[] {1}, new int[] {1})), Map.of()));
        assertTrue(Files.notExists(dir.resolve("nope")));
    }

    @Test
    void permissionsFollowTheUmaskNotTempFileDefaults(@TempDir Path dir) throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Path plain = Files.createFile(dir.resolve("plain"));
        Path p = dir.resolve("m.safetensors");
        SafetensorsWriter.write(p, List.of(), Map.of());
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        assertEquals(expected, Files.getPosixFilePermissions(p));
        assertEquals(0, SafetensorsReader.read(p).entries().size());
    }
}
