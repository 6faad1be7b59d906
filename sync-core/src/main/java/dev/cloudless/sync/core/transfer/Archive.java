package dev.cloudless.sync.core.transfer;

import dev.cloudless.sync.core.path.FolderPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The folder's archive of replaced and deleted versions, under {@code .sync/Archive/}.
 *
 * <p>Layout: an entry {@code <dir>/<base><ext>} archived at UTC time T goes to
 * <pre>
 * .sync/Archive/&lt;dir&gt;/&lt;base&gt;~&lt;yyyyMMdd-HHmmss&gt;[-&lt;n&gt;]&lt;ext&gt;
 * docs/report.pdf  at 2024-03-05T14:07:09Z -&gt; .sync/Archive/docs/report~20240305-140709.pdf
 * archive.tar.gz                           -&gt; .sync/Archive/archive.tar~20240305-140709.gz
 * .bashrc                                  -&gt; .sync/Archive/.bashrc~20240305-140709
 * </pre>
 * The extension is split off as in {@link dev.cloudless.sync.core.version.ConflictNames} (the last
 * dot, unless it starts or ends the name). {@code -<n>} (n = 1, 2, ...) is added only when the
 * same name was already archived in the same second. A base too long for the 255-byte name limit
 * is shortened by whole code points. Retention goes by the time stamp in the name (the mtime
 * if a name does not parse), never by the archived file's own mtime, which is its content's.
 *
 * <p>Entries are moved, not copied: same file system, one rename, no extra space.
 */
public final class Archive {
    /** Archive directory, relative to the folder root. */
    public static final String DIR = FolderPath.RESERVED_DIR + "/Archive";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final Pattern NAME = Pattern.compile("(.*)~(\\d{8}-\\d{6})(?:-(\\d{1,9}))?(\\.[^.]+)?");
    /** Suffix "~yyyyMMdd-HHmmss-nnn" budget when shortening long names, in bytes. */
    private static final int SUFFIX_BUDGET = 1 + 15 + 1 + 9;
    /** Tries to find a free "-n" name before giving up (far beyond one second's archivals). */
    private static final int MAX_SAME_SECOND = 10_000;

    private final Path root;
    private final Clock clock;

