package dev.plumbline.tensor.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;

import static org.junit.jupiter.api.Assertions.*;

class AtomicFilesTest {
    @Test
    void replacesTheFileAndLeavesNoTemporary(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sub/a.json");
        AtomicFiles.writeString(f, "{\"v\": 1}");
        AtomicFiles.writeString(f, "{\"v\": 2}");
        assertEquals("{\"v\": 2}", Files.readString(f));
        try (var s = Files.list(f.getParent())) {
            assertEquals(1, s.count(), "only the target remains");
        }
        // readable by others like any file the user writes (not the 0600 of createTempFile)
        if (Files.getFileStore(f).supportsFileAttributeView("posix")) {
            assertTrue(Files.getPosixFilePermissions(f).contains(PosixFilePermission.OWNER_READ));
            assertNotEquals(java.util.Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(f), "default permissions, not owner-only");
        }
    }

    @Test
    void aFailedWriteKeepsTheOldFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("x.txt");
        AtomicFiles.writeString(f, "good");
        Path target = dir.resolve("folder-in-the-way");
        Files.createDirectories(target.resolve("child"));   // a non-empty folder cannot be replaced by a file
        assertThrows(java.io.IOException.class, () -> AtomicFiles.writeString(target, "new"));
        assertTrue(Files.isDirectory(target.resolve("child")), "nothing already written is lost");
        assertEquals("good", Files.readString(f));
        try (var s = Files.list(dir)) {
            assertEquals(2, s.count(), "no temporary file left behind");
        }
    }
}
