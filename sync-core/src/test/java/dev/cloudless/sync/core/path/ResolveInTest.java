package dev.cloudless.sync.core.path;

import static dev.cloudless.sync.core.path.InvalidFolderPathException.Reason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FolderPath#resolveIn} against a real directory tree with real symbolic links. */
class ResolveInTest {
    @TempDir
    Path tmp;
    Path root;
    Path outside;

    @BeforeEach
    void tree() throws IOException {
        root = Files.createDirectories(tmp.resolve("Shared"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createDirectories(root.resolve(".sync"));
        Files.createDirectories(root.resolve("docs/inner"));
        Files.writeString(root.resolve("docs/file.txt"), "x");
    }

    private Path resolve(String path) throws IOException {
        return FolderPath.parse(path).resolveIn(root);
    }

    private Reason refusal(String path) {
        return assertThrows(InvalidFolderPathException.class, () -> resolve(path)).reason();
    }

    @Test
    void resolvesExistingAndMissingPathsUnderTheRealRoot() throws IOException {
        Path real = root.toRealPath();
        assertEquals(real.resolve("docs").resolve("file.txt"), resolve("docs/file.txt"));
        assertEquals(real.resolve("docs").resolve("inner").resolve("new").resolve("deeper.bin"),
                resolve("docs/inner/new/deeper.bin"));
        assertEquals(real.resolve("fresh"), resolve("fresh"));
    }

    @Test
    void refusesAParentThatIsALinkLeadingOutside() throws IOException {
        Files.createSymbolicLink(root.resolve("escape"), outside);
        InvalidFolderPathException e = assertThrows(InvalidFolderPathException.class, () -> resolve("escape/passwd"));
        assertEquals(Reason.TRAVERSES_SYMLINK, e.reason());
        assertTrue(e.getMessage().contains("\"escape\" leads outside the folder"), e.getMessage());
        assertFalse(Files.exists(outside.resolve("passwd")));
    }

    @Test
    void refusesADeepParentLinkAndARelativeLinkClimbingOut() throws IOException {
        Files.createSymbolicLink(root.resolve("docs/inner/up"), Path.of("../../.."));
        assertEquals(Reason.TRAVERSES_SYMLINK, refusal("docs/inner/up/outside/x"));
    }

    @Test
    void refusesAParentLinkEvenWhenItStaysInside() throws IOException {
        // Writing alias/x would silently change docs/x behind the index's back.
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("docs"));
        InvalidFolderPathException e = assertThrows(InvalidFolderPathException.class, () -> resolve("alias/x"));
        assertEquals(Reason.TRAVERSES_SYMLINK, e.reason());
        assertTrue(e.getMessage().contains("leads inside the folder"), e.getMessage());
    }

    @Test
    void refusesADanglingParentLink() throws IOException {
        Files.createSymbolicLink(root.resolve("dangling"), tmp.resolve("nowhere"));
        InvalidFolderPathException e = assertThrows(InvalidFolderPathException.class, () -> resolve("dangling/x"));
        assertEquals(Reason.TRAVERSES_SYMLINK, e.reason());
        assertTrue(e.getMessage().contains("dangling or unreadable"), e.getMessage());
    }

    @Test
    void aLinkAsTheLastComponentIsReturnedNotFollowed() throws IOException {
        Path link = Files.createSymbolicLink(root.resolve("docs/link"), outside);
        assertEquals(root.toRealPath().resolve("docs/link"), resolve("docs/link"));
        assertTrue(Files.isSymbolicLink(link));
    }

    @Test
    void refusesAFirstComponentThatIsTheReservedDirectoryUnderAnotherName() throws IOException {
        // No string test can see this alias; the file system comparison does.
        Files.createSymbolicLink(root.resolve("alias"), root.resolve(".sync"));
        assertEquals(Reason.RESERVED, refusal("alias"));
    }

    @Test
    void aRootThatIsItselfALinkIsFine() throws IOException {
        Path linkedRoot = Files.createSymbolicLink(tmp.resolve("root-link"), root);
        assertEquals(root.toRealPath().resolve("docs").resolve("x"),
                FolderPath.parse("docs/x").resolveIn(linkedRoot));
    }

    @Test
    void stopsAtARegularFileInsteadOfFailing() throws IOException {
        assertEquals(root.toRealPath().resolve("docs/file.txt/below"), resolve("docs/file.txt/below"));
    }

    @Test
    void aMissingRootIsAnIoError() {
        assertThrows(NoSuchFileException.class, () -> FolderPath.parse("a").resolveIn(tmp.resolve("missing")));
    }

    @Test
    void existingEntriesAreFoundInTheirOnDiskUnicodeSpelling() throws IOException {
        String nfd = java.text.Normalizer.normalize("café", java.text.Normalizer.Form.NFD);
        Files.createDirectories(root.resolve(nfd));
        Files.writeString(root.resolve(nfd).resolve("ñ.txt"), "x");
        Path real = root.toRealPath();
        // The index holds NFC; the file keeps the spelling it was written with.
        assertEquals(real.resolve(nfd).resolve("ñ.txt"), resolve("café/ñ.txt"));
        // A missing entry below an existing NFD directory is created in NFC.
        assertEquals(real.resolve(nfd).resolve("new-é"), resolve("café/new-é"));
        // An exact NFC entry wins over a listing.
        Files.writeString(root.resolve("é.txt"), "nfc");
        assertEquals(real.resolve("é.txt"), resolve("é.txt"));
    }
}
