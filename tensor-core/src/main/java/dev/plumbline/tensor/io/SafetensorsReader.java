// Reads safetensors files defensively: every size the header claims is checked against the real
// input before anything is allocated, so hostile files fail with a clear message instead of OOM.
package dev.plumbline.tensor.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.plumbline.tensor.DType;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the safetensors format: an 8-byte little-endian header length {@code N}, {@code N} bytes
 * of UTF-8 JSON, then little-endian row-major tensor data addressed by {@code data_offsets}
 * relative to the first byte after the header.
 *
 * <pre>{@code
 * SafetensorsFile f = SafetensorsReader.read(Path.of("model.safetensors"));
 * for (SafetensorsEntry e : f.entries()) {
 *     System.out.println(e.name() + " " + Arrays.toString(e.shape()));
 * }
 * }</pre>
 *
 * <h2>Dtypes</h2>
 * F32 → F32; F16 → F32 (exact, including subnormals, ±inf and NaN); BF16 → BF16 held as exact
 * floats; I32 → I32; I64 → I32 when every value fits in an int (HF checkpoints store index
 * buffers as I64), otherwise an error naming the tensor. Any other dtype (F64, U8, BOOL, F8_*,
 * ...) is a {@link SafetensorsFormatException} naming the tensor and the dtype.
 *
 * <h2>Validation</h2>
 * Everything is checked before data is allocated: header length against the file and a 100 MB
 * cap; the header must be a strict UTF-8 JSON object with no duplicate names, whose entries have
 * a string {@code dtype}, an integer {@code shape} and a two-integer {@code data_offsets}
 * (unknown fields are ignored, as in the reference implementation); dimensions are
 * non-negative, the element count does not overflow and fits a Java array, each byte range
 * lies inside the data area, has exactly {@code numel * itemsize} bytes, and no two ranges
 * overlap. Gaps between tensors and trailing bytes are tolerated. Data is read in 1 MiB chunks,
 * never as one whole-file array. Every failure is a {@link SafetensorsFormatException} whose
 * message starts with the source name.
 */
public final class SafetensorsReader {
    private SafetensorsReader() {}

    /** Largest header accepted, as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100L * 1000 * 1000;

    private static final int CHUNK_BYTES = 1 << 20; // a multiple of every item size

    private static final JsonFactory JSON = JsonFactory.builder()
            // hostile names must not fill a symbol table or the string intern pool
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    /** Stored dtypes Plumbline reads, with their item size and the dtype they load as. */
    private enum Stored {
        F32(4, DType.F32), F16(2, DType.F32), BF16(2, DType.BF16), I32(4, DType.I32), I64(8, DType.I32);

        final int bytes;
        final DType target;

        Stored(int bytes, DType target) {
            this.bytes = bytes;
            this.target = target;
        }
    }

