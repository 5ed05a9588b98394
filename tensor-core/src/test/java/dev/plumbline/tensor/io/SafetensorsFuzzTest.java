// Seeded fuzzing of the reader: thousands of mutated and truncated valid files must each either
// parse or fail with SafetensorsFormatException (never another exception, a hang or an OOM), and
// the byte[], InputStream and Path readers must agree.
package dev.plumbline.tensor.io;

import static dev.plumbline.tensor.io.SafetensorsReaderTest.concat;
import static dev.plumbline.tensor.io.SafetensorsReaderTest.file;
import static dev.plumbline.tensor.io.SafetensorsReaderTest.le;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFuzzTest {
    static final int CASES = 20_000;
    static final int PATH_CASES = 500;

    private static final String[] DTYPES = {"F32", "F16", "BF16", "I32", "I64", "F64", "U8", "BOOL", "", "f32", "F3\u00e92"};
    private static final String[] NUMBERS = {"0", "1", "-1", "7", "2147483647", "2147483648", "4294967296",
        "9223372036854775807", "-9223372036854775808", "18446744073709551616", "1e3", "0.5", "99999999999999999999999"};
    private static final String[] JSONISH = {"{", "}", "[", "]", "\"", ",", ":", "-", "0", "9", ".", "e", " ", "\\", "null"};

    private static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(99);
        float[] f = new float[24];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) r.nextGaussian();
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("note", "fuzz");
        seeds.add(SafetensorsWriter.toBytes(List.of(
                SafetensorsEntry.f32("h.0.attn.c_attn.weight", new int[] {2, 3, 4}, f),
                SafetensorsEntry.i32("ids", new int[] {5}, new int[] {1, 2, 3, -4, 5}),
                SafetensorsEntry.bf16("ln.bias", new int[] {6}, Arrays.copyOf(f, 6)),
                SafetensorsEntry.f32("scalar", new int[] {}, new float[] {3f}),
                SafetensorsEntry.f32("empty", new int[] {0, 4}, new float[0])), meta));
        byte[] data = concat(le(2, 0x3C00, 0x7C00, 0x0001, 0x8000), le(8, 1, -2), le(4, 7));
        seeds.add(file("{\"half\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,8],\"x\":[{}]},"
                + "\"pos\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[8,24]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[24,28]},"
                + "\"__metadata__\":{\"a\":\"b\"}}   ", concat(data, new byte[3])));
        seeds.add(SafetensorsWriter.toBytes(List.of(), Map.of()));
        // zero-size and scalar shapes: where a huge dimension can hide behind a zero product
        seeds.add(SafetensorsWriter.toBytes(List.of(
                SafetensorsEntry.f32("z", new int[] {0, 3}, new float[0]),
                SafetensorsEntry.i32("y", new int[] {2, 0, 5}, new int[0]),
                SafetensorsEntry.bf16("s", new int[] {}, new float[] {1f}),
                SafetensorsEntry.f32("v", new int[] {1, 1}, new float[] {2f})), Map.of()));
        return seeds;
    }

    /** Applies one random mutation; returns a short description for failure reports. */
    private static String mutate(SplittableRandom r, byte[][] holder) {
        byte[] b = holder[0];
        long claimed = b.length < 8 ? -1 : ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        int headerEnd = claimed < 0 || claimed > b.length - 8 ? b.length : (int) (8 + claimed);
        switch (r.nextInt(9)) {
            case 0: {
                int k = 1 + r.nextInt(4);
                for (int i = 0; i < k; i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
                return "flip " + k + " bits";
            }
            case 1: {
                int k = 1 + r.nextInt(8);
                for (int i = 0; i < k; i++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                return "overwrite " + k + " bytes";
            }
            case 2: {
                int len = r.nextInt(b.length);
                holder[0] = Arrays.copyOf(b, len);
                return "truncate to " + len;
            }
            case 3: {
                String s = JSONISH[r.nextInt(JSONISH.length)];
                int at = 8 + r.nextInt(Math.max(1, headerEnd - 8));
                if (at < b.length) {
                    b[at] = (byte) s.charAt(0);
                }
                return "json char '" + s + "' at " + at;
            }
            case 4: return rewriteHeader(r, holder, headerEnd, true);
            case 5: {
                if (b.length < 8) {
                    return "too short for a header length";
                }
                long[] choices = {r.nextLong(), headerEnd - 8 + r.nextInt(-16, 17), 0, b.length,
                    SafetensorsReader.MAX_HEADER_BYTES + 1, r.nextInt(b.length + 1)};
                long v = choices[r.nextInt(choices.length)];
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
                return "header length " + v;
            }
            case 6: {
                int at = r.nextInt(b.length + 1), k = 1 + r.nextInt(16);
                byte[] ins = new byte[k];
                r.nextBytes(ins);
                holder[0] = concat(Arrays.copyOf(b, at), ins, Arrays.copyOfRange(b, at, b.length));
                return "insert " + k + " at " + at;
            }
            case 7: {
                int at = r.nextInt(b.length), k = 1 + r.nextInt(Math.min(16, b.length - at));
                holder[0] = concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at + k, b.length));
                return "delete " + k + " at " + at;
            }
            default: return rewriteHeader(r, holder, headerEnd, false);
        }
    }

    /** Replaces a number (or a dtype string) in the JSON header and fixes up the header length. */
    private static String rewriteHeader(SplittableRandom r, byte[][] holder, int headerEnd, boolean number) {
        byte[] b = holder[0];
        if (headerEnd <= 8) {
            return "no header";
        }
        String json = new String(b, 8, headerEnd - 8, StandardCharsets.UTF_8);
        String replaced;
        if (number) {
            var m = java.util.regex.Pattern.compile("-?\\d+").matcher(json);
            List<int[]> spans = new ArrayList<>();
            while (m.find()) {
                spans.add(new int[] {m.start(), m.end()});
            }
            if (spans.isEmpty()) {
                return "no numbers";
            }
            int[] s = spans.get(r.nextInt(spans.size()));
            String n = r.nextInt(4) != 0 ? NUMBERS[r.nextInt(NUMBERS.length)] : Long.toString(r.nextInt(-64, 200));
            replaced = json.substring(0, s[0]) + n + json.substring(s[1]);
        } else {
            String d = DTYPES[r.nextInt(DTYPES.length)];
            replaced = json.replaceFirst("\"(F32|F16|BF16|I32|I64)\"", "\"" + d + "\"");
        }
        byte[] h = replaced.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + b.length - headerEnd).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(b, headerEnd, b.length - headerEnd);
        holder[0] = out.array();
        return (number ? "number" : "dtype") + " rewrite";
    }

    /** Outcome of one read: the parsed file, or the format error. Anything else fails the test. */
    private static Object outcome(String how, int caseNo, String what, IoCall call) {
        try {
            return call.run();
        } catch (SafetensorsFormatException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            return SafetensorsFormatException.class;
        } catch (Throwable t) {
            fail("case " + caseNo + " (" + what + ") via " + how + ": " + t, t);
            return null;
        }
    }

    @FunctionalInterface
    interface IoCall {
        SafetensorsFile run() throws IOException;
    }

    @Test
    void mutatedFilesParseOrFailCleanly(@TempDir Path dir) {
        List<byte[]> seeds = seeds();
        int[] counts = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int c = 0; c < CASES; c++) {
                SplittableRandom r = new SplittableRandom(0xF022L * 1_000_003 + c); // case c is reproducible alone
                byte[][] holder = {seeds.get(r.nextInt(seeds.size())).clone()};
                StringBuilder what = new StringBuilder();
                int rounds = 1 + (r.nextInt(4) == 0 ? r.nextInt(3) : 0);
                for (int k = 0; k < rounds && holder[0].length > 0; k++) {
                    what.append(mutate(r, holder)).append("; ");
                }
                byte[] bytes = holder[0];
                String desc = what.toString();
                int caseNo = c;
                Object fromBytes = outcome("byte[]", caseNo, desc, () -> SafetensorsReader.read(bytes));
                counts[fromBytes instanceof SafetensorsFile ? 0 : 1]++;
                if (c % 4 == 0) {
                    Object fromStream = outcome("stream", caseNo, desc,
                            () -> SafetensorsReader.read(new ByteArrayInputStream(bytes), "s"));
                    assertEquals(fromBytes, fromStream, "case " + c + " (" + desc + ") byte[] vs stream");
                }
                if (c < PATH_CASES) {
                    Path p = dir.resolve("f.safetensors");
                    Files.write(p, bytes);
                    Object fromPath = outcome("path", caseNo, desc, () -> SafetensorsReader.read(p));
                    assertEquals(fromBytes, fromPath, "case " + c + " (" + desc + ") byte[] vs path");
                }
            }
        });
        System.out.println("safetensors fuzz: " + CASES + " cases, " + counts[0] + " parsed, "
                + counts[1] + " rejected with SafetensorsFormatException");
        // the mutations must exercise both paths, or the fuzzer is not testing much
        assertTrue(counts[0] > CASES / 20, "parsed " + counts[0]);
        assertTrue(counts[1] > CASES / 4, "rejected " + counts[1]);
    }
}
