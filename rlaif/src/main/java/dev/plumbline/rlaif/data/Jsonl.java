// JSON Lines reading (errors name file and line) and writing (atomic, or append with resume).
package dev.plumbline.rlaif.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * JSON Lines files: one JSON object per line, UTF-8. Blank lines are skipped.
 *
 * <pre>{@code
 * List<PairRecord> pairs = Jsonl.read(Path.of("pairs.jsonl"), PairRecord.class);
 * Jsonl.writeAtomic(Path.of("prompts.jsonl"), prompts);            // all or nothing
 * try (var out = Jsonl.appender(Path.of("preferences.jsonl"), PreferenceRecord.class,
 *         PreferenceRecord::pairId, Jsonl.Mode.RESUME)) {
 *     for (PairRecord p : pairs) if (!out.contains(p.id())) out.append(label(p));
 * }
 * }</pre>
 */
public final class Jsonl {

    /** The mapper every pipeline file uses: unknown fields are errors, so typos do not pass silently. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private Jsonl() {
    }

    /** How {@link #appender} treats an existing file. */
    public enum Mode {
        /** Keep existing records and append after them; a torn last line (crash mid-write) is cut off. */
        RESUME,
        /** Fail if the file exists and is not empty: never overwrite labels by accident. */
        NEW,
        /** Start the file afresh. */
        OVERWRITE
    }

    /**
     * Reads every record of {@code file}.
     *
     * @throws JsonlFormatException naming the file and 1-based line of the first bad line
     */
    public static <T> List<T> read(Path file, Class<T> type) throws IOException {
        List<T> out = new ArrayList<>();
        for (Line<T> l : readLines(file, type)) {
            out.add(l.value());
        }
        return out;
    }

    /** A record and the 1-based line it came from (for errors about its content). */
    public record Line<T>(long number, T value) {}

