package dev.cloudless.sync.core.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.core.index.IndexStore;
import dev.cloudless.sync.core.path.FolderPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderMarkerTest {
    private static final byte[] ID = {1, 2, 3, (byte) 0xfe};

    @TempDir
    Path tmp;

    private Path marker(Path root) {
        return root.resolve(FolderPath.RESERVED_DIR).resolve(FolderMarker.FILE_NAME);
    }

    @Test
    void createThenCheck() throws IOException {
        Path root = Files.createDirectory(tmp.resolve("root"));
        assertFalse(FolderMarker.check(root, ID));
        FolderMarker.create(root, ID);
        assertTrue(FolderMarker.check(root, ID));
        assertFalse(FolderMarker.check(root, new byte[] {1, 2, 3}));
        assertFalse(FolderMarker.check(root, new byte[] {1, 2, 3, (byte) 0xfe, 0}));
        assertTrue(Files.readString(marker(root), StandardCharsets.US_ASCII).endsWith("\n010203fe\n"));
        // Replacing with another id.
        FolderMarker.create(root, new byte[] {9});
        assertTrue(FolderMarker.check(root, new byte[] {9}));
        assertFalse(FolderMarker.check(root, ID));
        try (var s = Files.list(root.resolve(FolderPath.RESERVED_DIR))) {
            assertArrayEquals(new Object[] {marker(root)}, s.toArray(), "no temporary file left");
        }
    }

    @Test
    void missingRootOrMarkerIsFalse() throws IOException {
        Path root = tmp.resolve("root");
        assertFalse(FolderMarker.check(root, ID));
        assertThrows(IOException.class, () -> FolderMarker.create(root, ID), "the root is never created");
        assertFalse(Files.exists(root));
        Files.createDirectory(root);
        FolderMarker.create(root, ID);
        Files.delete(marker(root));
        assertFalse(FolderMarker.check(root, ID));
        Files.writeString(tmp.resolve("file"), "x");
        assertFalse(FolderMarker.check(tmp.resolve("file"), ID));
    }

    @Test
    void linkedOrOversizedMarkerIsFalse() throws IOException {
        Path root = Files.createDirectory(tmp.resolve("root"));
        Path other = Files.createDirectory(tmp.resolve("other"));
        FolderMarker.create(other, ID);
        Files.createDirectory(root.resolve(FolderPath.RESERVED_DIR));
        Files.createSymbolicLink(marker(root), marker(other));
        assertFalse(FolderMarker.check(root, ID), "a marker must be a file of this folder, not a link");
        Files.delete(marker(root));
        Files.write(marker(root), new byte[FolderMarker.MAX_MARKER_BYTES + 10]);
        assertFalse(FolderMarker.check(root, ID));
    }

    @Test
    void rootMayBeALinkToTheFolder() throws IOException {
        Path real = Files.createDirectory(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        FolderMarker.create(link, ID);
        assertTrue(FolderMarker.check(real, ID));
        assertTrue(FolderMarker.check(link, ID));
    }

    @Test
    void folderIdLengthIsValidated() throws IOException {
        Path root = Files.createDirectory(tmp.resolve("root"));
        assertThrows(IllegalArgumentException.class, () -> FolderMarker.create(root, new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> FolderMarker.create(root, new byte[IndexStore.MAX_FOLDER_ID_BYTES + 1]));
        FolderMarker.create(root, new byte[IndexStore.MAX_FOLDER_ID_BYTES]);
        assertTrue(FolderMarker.check(root, new byte[IndexStore.MAX_FOLDER_ID_BYTES]));
    }
}
