// Writes safetensors files atomically (temp file, fsync, rename) in the layout the Python
// implementation produces, so checkpoints load in both directions.
package dev.plumbline.tensor.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes safetensors: 8-byte little-endian header length, a UTF-8 JSON header padded with spaces
 * to a multiple of 8 bytes (as the Python implementation does), then each tensor's little-endian
 * row-major data in the order given, with no gaps. {@code __metadata__} comes first, its keys
 * sorted (so the same weights and metadata always give the same bytes), and is omitted when empty. Entries are stored as their {@code dtype}: F32, I32, or BF16 rounded to
 * nearest-even from the entry's floats; {@code storedDtype} is ignored.
 *
 * <pre>{@code
 * SafetensorsWriter.write(Path.of("ckpt/model.safetensors"),
 *         List.of(SafetensorsEntry.f32("wte.weight", new int[] {vocab, dim}, wte)),
 *         Map.of("format", "pt"));
 * }</pre>
 *
 * <p>{@link #write} is atomic: data goes to a temporary file in the same directory, which is
 * fsynced and then renamed over the target with {@code ATOMIC_MOVE}. A crash or an exception
 * leaves either the old file or the new one, never a torn file; on failure the temporary file is
 * deleted.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    private static final int CHUNK_BYTES = 1 << 20;
    private static final JsonFactory JSON = new JsonFactory();

    /** Called after each tensor's data is written; tests use it to inject failures mid-write. */
    @FunctionalInterface
    interface Hook {
        void afterTensor(int index) throws IOException;
    }

    /**
     * Atomically writes {@code entries} (in order) and {@code metadata} to {@code path},
     * replacing any existing file.
     *
     * @throws IllegalArgumentException if two entries share a name
     * @throws IOException              if writing fails; the previous file, if any, is untouched
     */
    public static void write(Path path, List<SafetensorsEntry> entries, Map<String, String> metadata)
            throws IOException {
        write(path, entries, metadata, index -> { });
    }

    /** {@link #write(Path, List, Map)} with a hook after each tensor (failure injection in tests). */
    static void write(Path path, List<SafetensorsEntry> entries, Map<String, String> metadata, Hook hook)
            throws IOException {
        Path target = path.toAbsolutePath();
        Path dir = target.getParent();
        byte[] header = header(entries, metadata); // validates before anything touches the disk
        Path tmp = createTemp(dir, target.getFileName().toString());
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                writeFully(ch, ByteBuffer.wrap(header));
                writeBody(ch, entries, hook);
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure matters more than a leftover temp file
                }
            }
        }
        syncDirectory(dir);
    }

    /**
     * The bytes of a safetensors file, for in-memory use and tests. The same layout as
     * {@link #write}; the total must fit in one array.
     */
    public static byte[] toBytes(List<SafetensorsEntry> entries, Map<String, String> metadata) {
        byte[] header = header(entries, metadata);
        long total = header.length;
        for (SafetensorsEntry e : entries) {
            total += e.numel() * e.dtype().byteSize();
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("safetensors of " + total + " bytes does not fit in a byte[]");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) total);
        try {
            WritableByteChannel ch = Channels.newChannel(out);
            writeFully(ch, ByteBuffer.wrap(header));
            writeBody(ch, entries, index -> { });
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /**
     * Rounds a float to bfloat16 bits (in the low 16 bits), round-to-nearest-even; infinities stay
     * infinite, values beyond the largest bfloat16 round to infinity, NaN stays a (quiet) NaN with
     * its sign. {@code floatToBf16(1.00390625f) == 0x3F80} (a tie, rounded to even).
     */
    public static int floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) {
            return ((bits >>> 16) | 0x0040) & 0xFFFF; // NaN: truncating could make it inf, so set the quiet bit
        }
        return ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16) & 0xFFFF;
    }

    /** The 8-byte length plus the padded JSON header. */
    private static byte[] header(List<SafetensorsEntry> entries, Map<String, String> metadata) {
        Objects.requireNonNull(entries, "entries");
        Objects.requireNonNull(metadata, "metadata");
        Set<String> names = new HashSet<>();
        for (SafetensorsEntry e : entries) {
            Objects.requireNonNull(e, "entry");
            if (!names.add(e.name())) {
                throw new IllegalArgumentException("duplicate tensor name '" + e.name() + "'");
            }
        }
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        json.write(new byte[8], 0, 8); // room for the length
        try (JsonGenerator g = JSON.createGenerator(json, JsonEncoding.UTF8)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeFieldName("__metadata__");
                g.writeStartObject();
                // sorted by key: a Map.of's iteration order changes from one JVM run to the next, and
                // the same weights must give the same file bytes
                java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
                for (Map.Entry<String, String> m : metadata.entrySet()) {
                    sorted.put(Objects.requireNonNull(m.getKey(), "metadata key"),
                            Objects.requireNonNull(m.getValue(), "metadata value"));
                }
                for (Map.Entry<String, String> m : sorted.entrySet()) {
                    g.writeStringField(m.getKey(), m.getValue());
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (SafetensorsEntry e : entries) {
                g.writeFieldName(e.name());
                g.writeStartObject();
                g.writeStringField("dtype", e.dtype().name()); // F32, BF16, I32: the safetensors spellings
                g.writeFieldName("shape");
                g.writeStartArray();
                for (int d : e.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                g.writeFieldName("data_offsets");
                g.writeStartArray();
                g.writeNumber(offset);
                offset += e.numel() * e.dtype().byteSize();
                g.writeNumber(offset);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory generation does not fail
        }
        while (json.size() % 8 != 0) {
            json.write(' ');
        }
        byte[] out = json.toByteArray();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, out.length - 8L);
        return out;
    }

    private static void writeBody(WritableByteChannel ch, List<SafetensorsEntry> entries, Hook hook)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < entries.size(); i++) {
            SafetensorsEntry e = entries.get(i);
            int item = e.dtype().byteSize();
            int n = (int) e.numel();
            int per = CHUNK_BYTES / item;
            for (int done = 0; done < n; ) {
                int k = Math.min(per, n - done);
                buf.clear();
                switch (e.dtype()) {
                    case F32:
                        buf.asFloatBuffer().put(e.floats(), done, k);
                        break;
                    case BF16:
                        float[] f = e.floats();
                        for (int j = 0; j < k; j++) {
                            buf.putShort(2 * j, (short) floatToBf16(f[done + j]));
                        }
                        break;
                    case I32:
                        buf.asIntBuffer().put(e.ints(), done, k);
                        break;
                    default:
                        throw new AssertionError(e.dtype());
                }
                buf.limit(k * item); // the views above wrote through without moving position
                writeFully(ch, buf);
                done += k;
            }
            hook.afterTensor(i);
        }
    }

    private static void writeFully(WritableByteChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /**
     * A new empty file beside the target. Not Files.createTempFile: that creates mode 0600, which
     * the rename would carry over to the checkpoint; this honours the umask like a plain write.
     */
    private static Path createTemp(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    /** Makes the rename itself durable; not every platform can open a directory, so best effort. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // the file's own fsync already happened; the rename becomes durable with the next sync
        }
    }
}
