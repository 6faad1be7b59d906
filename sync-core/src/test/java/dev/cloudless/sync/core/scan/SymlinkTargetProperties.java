package dev.cloudless.sync.core.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cloudless.sync.core.path.FolderPath;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The lexical symlink policy against an oracle: the JDK's own normalisation under a root whose
 * name no generated segment can spell, so climbing above it can never come back in.
 */
class SymlinkTargetProperties {
    private static final Path ROOT = Path.of("/zz-root/zz-folder");

    @Provide
    Arbitrary<FolderPath> links() {
        return Arbitraries.of("a", "b", "c d", "é").list().ofMinSize(1).ofMaxSize(4)
                .map(segments -> FolderPath.parse(String.join("/", segments)));
    }

    @Provide
    Arbitrary<String> targets() {
        Arbitrary<String> segment = Arbitraries.of("..", ".", "a", "b", ".sync", ".SYNC", "");
        Arbitrary<String> separator = Arbitraries.of("/", "\\");
        return Arbitraries.entries(segment, separator).list().ofMinSize(1).ofMaxSize(8)
                .map(parts -> {
                    StringBuilder b = new StringBuilder();
                    parts.forEach(e -> b.append(e.getKey()).append(e.getValue()));
                    return b.toString();
                })
                .filter(t -> !t.startsWith("/") && !t.startsWith("\\"));
    }

    @Property(tries = 2000)
    void acceptedExactlyWhenTheTargetStaysInsideAndOutOfTheReservedDirectory(
            @ForAll("links") FolderPath link, @ForAll("targets") String target) {
        Path parent = ROOT;
        List<String> segments = link.segments();
        for (String s : segments.subList(0, segments.size() - 1)) {
            parent = parent.resolve(s);
        }
        Path resolved = parent.resolve(target.replace('\\', '/')).normalize();
        boolean inside = resolved.startsWith(ROOT)
                && (resolved.equals(ROOT) || !FolderPath.isReservedName(ROOT.relativize(resolved).getName(0).toString()));
        assertEquals(inside, FolderScanner.symlinkTargetProblem(link, target) == null,
                () -> link + " -> " + target + " resolves to " + resolved);
    }

    @Property(tries = 1000)
    void absoluteTargetsAreRefused(@ForAll("links") FolderPath link, @ForAll("targets") String rest) {
        for (String prefix : List.of("/", "\\", "C:", "c:\\")) {
            assertEquals("symbolic link to an absolute path", FolderScanner.symlinkTargetProblem(link, prefix + rest));
        }
    }

    @Property(tries = 1000)
    void neverThrowsOnArbitraryText(@ForAll("links") FolderPath link, @ForAll String target) {
        FolderScanner.symlinkTargetProblem(link, target);
    }
}
