package dev.cloudless.sync.core.path;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Unicode normalization of local names: the policy and its helpers.
 *
 * <p>One name can be spelled two ways: {@code é} as U+00E9 (NFC, what Windows and Linux
 * programs usually write) or as {@code e} + U+0301 (NFD, what macOS's HFS+ stored and what
 * many macOS programs still produce). The policy:
 * <ol>
 *   <li>The index and the wire hold NFC only. {@link FolderPath#parse} refuses a non-NFC path
 *       from a peer; {@link FolderPath#ofLocal} normalizes a scanned local name.</li>
 *   <li>A file keeps its on-disk spelling. When the engine updates, renames or deletes the
 *       local file of an NFC index entry, it uses {@link #findExisting} to find the entry as
 *       spelled on disk instead of creating an NFC twin beside an NFD original (on Linux both
 *       can exist; on macOS the file system treats them as one file anyway).</li>
 *   <li>New files from peers are created in NFC.</li>
 *   <li>Two entries of one local directory whose names differ only in normalization
 *       ({@link #collisions}) map to one index entry: the scanner indexes the one already in
 *       NFC (or, if none is, the first in code point order) and reports the others as not
 *       synced.</li>
 * </ol>
 */
public final class UnicodeNames {
    private UnicodeNames() {}

    /** {@code name} in Normalization Form C. */
    public static String nfc(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFC);
    }

    /** Whether {@code a} and {@code b} are canonically equivalent: the same name, perhaps spelled differently. */
    public static boolean equivalent(String a, String b) {
        return a.equals(b) || nfc(a).equals(nfc(b));
    }

    /**
     * The entry of {@code dir} whose name is canonically equivalent to {@code name}, as spelled
     * on disk. The exact spelling is tried first (one {@code lstat}); only if it is absent is
     * the directory listed. Links are not followed. If several entries match, the one whose
     * name is in NFC wins, otherwise the first in code point order.
     *
     * @param name one name, not a path
     * @return the existing entry, or empty if there is none (or {@code dir} does not exist)
     * @throws IllegalArgumentException if {@code name} is empty or contains {@code /}
     */
    public static Optional<Path> findExisting(Path dir, String name) throws IOException {
        if (name.isEmpty() || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException("not a single name: " + InvalidFolderPathException.quote(name));
        }
        Path exact = dir.resolve(name);
        if (Files.exists(exact, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(exact);
        }
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        String wanted = nfc(name);
        String best = null;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String onDisk = entry.getFileName().toString();
                if (nfc(onDisk).equals(wanted) && (best == null || preferred(onDisk, best))) {
                    best = onDisk;
                }
            }
        }
        return best == null ? Optional.empty() : Optional.of(dir.resolve(best));
    }

    /**
     * The names in {@code names} (one directory's entries) that collide after NFC
     * normalization, keyed by their NFC form; each list is in preference order (NFC spelling
     * first, then code point order). Names without a twin are not in the map.
     */
    public static Map<String, List<String>> collisions(Collection<String> names) {
        Map<String, List<String>> byNfc = new TreeMap<>();
        for (String name : names) {
            byNfc.computeIfAbsent(nfc(name), k -> new ArrayList<>(2)).add(name);
        }
        Map<String, List<String>> out = new TreeMap<>();
        byNfc.forEach((key, spellings) -> {
            List<String> distinct = spellings.stream().distinct()
                    .sorted((x, y) -> preferred(x, y) ? -1 : preferred(y, x) ? 1 : 0).toList();
            if (distinct.size() > 1) {
                out.put(key, distinct);
            }
        });
        return out;
    }

    // The NFC spelling first; otherwise code point order (String.compareTo is UTF-16 order).
    private static boolean preferred(String a, String b) {
        boolean aNfc = Normalizer.isNormalized(a, Normalizer.Form.NFC);
        boolean bNfc = Normalizer.isNormalized(b, Normalizer.Form.NFC);
        if (aNfc != bNfc) {
            return aNfc;
        }
        return compareCodePoints(a, b) < 0;
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