    /** Dtypes the format defines but Plumbline does not load. */
    private static final Set<String> UNSUPPORTED = Set.of("F64", "I8", "U8", "I16", "U16", "U32", "U64",
            "BOOL", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64");

    // ---- public entry points ----

    /**
     * Reads a safetensors file.
     *
     * @throws SafetensorsFormatException if the file is malformed, truncated or uses an unsupported dtype
     * @throws IOException                if the file cannot be read at all
     */
    public static SafetensorsFile read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            return parse(new Source(path.toString(), size) {
                @Override
                void readFully(long pos, ByteBuffer dst) throws IOException {
                    while (dst.hasRemaining()) {
                        int r = ch.read(dst, pos);
                        if (r < 0) {
                            throw new EOFException();
                        }
                        pos += r;
                    }
                }
            });
        }
    }

    /** Reads safetensors bytes held in memory; errors name the source {@code "<bytes>"}. */
    public static SafetensorsFile read(byte[] bytes) throws SafetensorsFormatException {
        return read(bytes, "<bytes>");
    }

    /** Reads safetensors bytes held in memory; errors name {@code sourceName}. */
    public static SafetensorsFile read(byte[] bytes, String sourceName) throws SafetensorsFormatException {
        Objects.requireNonNull(bytes, "bytes");
        try {
            return parse(new Source(sourceName, bytes.length) {
                @Override
                void readFully(long pos, ByteBuffer dst) throws EOFException {
                    int rem = dst.remaining();
                    if (pos < 0 || pos > bytes.length - (long) rem) {
                        throw new EOFException();
                    }
                    dst.put(bytes, (int) pos, rem);
                }
            });
        } catch (SafetensorsFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new AssertionError("in-memory read failed", e); // no I/O happens
        }
    }

    /**
     * Reads safetensors from a stream (a class-path resource, a download), front to back without
     * buffering the whole input. The stream's length is unknown, so arrays grow as data actually
     * arrives rather than being allocated at the size the header claims. Does not close {@code in}.
     */
    public static SafetensorsFile read(InputStream in, String sourceName) throws IOException {
        Objects.requireNonNull(in, "in");
        return parse(new Source(sourceName, -1) {
            long cur;

            @Override
            void readFully(long pos, ByteBuffer dst) throws IOException {
                if (pos < cur) {
                    throw new IllegalStateException("stream reads must move forward"); // tensors are read sorted
                }
                in.skipNBytes(pos - cur);
                cur = pos;
                int rem = dst.remaining();
                int got = in.readNBytes(dst.array(), dst.arrayOffset() + dst.position(), rem);
                cur += got;
                if (got < rem) {
                    throw new EOFException();
                }
                dst.position(dst.position() + rem);
            }

            @Override
            byte[] readBytes(long pos, int len) throws IOException {
                in.skipNBytes(pos - cur);
                byte[] b = in.readNBytes(len); // grows in 8 KiB steps, never trusting len up front
                cur = pos + b.length;
                if (b.length < len) {
                    throw new EOFException();
                }
                return b;
            }
        });
    }

    // ---- half-precision conversions ----

    /**
     * IEEE binary16 bits (low 16 bits of {@code bits}) to float, exactly: ±0, subnormals
     * ({@code mantissa * 2^-24}), normals, ±inf, and NaN with its payload kept.
     * {@code f16ToFloat(0x3C00) == 1f}, {@code f16ToFloat(0x0001) == 0x1p-24f}.
     */
    public static float f16ToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0) {
            float v = mant * 0x1.0p-24f; // exact: at most 10 significant bits
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** bfloat16 bits (low 16 bits of {@code bits}) to float: they are the float's upper half. */
    public static float bf16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    // ---- parsing ----

    /** Positional access to the input; {@code size} is -1 for a stream of unknown length. */
    private abstract static class Source {
        final String name;
        final long size;

        Source(String name, long size) {
            this.name = name;
            this.size = size;
        }

        /** Fills {@code dst}'s remaining bytes from {@code pos}; EOFException if the input ends. */
        abstract void readFully(long pos, ByteBuffer dst) throws IOException;

        /** Reads {@code len} bytes at {@code pos}; only called with len already checked against size. */
        byte[] readBytes(long pos, int len) throws IOException {
            byte[] b = new byte[len];
            readFully(pos, ByteBuffer.wrap(b));
            return b;
        }

        SafetensorsFormatException fail(String problem) {
            return new SafetensorsFormatException(name + ": " + problem);
        }

        SafetensorsFormatException fail(String tensor, String problem) {
            return new SafetensorsFormatException(name + ": tensor '" + tensor + "': " + problem);
        }
    }

    /** One header entry, as parsed and then resolved. */
    private static final class Info {
        final String name;
        String dtype;
        long[] shape;
        long[] offsets;
        Stored stored;
        int numel;

        Info(String name) {
            this.name = name;
        }
    }

    private static SafetensorsFile parse(Source src) throws IOException {
        if (src.size >= 0 && src.size < 8) {
            throw src.fail("file is " + src.size + " bytes, too short for the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        try {
            src.readFully(0, lenBuf);
        } catch (EOFException e) {
            throw src.fail("input ends before the 8-byte header length");
        }
        long headerLen = lenBuf.getLong(0);
        if (headerLen < 0 || headerLen > MAX_HEADER_BYTES) {
            throw src.fail("header length " + Long.toUnsignedString(headerLen) + " exceeds the "
                    + MAX_HEADER_BYTES + "-byte cap");
        }
        if (src.size >= 0 && headerLen > src.size - 8) {
            throw src.fail("header length " + headerLen + " is larger than the file (" + src.size + " bytes)");
        }
        byte[] header;
        try {
            header = src.readBytes(8, (int) headerLen);
        } catch (EOFException e) {
            throw src.fail("input ends inside the " + headerLen + "-byte header (truncated)");
        }
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(header)).toString();
        } catch (CharacterCodingException e) {
            throw src.fail("header is not valid UTF-8");
        }
        header = null; // let the raw header go before tensors are allocated
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Info> infos = parseHeader(json, src, metadata);
        json = null;

        long dataStart = 8 + headerLen;
        long dataSize = src.size >= 0 ? src.size - dataStart : -1;
        for (Info t : infos) {
            resolve(t, src, dataSize);
        }
        Info[] sorted = infos.toArray(new Info[0]);
        Arrays.sort(sorted, (a, b) -> a.offsets[0] != b.offsets[0]
                ? Long.compare(a.offsets[0], b.offsets[0]) : Long.compare(a.offsets[1], b.offsets[1]));
        Info prev = null;
        for (Info t : sorted) {
            if (t.offsets[0] == t.offsets[1]) {
                continue; // empty ranges hold nothing and overlap nothing
            }
            if (prev != null && t.offsets[0] < prev.offsets[1]) {
                throw src.fail("tensors '" + prev.name + "' " + range(prev) + " and '" + t.name + "' "
                        + range(t) + " overlap");
            }
            prev = t;
        }

        int maxBytes = 8;
        for (Info t : infos) {
            maxBytes = (int) Math.max(maxBytes, Math.min(CHUNK_BYTES, (long) t.numel * t.stored.bytes));
        }
        ByteBuffer buf = ByteBuffer.allocate(maxBytes).order(ByteOrder.LITTLE_ENDIAN);
        Map<Info, SafetensorsEntry> loaded = new IdentityHashMap<>();
        for (Info t : sorted) { // ascending offsets: a stream is read front to back
            loaded.put(t, load(t, src, dataStart, buf));
        }
        List<SafetensorsEntry> entries = new ArrayList<>(infos.size());
        for (Info t : infos) {
            entries.add(loaded.get(t));
        }
        return new SafetensorsFile(entries, metadata);
    }

    private static String range(Info t) {
        return "[" + t.offsets[0] + ", " + t.offsets[1] + "]";
    }

    /** Parses the JSON header into entries (in document order) and fills {@code metadata}. */
    private static List<Info> parseHeader(String json, Source src, Map<String, String> metadata)
            throws SafetensorsFormatException {
        List<Info> infos = new ArrayList<>();
        Set<String> names = new HashSet<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw src.fail("header is not a JSON object");
            }
            boolean sawMetadata = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                if (key.equals("__metadata__")) {
                    if (sawMetadata) {
                        throw src.fail("duplicate __metadata__");
                    }
                    sawMetadata = true;
                    if (v != JsonToken.START_OBJECT) {
                        throw src.fail("__metadata__ is not a JSON object");
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String k = p.currentName();
                        if (p.nextToken() != JsonToken.VALUE_STRING) {
                            throw src.fail("__metadata__ value for '" + k + "' is not a string");
                        }
                        if (metadata.put(k, p.getText()) != null) {
                            throw src.fail("duplicate __metadata__ key '" + k + "'");
                        }
                    }
                    continue;
                }
                if (!names.add(key)) {
                    throw src.fail("duplicate tensor name '" + key + "'");
                }
                if (v != JsonToken.START_OBJECT) {
                    throw src.fail(key, "header entry is not a JSON object");
                }
                infos.add(parseEntry(p, key, src));
            }
            // Jackson guarantees the object closed properly; anything after it is garbage
            if (p.nextToken() != null) {
                throw src.fail("unexpected content after the header object");
            }
        } catch (SafetensorsFormatException e) {
            throw e;
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
            throw new SafetensorsFormatException(src.name + ": header is not valid JSON"
                    + (at >= 0 ? " at char " + at : "") + ": " + e.getOriginalMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SafetensorsFormatException(src.name + ": header is not valid JSON: " + e, e);
        }
        return infos;
    }

    private static Info parseEntry(JsonParser p, String name, Source src) throws IOException {
        Info t = new Info(name);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "dtype":
                    if (t.dtype != null) {
                        throw src.fail(name, "duplicate field dtype");
                    }
                    if (v != JsonToken.VALUE_STRING) {
                        throw src.fail(name, "dtype is not a string");
                    }
                    t.dtype = p.getText();
                    break;
                case "shape":
                    if (t.shape != null) {
                        throw src.fail(name, "duplicate field shape");
                    }
                    t.shape = readInts(p, v, src, name, "shape");
                    break;
                case "data_offsets":
                    if (t.offsets != null) {
                        throw src.fail(name, "duplicate field data_offsets");
                    }
                    t.offsets = readInts(p, v, src, name, "data_offsets");
                    break;
                default:
                    p.skipChildren(); // unknown fields are ignored, as the reference implementation does
            }
        }
        if (t.dtype == null || t.shape == null || t.offsets == null) {
            throw src.fail(name, "missing field " + (t.dtype == null ? "dtype" : t.shape == null ? "shape" : "data_offsets"));
        }
        return t;
    }

    private static long[] readInts(JsonParser p, JsonToken start, Source src, String name, String field)
            throws IOException {
        if (start != JsonToken.START_ARRAY) {
            throw src.fail(name, field + " is not an array of integers");
        }
        LongArrayList values = new LongArrayList();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw src.fail(name, field + " is not an array of integers");
            }
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw src.fail(name, field + " value " + p.getText() + " is out of range");
            }
            values.add(p.getLongValue());
        }
        return values.toLongArray();
    }

    /** Checks one entry's dtype, shape and byte range; sets {@code stored} and {@code numel}. */
    private static void resolve(Info t, Source src, long dataSize) throws SafetensorsFormatException {
        try {
            t.stored = Stored.valueOf(t.dtype);
        } catch (IllegalArgumentException e) {
            throw src.fail(t.name, UNSUPPORTED.contains(t.dtype)
                    ? "unsupported dtype " + t.dtype + " (Plumbline reads F32, F16, BF16, I32, I64)"
                    : "unknown dtype '" + t.dtype + "'");
        }
        String shape = Arrays.toString(t.shape);
        boolean empty = false;
        for (long d : t.shape) {
            if (d < 0) {
                throw src.fail(t.name, "negative dimension " + d + " in shape " + shape);
            }
            if (d > Integer.MAX_VALUE) {
                throw src.fail(t.name, "dimension " + d + " in shape " + shape + " does not fit in an int");
            }
            empty |= d == 0;
        }
        long numel = 1;
        if (empty) {
            numel = 0;
        } else {
            try {
                for (long d : t.shape) {
                    numel = Math.multiplyExact(numel, d);
                }
            } catch (ArithmeticException e) {
                throw src.fail(t.name, "element count of shape " + shape + " overflows 64 bits");
            }
        }
        if (t.offsets.length != 2) {
            throw src.fail(t.name, "data_offsets must hold 2 integers, not " + t.offsets.length);
        }
        long begin = t.offsets[0], end = t.offsets[1];
        if (begin < 0 || end < 0) {
            throw src.fail(t.name, "negative data_offsets " + range(t));
        }
        if (end < begin) {
            throw src.fail(t.name, "data_offsets " + range(t) + " end before they begin");
        }
        long need;
        try {
            need = Math.multiplyExact(numel, (long) t.stored.bytes);
        } catch (ArithmeticException e) {
            need = -1;
        }
        if (need != end - begin) {
            throw src.fail(t.name, "data_offsets " + range(t) + " hold " + (end - begin) + " bytes but shape "
                    + shape + " of " + t.dtype + " needs " + (need < 0 ? "more than 2^63" : Long.toString(need)));
        }
        if (numel > Integer.MAX_VALUE) {
            throw src.fail(t.name, "shape " + shape + " has " + numel
                    + " elements, more than a Java array can hold");
        }
        if (dataSize >= 0 && end > dataSize) {
            throw src.fail(t.name, "data_offsets " + range(t) + " lie outside the data area ("
                    + dataSize + " bytes)");
        }
        t.numel = (int) numel;
    }

    /** Reads and converts one tensor's data, chunk by chunk. */
    private static SafetensorsEntry load(Info t, Source src, long dataStart, ByteBuffer buf) throws IOException {
        int n = t.numel;
        int item = t.stored.bytes;
        boolean isFloat = t.stored.target != DType.I32;
        // with a known input size every range was checked; a stream grows arrays as data arrives
        int cap = src.size >= 0 ? n : Math.min(n, CHUNK_BYTES / item);
        float[] f = isFloat ? new float[cap] : null;
        int[] ints = isFloat ? null : new int[cap];
        int perChunk = buf.capacity() / item;
        long pos = dataStart + t.offsets[0];
        int done = 0;
        while (done < n) {
            int k = Math.min(perChunk, n - done);
            buf.clear().limit(k * item);
            try {
                src.readFully(pos, buf);
            } catch (EOFException e) {
                throw src.fail(t.name, "input ends before the end of its data at byte "
                        + (dataStart + t.offsets[1]) + " (truncated)");
            }
            buf.flip();
            if (done + k > cap) {
                cap = (int) Math.min(n, Math.max(done + k, 2L * cap));
                if (isFloat) {
                    f = Arrays.copyOf(f, cap);
                } else {
                    ints = Arrays.copyOf(ints, cap);
                }
            }
            switch (t.stored) {
                case F32:
                    buf.asFloatBuffer().get(f, done, k);
                    break;
                case F16:
                    for (int j = 0; j < k; j++) {
                        f[done + j] = f16ToFloat(buf.getShort(2 * j));
                    }
                    break;
                case BF16:
                    for (int j = 0; j < k; j++) {
                        f[done + j] = bf16ToFloat(buf.getShort(2 * j));
                    }
                    break;
                case I32:
                    buf.asIntBuffer().get(ints, done, k);
                    break;
                case I64:
                    for (int j = 0; j < k; j++) {
                        long v = buf.getLong(8 * j);
                        if (v != (int) v) {
                            throw src.fail(t.name, "I64 value " + v + " at index " + (done + j)
                                    + " does not fit in I32");
                        }
                        ints[done + j] = (int) v;
                    }
                    break;
                default:
                    throw new AssertionError(t.stored);
            }
            done += k;
            pos += (long) k * item;
        }
        int[] shape = new int[t.shape.length];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = (int) t.shape[i];
        }
        return new SafetensorsEntry(t.name, t.stored.target, shape, f, ints, t.dtype);
    }
}
