package dev.cloudless.sync.core.scan;

import dev.cloudless.sync.core.index.IndexStore;
import dev.cloudless.sync.core.path.FolderPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The file {@code .sync/folder-marker} that proves a directory is the synced folder and not an
 * empty mount point left by an unmounted drive. The scanner refuses to delete anything while
 * the marker is missing ({@link FolderMissingException}).
 *
 * <p>The file is two lines of ASCII: {@value #HEADER}, then the folder id in lowercase hex.
 *
 * <pre>{@code
 * FolderMarker.create(root, folderId);            // when the folder is added
 * if (!FolderMarker.check(root, folderId)) { pause the folder }
 * }</pre>
 */
public final class FolderMarker {
    /** The marker's name inside {@value FolderPath#RESERVED_DIR}. */
    public static final String FILE_NAME = "folder-marker";
    /** First line of the marker, telling a curious user what the file is. */
    static final String HEADER = "cloudless-sync folder marker v1; deleting it pauses the folder";
    /** Largest marker read, in bytes: the header, a newline and 64 bytes of id in hex, with room. */
    static final int MAX_MARKER_BYTES = 1024;

    private FolderMarker() {}

    /**
     * Writes the marker of {@code folderId} into {@code root} (which must exist), creating
     * {@value FolderPath#RESERVED_DIR} if needed. Replaces an existing marker atomically.
     *
     * @throws IOException if {@code root} is not a directory or the marker cannot be written
     */
    public static void create(Path root, byte[] folderId) throws IOException {
        byte[] content = content(folderId);
        if (!Files.isDirectory(root)) {
            throw new IOException("folder root " + root + " is not a directory");
        }
        Path dir = root.resolve(FolderPath.RESERVED_DIR);
        Files.createDirectories(dir);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory");
        }
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
            ch.write(java.nio.ByteBuffer.wrap(content));
            ch.force(true);
        }
        try {
            Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Whether {@code root} is a directory holding the marker of exactly {@code folderId}. Never
     * throws for I/O problems: anything unreadable counts as missing.
     */
    public static boolean check(Path root, byte[] folderId) {
        byte[] expected = content(folderId);
        try {
            if (!Files.isDirectory(root)) {
                return false;
            }
            Path dir = root.resolve(FolderPath.RESERVED_DIR);
            Path marker = dir.resolve(FILE_NAME);
            if (!Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory()
                    || !Files.readAttributes(marker, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile()) {
                return false;
            }
            byte[] actual;
            try (InputStream in = Channels.newInputStream(
                    FileChannel.open(marker, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
                actual = in.readNBytes(MAX_MARKER_BYTES + 1);
            }
            return java.util.Arrays.equals(actual, expected);
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] content(byte[] folderId) {
        Objects.requireNonNull(folderId, "folderId");
        if (folderId.length == 0 || folderId.length > IndexStore.MAX_FOLDER_ID_BYTES) {
            throw new IllegalArgumentException("folder id must be 1.." + IndexStore.MAX_FOLDER_ID_BYTES
                    + " bytes, was " + folderId.length);
        }
        return (HEADER + "\n" + HexFormat.of().formatHex(folderId) + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