    /** The archive of the folder at {@code root}, time-stamped with {@code clock}. */
    public Archive(Path root, Clock clock) {
        this.root = Objects.requireNonNull(root, "root");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** One archived version of a path. */
    public record ArchivedVersion(FolderPath original, Instant archivedAt, Path file, long size) {}

    /**
     * Moves the current file, symlink or empty directory at {@code path} into the archive.
     *
     * @return where it went, or {@code null} if nothing is at {@code path}
     * @throws DirectoryNotEmptyException if {@code path} is a directory with content
     * @throws dev.cloudless.sync.core.path.InvalidFolderPathException if {@code path} goes
     *     through a symlinked parent
     */
    public Path archive(FolderPath path) throws IOException {
        Path source = path.resolveIn(root);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(source, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (attrs.isDirectory()) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(source)) {
                if (s.iterator().hasNext()) {
                    throw new DirectoryNotEmptyException(source.toString());
                }
            }
        }
        Path dir = archiveDir(path);
        Files.createDirectories(dir);
        String[] parts = split(path.name());
        String stamp = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).format(STAMP);
        for (int n = 0; n < MAX_SAME_SECOND; n++) {
            Path target = dir.resolve(parts[0] + "~" + stamp + (n == 0 ? "" : "-" + n) + parts[1]);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                // No REPLACE_EXISTING: a name taken between the check and the move is retried.
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
                return target;
            } catch (FileAlreadyExistsException e) {
                // next n
            }
        }
        throw new IOException("no free archive name for " + path + " at " + stamp);
    }

    /** Every archived version of {@code path}, oldest first. */
    public List<ArchivedVersion> versions(FolderPath path) throws IOException {
        Path dir = archiveDir(path);
        List<ArchivedVersion> out = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        String[] parts = split(path.name());
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches() || !Objects.equals(m.group(4) == null ? "" : m.group(4), parts[1])) {
                    continue;
                }
                if (!m.group(1).equals(parts[0])) {
                    continue;
                }
                Instant at = parseStamp(m.group(2));
                if (at == null) {
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                out.add(new ArchivedVersion(path, at, p, a.isDirectory() ? 0 : a.size()));
            }
        }
        out.sort(Comparator.comparing(ArchivedVersion::archivedAt).thenComparingInt(v -> sameSecondNumber(v.file())));
        return out;
    }

    /**
     * Deletes archived versions archived more than {@code retention} ago, then archive
     * directories left empty.
     *
     * @return the number of archived versions deleted
     */
    public int purge(Duration retention) throws IOException {
        Path base = archiveRoot();
        if (!Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        Instant cutoff = clock.instant().minus(retention);
        return purgeDir(base, cutoff, true);
    }

    private int purgeDir(Path dir, Instant cutoff, boolean isBase) throws IOException {
        int deleted = 0;
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(children::add);
        }
        for (Path p : children) {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Matcher m = NAME.matcher(p.getFileName().toString());
            Instant at = m.matches() ? parseStamp(m.group(2)) : null;
            if (a.isDirectory() && at == null) {
                deleted += purgeDir(p, cutoff, false); // a directory of the original tree
                continue;
            }
            Instant when = at != null ? at : a.lastModifiedTime().toInstant();
            if (when.isBefore(cutoff)) {
                if (a.isDirectory()) {
                    deleteTree(p); // an archived (once empty) directory
                } else {
                    Files.deleteIfExists(p);
                }
                deleted++;
            }
        }
        if (!isBase) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                if (!s.iterator().hasNext()) {
                    Files.deleteIfExists(dir);
                }
            }
        }
        return deleted;
    }

    private static void deleteTree(Path dir) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(children::add);
        }
        for (Path c : children) {
            if (Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
                deleteTree(c);
            } else {
                Files.deleteIfExists(c);
            }
        }
        Files.deleteIfExists(dir);
    }

    /**
     * Copies {@code v} back to its original path; whatever is there now is archived first. The
     * index is not touched: the scanner sees the restored file as a local change.
     */
    public void restore(ArchivedVersion v) throws IOException {
        Path target = v.original().resolveIn(root);
        Path tmpDir = root.toRealPath().resolve(Puller.TMP_DIR);
        Files.createDirectories(tmpDir);
        Path tmp = Files.createTempFile(tmpDir, "restore-", ".part");
        Files.delete(tmp); // Files.copy wants the target absent (a symlink is copied as a link)
        Files.copy(v.file(), tmp, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        archive(v.original());
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path archiveRoot() throws IOException {
        return root.toRealPath().resolve(DIR);
    }

    private Path archiveDir(FolderPath path) throws IOException {
        Path dir = archiveRoot();
        List<String> segments = path.segments();
        for (int i = 0; i < segments.size() - 1; i++) {
            dir = dir.resolve(segments.get(i));
        }
        return dir;
    }

    /** {base, ext}: ext is "" or ".xyz", split like conflict names; base shortened to fit the suffix. */
    static String[] split(String name) {
        int dot = name.lastIndexOf('.');
        String base = dot > 0 && dot < name.length() - 1 ? name.substring(0, dot) : name;
        String ext = name.substring(base.length());
        if (utf8(ext) > FolderPath.MAX_SEGMENT_BYTES / 2) {
            base = name;
            ext = "";
        }
        while (utf8(base) + SUFFIX_BUDGET + utf8(ext) > FolderPath.MAX_SEGMENT_BYTES) {
            base = base.substring(0, base.offsetByCodePoints(base.length(), -1));
        }
        return new String[] {base, ext};
    }

    /** The {@code -<n>} of an archived name, 0 without one. */
    private static int sameSecondNumber(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() && m.group(3) != null ? Integer.parseInt(m.group(3)) : 0;
    }

    private static Instant parseStamp(String stamp) {
        try {
            return LocalDateTime.parse(stamp, STAMP).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
