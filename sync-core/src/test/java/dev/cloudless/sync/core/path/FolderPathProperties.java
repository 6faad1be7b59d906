package dev.cloudless.sync.core.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

class FolderPathProperties {
    private static Path root;

    @BeforeContainer
    static void createRoot() throws IOException {
        root = Files.createTempDirectory("folderpath-props");
        Files.createDirectories(root.resolve(".sync"));
    }

    @AfterContainer
    static void deleteRoot() throws IOException {
        try (var walk = Files.walk(root)) {
            walk.sorted((a, b) -> b.compareTo(a)).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** Hostile input: path-like strings over the characters that matter, and any UTF-16 at all. */
    @Provide
    Arbitrary<String> anyStrings() {
        Arbitrary<String> tricky = Arbitraries.strings()
                .withChars('a', 'b', 'S', 's', 'y', 'n', 'c', '/', '/', '.', '.', ' ', '\\', ':', '\u0000', '\n', '\u007F',
                        '\u0085', '\u00E9', '\u0301', 'e', '\u200C', '\uFEFF', '\u017F', '\uD83D', '\uDE00', '\uAC00',
                        '\u1100', '\u1161', '\u212B')
                .ofMaxLength(40);
        return Arbitraries.frequencyOf(
                Tuple.of(4, tricky),
                Tuple.of(4, plausiblePaths()),
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(60)));
    }

    /** Strings built from segments that are mostly valid, so that most of them parse. */
    @Provide
    Arbitrary<String> plausiblePaths() {
        Arbitrary<String> fixed = Arbitraries.of(".", "..", "", ".sync", ".SYNC", ".sync.", ".\u017Fync", ".syncignore",
                "x y", "e\u0301", "CON", "b.txt", "\uD83D\uDE00", "a".repeat(255), "\u00E9".repeat(128), "\\", "...");
        Arbitrary<String> random = Arbitraries.strings()
                .withChars("abcXYZ.-_ :*?\u00E9\u0301\u00C5\u212B\uAC00\u1100\u1161\u200C\u017F\uFB01".toCharArray())
                .ofMinLength(1).ofMaxLength(12).map(UnicodeNames::nfc);
        return Arbitraries.frequencyOf(Tuple.of(1, fixed), Tuple.of(4, random))
                .list().ofMinSize(1).ofMaxSize(8).map(l -> String.join("/", l));
    }

    @Property
    void parseEitherAcceptsOrThrowsTheTypedException(@ForAll("anyStrings") String wire) {
        try {
            FolderPath.parse(wire);
        } catch (InvalidFolderPathException e) {
            assertEquals(wire, e.path());
            assertTrue(e.getMessage().endsWith("[" + e.reason() + "]"));
            // The message is printable: no controls, no unpaired surrogates.
            assertTrue(e.getMessage().chars().noneMatch(c -> Character.getType(c) == Character.CONTROL),
                    e.getMessage());
            assertTrue(wellFormed(e.getMessage()), e.getMessage());
        }
    }

    @Property
    void anAcceptedPathIsCanonicalAndReparsesToItself(@ForAll("plausiblePaths") String wire) {
        FolderPath p = accepted(wire);
        assertEquals(wire, p.toString());
        assertEquals(p, FolderPath.parse(p.toString()));
        assertEquals(p, FolderPath.parse(new String(p.toBytes(), StandardCharsets.UTF_8)));
        // An independent statement of the invariants.
        assertTrue(Normalizer.isNormalized(wire, Normalizer.Form.NFC));
        assertTrue(p.toBytes().length <= FolderPath.MAX_PATH_BYTES);
        List<String> segments = Arrays.asList(wire.split("/", -1));
        assertEquals(segments, p.segments());
        assertEquals(segments.size(), p.depth());
        for (String s : segments) {
            assertFalse(s.isEmpty() || s.equals(".") || s.equals(".."), wire);
            assertTrue(s.getBytes(StandardCharsets.UTF_8).length <= FolderPath.MAX_SEGMENT_BYTES);
            assertTrue(s.chars().noneMatch(c -> c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\\'), wire);
        }
        String first = segments.get(0).replaceAll("[\\u200C-\\u200F\\u202A-\\u202E\\u206A-\\u206F\\uFEFF]", "");
        assertFalse(first.toLowerCase(java.util.Locale.ROOT).replace('\u017F', 's').matches("\\.sync[. ]*(:.*)?"), wire);
    }

    @Property
    void theNfdSpellingOfAnAcceptedPathIsTheSameLocalFile(@ForAll("plausiblePaths") String wire) {
        assumeUnicodeFileNames();
        FolderPath p = accepted(wire);
        String nfd = Normalizer.normalize(wire, Normalizer.Form.NFD);
        Assume.that(nfd.getBytes(StandardCharsets.UTF_8).length <= FolderPath.MAX_PATH_BYTES
                && Arrays.stream(nfd.split("/")).allMatch(s -> s.getBytes(StandardCharsets.UTF_8).length <= 255));
        assertEquals(p, FolderPath.ofLocal(Path.of("", nfd.split("/"))));
    }

    @Property(tries = 300)
    void resolveInNeverLeavesTheRoot(@ForAll("plausiblePaths") String wire) throws IOException {
        assumeUnicodeFileNames();
        FolderPath p = accepted(wire);
        Path real = root.toRealPath();
        Path target;
        try {
            target = p.resolveIn(root);
        } catch (InvalidFolderPathException e) {
            return; // refusing is always safe
        }
        assertTrue(target.normalize().startsWith(real) && !target.normalize().equals(real), target.toString());
        assertEquals(real.getNameCount() + p.depth(), target.normalize().getNameCount());
        assertFalse(target.normalize().startsWith(real.resolve(".sync")), target.toString());
    }

    @Property
    void orderIsSegmentWiseUtf8ByteOrder(@ForAll("plausiblePaths") String a, @ForAll("plausiblePaths") String b) {
        FolderPath x = accepted(a);
        FolderPath y = accepted(b);
        int expected = compareSegmentBytes(x.segments(), y.segments());
        assertEquals(Integer.signum(expected), Integer.signum(x.compareTo(y)), a + " vs " + b);
        assertEquals(-Integer.signum(x.compareTo(y)), Integer.signum(y.compareTo(x)));
        assertEquals(x.equals(y), x.compareTo(y) == 0);
    }

    private static int compareSegmentBytes(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Arrays.compareUnsigned(a.get(i).getBytes(StandardCharsets.UTF_8),
                    b.get(i).getBytes(StandardCharsets.UTF_8));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static void assumeUnicodeFileNames() {
        // Under a POSIX (ASCII) locale the JDK cannot name non-ASCII files at all.
        Assume.that("UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding")));
    }

    private static FolderPath accepted(String wire) {
        try {
            return FolderPath.parse(wire);
        } catch (InvalidFolderPathException e) {
            Assume.that(false);
            throw e;
        }
    }
}
