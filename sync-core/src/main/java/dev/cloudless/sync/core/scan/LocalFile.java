package dev.cloudless.sync.core.scan;

import dev.cloudless.sync.core.index.ScanEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Set;

/**
 * One {@code lstat} of a local entry: what the scanner compares with the index and the scan
 * cache.
 *
 * @param permissions mode bits {@code & 0777}, or {@link #UNKNOWN_PERMISSIONS} where the file
 *     system has no POSIX permissions
 */
record LocalFile(Kind kind, long size, Instant mtime, String fileKey, int permissions) {
    static final int UNKNOWN_PERMISSIONS = -1;

    enum Kind { FILE, DIRECTORY, SYMLINK, OTHER }

    /** Reads the attributes of {@code p} itself, never of a link's target. */
    static LocalFile stat(Path p, boolean posix) throws IOException {
        BasicFileAttributes a;
        int mode = UNKNOWN_PERMISSIONS;
        if (posix) {
            PosixFileAttributes pa = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            mode = mode(pa.permissions());
            a = pa;
        } else {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        Kind kind = a.isSymbolicLink() ? Kind.SYMLINK
                : a.isDirectory() ? Kind.DIRECTORY
                : a.isRegularFile() ? Kind.FILE
                : Kind.OTHER;
        Object key = a.fileKey();
        return new LocalFile(kind, a.size(), a.lastModifiedTime().toInstant(), key == null ? "" : key.toString(), mode);
    }

    /** The POSIX mode bits of {@code perms}: owner read is 0400, others execute 0001. */
    static int mode(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            // The enum runs OWNER_READ .. OTHERS_EXECUTE, i.e. from bit 8 down to bit 0.
            mode |= 1 << (8 - p.ordinal());
        }
        return mode;
    }

    ScanEntry scanEntry() {
        return new ScanEntry(size, mtime, fileKey);
    }

    /** Whether content read between {@code this} stat and {@code after} may be torn. */
    boolean changedBy(LocalFile after) {
        return after.kind != kind || after.size != size || !after.mtime.equals(mtime) || !after.fileKey.equals(fileKey);
    }
}
