package dev.cloudless.sync.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioDataTest {
    private static final int SIZE = 3 * (1 << 20) + 17; // more than one write chunk, not a multiple of 8

    @TempDir
    Path tmp;

    @Test
    void fileIsDeterministicAndItsEntryMatchesItsContent() throws IOException {
        ExpectedTree.Entry e1 = ScenarioData.writeFile(tmp.resolve("x/one"), 7, SIZE);
        ExpectedTree.Entry e2 = ScenarioData.writeFile(tmp.resolve("two"), 7, SIZE);
        ExpectedTree.Entry other = ScenarioData.writeFile(tmp.resolve("three"), 8, SIZE);
        assertEquals(SIZE, Files.size(tmp.resolve("x/one")));
        assertTrue(e1.sameContent(ExpectedTree.hash(tmp.resolve("x/one"))));
        assertTrue(e1.sameContent(e2));
        assertFalse(e1.sameContent(other));
        byte[] head = Arrays.copyOf(Files.readAllBytes(tmp.resolve("two")), 1000);
        assertArrayEquals(ScenarioData.bytes(7, 1000), head);
    }

    @Test
    void contentDoesNotCompress() {
        byte[] data = ScenarioData.bytes(3, 1 << 20);
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        d.setInput(data);
        d.finish();
        byte[] out = new byte[data.length * 2];
        int n = d.deflate(out);
        assertTrue(d.finished());
        assertTrue(n >= data.length, "compressed to " + n);
    }

    @Test
    void prefixedFileIsTheSameStreamShiftedByThePrefix() throws IOException {
        ScenarioData.writeFile(tmp.resolve("plain"), 5, 10_000);
        ExpectedTree.Entry shifted = ScenarioData.writeFile(tmp.resolve("shifted"), 5, 10_000, new byte[] {42});
        byte[] plain = Files.readAllBytes(tmp.resolve("plain"));
        byte[] s = Files.readAllBytes(tmp.resolve("shifted"));
        assertEquals(10_001, shifted.size());
        assertEquals(42, s[0]);
        assertArrayEquals(plain, Arrays.copyOfRange(s, 1, s.length));
    }

    @Test
    void expectedEntryOfAnEditEqualsTheEditedFile() throws IOException {
        Path f = tmp.resolve("big");
        ExpectedTree.Entry before = ScenarioData.writeFile(f, 9, SIZE);
        long offset = SIZE / 2;
        ExpectedTree.Entry predicted = ScenarioData.entryAfterByteEdit(f, offset, (byte) 0x5a);
        assertTrue(before.sameContent(ExpectedTree.hash(f)), "predicting must not touch the file");
        ScenarioData.editByte(f, offset, (byte) 0x5a);
        assertTrue(predicted.sameContent(ExpectedTree.hash(f)));
        assertFalse(predicted.sameContent(before));
    }
}