    /**
     * Every record of {@code file} with its line number (blank lines skipped).
     *
     * @throws JsonlFormatException naming the file and 1-based line of the first bad line
     */
    public static <T> List<Line<T>> readLines(Path file, Class<T> type) throws IOException {
        List<Line<T>> out = new ArrayList<>();
        // Lines are split on '\n' as bytes and decoded one by one, strictly: a reader that decodes
        // ahead would report bad UTF-8 without the line it is on (or replace it silently).
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream lineBytes = new ByteArrayOutputStream();
            long n = 0;
            int c;
            boolean more = true;
            while (more) {
                c = in.read();
                if (c >= 0 && c != '\n') {
                    lineBytes.write(c);
                    continue;
                }
                more = c >= 0;
                if (!more && lineBytes.size() == 0) break;
                n++;
                byte[] b = lineBytes.toByteArray();
                lineBytes.reset();
                int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length; // CRLF files
                String line = decode(file, n, b, len, utf8);
                if (line.isBlank()) continue;
                out.add(new Line<>(n, parseLine(file, n, line, type)));
            }
        }
        return out;
    }

    private static String decode(Path file, long lineNo, byte[] b, int len, CharsetDecoder utf8) throws JsonlFormatException {
        return decode(file, lineNo, b, 0, len, utf8);
    }

    private static String decode(Path file, long lineNo, byte[] b, int off, int len, CharsetDecoder utf8) throws JsonlFormatException {
        ByteBuffer in = ByteBuffer.wrap(b, off, len);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(len); // UTF-8 never decodes to more chars than bytes
        utf8.reset();
        CoderResult r = utf8.decode(in, out, true);
        if (!r.isError()) r = utf8.flush(out);
        if (r.isError()) {
            // in.position() is where the bad sequence starts
            throw new JsonlFormatException(file, lineNo, "not valid UTF-8 at byte " + (in.position() - off) + " of the line", null);
        }
        return out.flip().toString();
    }

    /** Parses one line, turning every kind of failure into a {@link JsonlFormatException}. */
    static <T> T parseLine(Path file, long lineNo, String line, Class<T> type) throws JsonlFormatException {
        try {
            T value = MAPPER.readValue(line, type);
            if (value == null) throw new JsonlFormatException(file, lineNo, "expected a JSON object, got null", null);
            return value;
        } catch (ValueInstantiationException e) {
            // Our records validate in their constructors; show that message, not Jackson's wrapper.
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw new JsonlFormatException(file, lineNo, "invalid " + type.getSimpleName() + ": " + c.getMessage()
                    + " (fields present: " + fieldNames(line) + ")", e);
        } catch (JsonProcessingException e) {
            throw new JsonlFormatException(file, lineNo, "malformed " + type.getSimpleName() + " JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static String fieldNames(String line) {
        try {
            List<String> names = new ArrayList<>();
            MAPPER.readTree(line).fieldNames().forEachRemaining(names::add);
            return String.join(", ", names);
        } catch (JsonProcessingException e) {
            return "?";
        }
    }

    /** One record as a single JSON line (no newline). */
    public static String toLine(Object record) {
        try {
            return MAPPER.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + record.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes all records to {@code file} atomically: a temporary file in the same folder is
     * written and fsynced, then renamed over {@code file}. Readers see the old file or the new
     * one, never a part.
     */
    public static void writeAtomic(Path file, List<?> records) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                StringBuilder sb = new StringBuilder();
                for (Object r : records) sb.append(toLine(r)).append('\n');
                writeFully(ch, sb.toString());
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            fsyncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Opens {@code file} for appending records of {@code type}, one fsynced line each.
     *
     * @param idOf how to get a record's id; ids already in the file are reported by
     *             {@link Appender#contains} so a resumed run skips them
     * @throws FileAlreadyExistsException in {@link Mode#NEW} when the file has content
     * @throws JsonlFormatException       when an existing line (other than a torn last one) is bad
     */
    public static <T> Appender<T> appender(Path file, Class<T> type, Function<T, String> idOf, Mode mode) throws IOException {
        Set<String> ids = new HashSet<>();
        boolean exists = Files.exists(file) && Files.size(file) > 0;
        if (exists && mode == Mode.NEW) {
            throw new FileAlreadyExistsException(file.toString(), null,
                    "already has records; resume it or choose another output");
        }
        if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
        if (exists && mode == Mode.RESUME) {
            long keep = scanForResume(file, type, idOf, ids);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                if (ch.size() > keep) {
                    ch.truncate(keep);
                    ch.force(true);
                }
            }
        }
        FileChannel ch = mode == Mode.OVERWRITE
                ? FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)
                : FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new Appender<>(ch, idOf, ids);
    }

    /** Reads ids of the existing records; returns the byte length of the complete lines to keep. */
    private static <T> long scanForResume(Path file, Class<T> type, Function<T, String> idOf, Set<String> ids) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        int start = 0;
        long lineNo = 0;
        while (start < bytes.length) {
            lineNo++;
            int nl = start;
            while (nl < bytes.length && bytes[nl] != '\n') nl++;
            boolean last = nl >= bytes.length;
            if (last) {
                // No newline: the writer died mid-line. A complete record is kept, a torn one cut.
                try {
                    String line = decode(file, lineNo, bytes, start, nl - start, utf8);
                    if (!line.isBlank()) ids.add(idOf.apply(parseLine(file, lineNo, line, type)));
                    return bytes.length;
                } catch (JsonlFormatException torn) {
                    return start;
                }
            }
            String line = decode(file, lineNo, bytes, start, nl - start, utf8);
            if (!line.isBlank()) ids.add(idOf.apply(parseLine(file, lineNo, line, type)));
            start = nl + 1;
        }
        return bytes.length;
    }

    private static void writeFully(FileChannel ch, String s) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) ch.write(buf);
    }

    private static void fsyncDirectory(Path dir) {
        // Makes the rename durable on Linux; some platforms cannot open a directory, which is fine.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort
        }
    }

    /**
     * Appends records to a JSONL file, each line written whole and fsynced before
     * {@link #append} returns, so a crash loses at most the record being written.
     */
    public static final class Appender<T> implements AutoCloseable {
        private final FileChannel channel;
        private final Function<T, String> idOf;
        private final Set<String> ids;

        private Appender(FileChannel channel, Function<T, String> idOf, Set<String> ids) {
            this.channel = channel;
            this.idOf = idOf;
            this.ids = ids;
        }

        /** Whether a record with this id is already in the file. */
        public boolean contains(String id) {
            return ids.contains(id);
        }

        /** How many distinct ids the file holds. */
        public int size() {
            return ids.size();
        }

        /** Appends one record and fsyncs it. */
        public void append(T record) throws IOException {
            writeFully(channel, toLine(record) + "\n");
            channel.force(false);
            ids.add(idOf.apply(record));
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
