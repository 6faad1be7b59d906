package dev.cloudless.sync.bench.e2e;

import dev.cloudless.sync.core.crypto.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a folder must contain: every regular file by relative path ('/'-separated) with its size
 * and SHA-256. Names starting with '.' are not part of it: the scenario data never uses them, and
 * that is where the tools keep their markers and temporary files ({@code .stfolder},
 * {@code .syncthing.*.tmp}, rsync's {@code .name.XXXXXX}). Directories count only through the files in them.
 */
final class ExpectedTree {
    private static final int READ_BUFFER_BYTES = 1 << 20;

    /** One file's size and content hash. */
    record Entry(long size, byte[] sha256) {
        boolean sameContent(Entry other) {
            return size == other.size && Arrays.equals(sha256, other.sha256);
        }

        @Override
        public String toString() {
            return size + " bytes, sha256 " + HexFormat.of().formatHex(sha256);
        }
    }

    private final TreeMap<String, Entry> files = new TreeMap<>();

    /** Records (or replaces) one file. */
    void put(String relativePath, Entry entry) {
        files.put(relativePath, entry);
    }

    Map<String, Entry> files() {
        return Collections.unmodifiableMap(files);
    }

    long totalBytes() {
        return files.values().stream().mapToLong(Entry::size).sum();
    }

    /** Reads and hashes every file under {@code root} (slow for big trees: for set-up and tests). */
    static ExpectedTree of(Path root) throws IOException {
        ExpectedTree tree = new ExpectedTree();
        TreeWalk.walk(root, (rel, file, attrs) -> tree.put(rel, hash(file)));
        return tree;
    }

    static Entry hash(Path file) throws IOException {
        MessageDigest sha = Digests.sha256();
        long size = 0;
        byte[] buf = new byte[READ_BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
                size += n;
            }
        }
        return new Entry(size, sha.digest());
    }

    static boolean hidden(String name) {
        return name.startsWith(".");
    }
}
