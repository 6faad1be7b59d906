package dev.cloudless.sync.bench.e2e;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/** Walks a folder's visible regular files with one lstat each (size, mtime, ctime, inode). */
final class TreeWalk {
    private static final String ATTRIBUTES = "unix:isDirectory,isRegularFile,size,lastModifiedTime,ctime,ino,dev";

    /** The attributes that change whenever a file's content can have changed. */
    record Stamp(long size, FileTime mtime, FileTime ctime, long inode, long device) {}

    interface Visitor {
        void file(String relativePath, Path file, Stamp stamp) throws IOException;
    }

    private TreeWalk() {}

    /**
     * Visits every regular file under {@code root} whose path has no hidden component. An entry
     * that vanishes during the walk (a tool renaming its temporary file) is skipped.
     */
    static void walk(Path root, Visitor visitor) throws IOException {
        walk(root, "", visitor);
    }

    private static void walk(Path dir, String prefix, Visitor visitor) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (ExpectedTree.hidden(name)) {
                    continue;
                }
                Map<String, Object> a;
                try {
                    a = Files.readAttributes(entry, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                String rel = prefix + name;
                if ((Boolean) a.get("isDirectory")) {
                    try {
                        walk(entry, rel + "/", visitor);
                    } catch (NoSuchFileException gone) {
                        // removed while we looked: it has no files now
                    }
                } else if ((Boolean) a.get("isRegularFile")) {
                    visitor.file(rel, entry, stamp(a));
                }
            }
        }
    }

    static Stamp stamp(Path file) throws IOException {
        return stamp(Files.readAttributes(file, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS));
    }

    private static Stamp stamp(Map<String, Object> a) {
        return new Stamp((Long) a.get("size"), (FileTime) a.get("lastModifiedTime"), (FileTime) a.get("ctime"),
                (Long) a.get("ino"), (Long) a.get("dev"));
    }
}
