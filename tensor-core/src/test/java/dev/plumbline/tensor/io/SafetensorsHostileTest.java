// Every class of corrupt or hostile input is rejected with a SafetensorsFormatException whose
// message names the source and the problem, without allocating what the header claims.
package dev.plumbline.tensor.io;

import static dev.plumbline.tensor.io.SafetensorsReaderTest.file;
import static dev.plumbline.tensor.io.SafetensorsReaderTest.le;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

class SafetensorsHostileTest {

    private static String t(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    /** Asserts that reading {@code bytes} fails with exactly {@code "<bytes>: " + message}. */
    private static void rejects(byte[] bytes, String message) {
        var e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.read(bytes));
        assertEquals("<bytes>: " + message, e.getMessage());
    }

    private static void rejectsContaining(byte[] bytes, String fragment) {
        var e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.read(bytes));
        assertTrue(e.getMessage().startsWith("<bytes>: ") && e.getMessage().contains(fragment), e.getMessage());
    }

    private static byte[] headerLength(long n, int totalBytes) {
        return ByteBuffer.allocate(totalBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n).array();
    }

    @Test
    void shortFilesAndBadHeaderLengths() {
        rejects(new byte[5], "file is 5 bytes, too short for the 8-byte header length");
        rejects(headerLength(1000, 64), "header length 1000 is larger than the file (64 bytes)");
        rejects(headerLength(200_000_000L, 64), "header length 200000000 exceeds the 100000000-byte cap");
        rejects(headerLength(-1L, 64), "header length 18446744073709551615 exceeds the 100000000-byte cap");
        rejects(headerLength(0, 8), "header is not a JSON object");
    }

    @Test
    void headerThatIsNotAJsonObject() {
        rejects(file("[1,2]", new byte[0]), "header is not a JSON object");
        rejects(file("\"x\"      ", new byte[0]), "header is not a JSON object");
        rejectsContaining(file("{\"a\":", new byte[0]), "header is not valid JSON");
        rejects(file("{} {}", new byte[0]), "unexpected content after the header object");
        rejectsContaining(file("{}x", new byte[0]), "header is not valid JSON at char 3: Unrecognized token");
        rejectsContaining(file("{\"a\":NaN}", new byte[0]), "header is not valid JSON");
        rejects(new byte[] {2, 0, 0, 0, 0, 0, 0, 0, '{', (byte) 0xC3}, "header is not valid UTF-8");
        rejectsContaining(file("{\"x\":{\"junk\":" + "[".repeat(5000) + "]".repeat(5000) + "}}", new byte[0]),
                "header is not valid JSON");
    }

    @Test
    void badFields() {
        rejects(file("{\"a\":[]}", new byte[0]), "tensor 'a': header entry is not a JSON object");
        rejects(file("{\"a\":{\"dtype\":4,\"shape\":[],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'a': dtype is not a string");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'a': shape is not an array of integers");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'a': shape is not an array of integers");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,\"4\"]}}", new byte[4]),
                "tensor 'a': data_offsets is not an array of integers");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]), "tensor 'a': missing field data_offsets");
        rejects(file("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "tensor 'a': missing field dtype");
        rejects(file("{" + t("a", "F32", "[1]", "[0]") + "}", new byte[4]),
                "tensor 'a': data_offsets must hold 2 integers, not 1");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor 'a': duplicate field dtype");
        rejects(file("{" + t("a", "F32", "[99999999999999999999]", "[0,4]") + "}", new byte[4]),
                "tensor 'a': shape value 99999999999999999999 is out of range");
        rejects(file("{\"__metadata__\":{\"k\":1}}", new byte[0]), "__metadata__ value for 'k' is not a string");
        rejects(file("{\"__metadata__\":[]}", new byte[0]), "__metadata__ is not a JSON object");
        rejects(file("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", new byte[0]), "duplicate __metadata__ key 'k'");
        rejects(file("{\"__metadata__\":{},\"__metadata__\":{}}", new byte[0]), "duplicate __metadata__");
    }

    @Test
    void duplicateNames() {
        rejects(file("{" + t("a", "F32", "[1]", "[0,4]") + "," + t("a", "F32", "[1]", "[4,8]") + "}", new byte[8]),
                "duplicate tensor name 'a'");
    }

    @Test
    void dtypes() {
        rejects(file("{" + t("a", "F33", "[1]", "[0,4]") + "}", new byte[4]), "tensor 'a': unknown dtype 'F33'");
        rejects(file("{" + t("d", "F64", "[1]", "[0,8]") + "}", new byte[8]),
                "tensor 'd': unsupported dtype F64 (Plumbline reads F32, F16, BF16, I32, I64)");
        rejects(file("{" + t("m", "BOOL", "[1]", "[0,1]") + "}", new byte[1]),
                "tensor 'm': unsupported dtype BOOL (Plumbline reads F32, F16, BF16, I32, I64)");
        rejects(file("{" + t("u", "U8", "[1]", "[0,1]") + "}", new byte[1]),
                "tensor 'u': unsupported dtype U8 (Plumbline reads F32, F16, BF16, I32, I64)");
    }

    @Test
    void shapes() {
        rejects(file("{" + t("a", "F32", "[2,-1]", "[0,4]") + "}", new byte[4]),
                "tensor 'a': negative dimension -1 in shape [2, -1]");
        rejects(file("{" + t("a", "F32", "[2147483648]", "[0,4]") + "}", new byte[4]),
                "tensor 'a': dimension 2147483648 in shape [2147483648] does not fit in an int");
        rejects(file("{" + t("a", "F32", "[2147483647,2147483647,2147483647]", "[0,4]") + "}", new byte[4]),
                "tensor 'a': element count of shape [2147483647, 2147483647, 2147483647] overflows 64 bits");
        rejects(file("{" + t("a", "F32", "[65536,65536]", "[0,17179869184]") + "}", new byte[4]),
                "tensor 'a': shape [65536, 65536] has 4294967296 elements, more than a Java array can hold");
    }

    @Test
    void offsets() {
        rejects(file("{" + t("a", "F32", "[1]", "[8,4]") + "}", new byte[8]),
                "tensor 'a': data_offsets [8, 4] end before they begin");
        rejects(file("{" + t("a", "F32", "[1]", "[-4,0]") + "}", new byte[8]), "tensor 'a': negative data_offsets [-4, 0]");
        rejects(file("{" + t("a", "F32", "[4]", "[0,8]") + "}", new byte[16]),
                "tensor 'a': data_offsets [0, 8] hold 8 bytes but shape [4] of F32 needs 16");
        rejects(file("{" + t("a", "F32", "[1073741824,1073741824]", "[0,8]") + "}", new byte[16]),
                "tensor 'a': data_offsets [0, 8] hold 8 bytes but shape [1073741824, 1073741824] of F32 needs 4611686018427387904");
        rejects(file("{" + t("a", "I64", "[1073741824,1073741824,2]", "[0,8]") + "}", new byte[16]),
                "tensor 'a': data_offsets [0, 8] hold 8 bytes but shape [1073741824, 1073741824, 2] of I64 needs more than 2^63");
        rejects(file("{" + t("a", "F32", "[4]", "[4,20]") + "}", new byte[16]),
                "tensor 'a': data_offsets [4, 20] lie outside the data area (16 bytes)");
        rejects(file("{" + t("a", "F32", "[2]", "[0,8]") + "," + t("b", "F32", "[2]", "[4,12]") + "}", new byte[12]),
                "tensors 'a' [0, 8] and 'b' [4, 12] overlap");
        rejects(file("{" + t("b", "F32", "[1]", "[4,8]") + "," + t("a", "F32", "[4]", "[0,16]") + "}", new byte[16]),
                "tensors 'a' [0, 16] and 'b' [4, 8] overlap");
    }

    @Test
    void hugeClaimsAllocateNothing() throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        // claims 2^31-1 floats (8 GiB) with matching offsets, but the file holds 16 bytes
        byte[] big = file("{" + t("a", "F32", "[2147483647]", "[0,8589934588]") + "}", new byte[16]);
        // claims a 90 MB header in a 64-byte input
        byte[] bigHeader = headerLength(90_000_000L, 64);
        long before = mx.getThreadAllocatedBytes(tid);
        rejects(big, "tensor 'a': data_offsets [0, 8589934588] lie outside the data area (16 bytes)");
        rejects(bigHeader, "header length 90000000 is larger than the file (64 bytes)");
        // a stream cannot know its length: it must fail on the missing data, not allocate 8 GiB first
        var e = assertThrows(SafetensorsFormatException.class,
                () -> SafetensorsReader.read(new ByteArrayInputStream(big), "net"));
        long headerLen = ByteBuffer.wrap(big).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals("net: tensor 'a': input ends before the end of its data at byte " + (8 + headerLen + 8589934588L)
                + " (truncated)", e.getMessage());
        var h = assertThrows(SafetensorsFormatException.class,
                () -> SafetensorsReader.read(new ByteArrayInputStream(bigHeader), "net"));
        assertEquals("net: input ends inside the 90000000-byte header (truncated)", h.getMessage());
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 32L << 20, "allocated " + allocated + " bytes");
    }

    @Test
    void messagesNameTheFile(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("broken.safetensors");
        Files.write(p, file("{" + t("a", "F32", "[4]", "[0,16]") + "}", new byte[15]));
        var e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsReader.read(p));
        assertEquals(p + ": tensor 'a': data_offsets [0, 16] lie outside the data area (15 bytes)", e.getMessage());

        // a valid file truncated anywhere is rejected
        byte[] good = SafetensorsWriter.toBytes(List.of(SafetensorsEntry.f32("w", new int[] {3}, new float[3])), Map.of());
        for (int len = 0; len < good.length; len++) {
            Files.write(p, java.util.Arrays.copyOf(good, len));
            Executable read = () -> SafetensorsReader.read(p);
            var ex = assertThrows(SafetensorsFormatException.class, read, "length " + len);
            assertTrue(ex.getMessage().startsWith(p.toString()), ex.getMessage());
        }
    }
}
