// Reads safetensors bytes assembled by hand in the test (an independent reference for the
// layout), including F16/BF16 values with known conversions and I64 index buffers.
package dev.plumbline.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plumbline.tensor.DType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsReaderTest {

    /** Header length (u64 LE) + JSON + raw data: the format by hand. */
    static byte[] file(String json, byte[] data) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    static byte[] le(int itemBytes, long... values) {
        ByteBuffer b = ByteBuffer.allocate(itemBytes * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (itemBytes) {
                case 2: b.putShort((short) v); break;
                case 4: b.putInt((int) v); break;
                default: b.putLong(v);
            }
        }
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void readsAHandBuiltFileWithEveryDtype() throws Exception {
        byte[] f32 = le(4, Float.floatToRawIntBits(1.5f), Float.floatToRawIntBits(-2f),
                Float.floatToRawIntBits(Float.NaN), Float.floatToRawIntBits(Float.MIN_VALUE),
                Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Float.NEGATIVE_INFINITY));
        byte[] f16 = le(2, 0x3C00, 0xC000, 0x7C00, 0xFC00, 0x0001, 0x03FF, 0x0400, 0x7BFF, 0x8000, 0x3555);
        byte[] bf16 = le(2, 0x3F80, 0xC000, 0x7F80, 0x0001, 0x4049, 0xFF80);
        byte[] i32 = le(4, 0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE);
        byte[] i64 = le(8, 0, 1, 1023, -5);
        byte[] data = concat(f32, f16, bf16, i32, i64);
        int a = f32.length, b = a + f16.length, c = b + bf16.length, d = c + i32.length, e = d + i64.length;
        String json = "{\"__metadata__\":{\"format\":\"pt\",\"note\":\"h\u00e9llo\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0," + a + "]},"
                + "\"half\":{\"dtype\":\"F16\",\"shape\":[10],\"data_offsets\":[" + a + "," + b + "]},"
                + "\"brain\":{\"dtype\":\"BF16\",\"shape\":[3,1,2],\"data_offsets\":[" + b + "," + c + "]},"
                + "\"ids\":{\"dtype\":\"I32\",\"shape\":[4],\"data_offsets\":[" + c + "," + d + "]},"
                + "\"pos\":{\"dtype\":\"I64\",\"shape\":[1,4],\"data_offsets\":[" + d + "," + e + "]}}";
        SafetensorsFile sf = SafetensorsReader.read(file(json, data));

        assertEquals(List.of("w", "half", "brain", "ids", "pos"),
                sf.entries().stream().map(SafetensorsEntry::name).toList());
        assertEquals(Map.of("format", "pt", "note", "h\u00e9llo"), sf.metadata());

        SafetensorsEntry w = sf.get("w");
        assertEquals(DType.F32, w.dtype());
        assertEquals("F32", w.storedDtype());
        assertArrayEquals(new int[] {2, 3}, w.shape());
        assertArrayEquals(new float[] {1.5f, -2f, Float.NaN, Float.MIN_VALUE, -0f, Float.NEGATIVE_INFINITY}, w.floats());
        assertNull(w.ints());

        SafetensorsEntry half = sf.get("half");
        assertEquals(DType.F32, half.dtype());
        assertEquals("F16", half.storedDtype());
        assertArrayEquals(new float[] {
            1f, -2f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            0x1p-24f,                 // smallest subnormal
            1023 * 0x1p-24f,          // largest subnormal = 6.0975552e-5
            0x1p-14f,                 // smallest normal
            65504f,                   // largest finite
            -0f,
            0.333251953125f,          // 0x3555, nearest half to 1/3
        }, half.floats());
        assertTrue(Float.isNaN(SafetensorsReader.f16ToFloat(0x7E00)));
        assertTrue(Float.isNaN(SafetensorsReader.f16ToFloat(0xFC01)));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(half.floats()[8]));

        SafetensorsEntry brain = sf.get("brain");
        assertEquals(DType.BF16, brain.dtype());
        assertArrayEquals(new float[] {1f, -2f, Float.POSITIVE_INFINITY, 0x1p-133f, 3.140625f, Float.NEGATIVE_INFINITY},
                brain.floats());

        SafetensorsEntry ids = sf.get("ids");
        assertEquals(DType.I32, ids.dtype());
        assertArrayEquals(new int[] {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}, ids.ints());
        assertNull(ids.floats());

        SafetensorsEntry pos = sf.get("pos");
        assertEquals(DType.I32, pos.dtype());
        assertEquals("I64", pos.storedDtype());
        assertArrayEquals(new int[] {0, 1, 1023, -5}, pos.ints());
    }

    @Test
    void scalarsEmptyTensorsGapsPaddingAndUnknownFields() throws Exception {
        byte[] data = concat(le(4, Float.floatToRawIntBits(7f)), new byte[4], le(4, 9));
        String json = "{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],\"extra\":{\"x\":[1,{}]}},"
                + "\"empty\":{\"dtype\":\"F32\",\"shape\":[3,0],\"data_offsets\":[4,4]},"
                + "\"after_gap\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[8,12]}}        ";
        SafetensorsFile sf = SafetensorsReader.read(file(json, concat(data, new byte[5])));
        assertArrayEquals(new float[] {7f}, sf.get("s").floats());
        assertArrayEquals(new int[0], sf.get("s").shape());
        assertEquals(0, sf.get("empty").floats().length);
        assertArrayEquals(new int[] {3, 0}, sf.get("empty").shape());
        assertArrayEquals(new int[] {9}, sf.get("after_gap").ints());
        assertTrue(sf.metadata().isEmpty());
    }

    @Test
    void dataOrderNeedNotMatchHeaderOrder() throws Exception {
        byte[] data = concat(le(4, 2), le(4, 1));
        String json = "{\"first\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"second\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        byte[] bytes = file(json, data);
        for (SafetensorsFile sf : List.of(SafetensorsReader.read(bytes),
                SafetensorsReader.read(new ByteArrayInputStream(bytes), "s"))) {
            assertEquals("first", sf.entries().get(0).name());
            assertArrayEquals(new int[] {1}, sf.get("first").ints());
            assertArrayEquals(new int[] {2}, sf.get("second").ints());
        }
    }

    @Test
    void pathBytesAndStreamAgree(@TempDir Path dir) throws Exception {
        float[] big = new float[700_000]; // several 1 MiB chunks
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0.5f - 3;
        }
        byte[] bytes = SafetensorsWriter.toBytes(List.of(SafetensorsEntry.f32("big", new int[] {700, 1000}, big),
                SafetensorsEntry.i32("i", new int[] {2}, new int[] {4, 5})), Map.of("k", "v"));
        Path p = dir.resolve("x.safetensors");
        Files.write(p, bytes);
        SafetensorsFile a = SafetensorsReader.read(p);
        assertEquals(a, SafetensorsReader.read(bytes));
        // a stream that hands out a few bytes per call, like a network stream
        var slow = new java.io.FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                return super.read(b, off, Math.min(len, 1000));
            }
        };
        assertEquals(a, SafetensorsReader.read(slow, "slow"));
        assertArrayEquals(big, a.get("big").floats());
    }

    @Test
    void i64OutOfIntRangeIsRejectedByName() {
        String json = "{\"pos\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
        var e = assertThrows(SafetensorsFormatException.class,
                () -> SafetensorsReader.read(file(json, le(8, 3, 1L << 40))));
        assertEquals("<bytes>: tensor 'pos': I64 value 1099511627776 at index 1 does not fit in I32", e.getMessage());
    }
}
