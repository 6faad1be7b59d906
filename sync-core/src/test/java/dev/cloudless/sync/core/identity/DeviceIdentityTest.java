package dev.cloudless.sync.core.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cloudless.sync.DeviceId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DeviceIdentity against real directories. */
class DeviceIdentityTest {
    /** RFC 8032 §7.1 TEST 1. */
    private static final byte[] SEED = HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    private static final byte[] PUBLIC_KEY = HexFormat.of().parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");

    @TempDir
    Path dir;

    /** The file layout as documented, written by the test itself. */
    private static byte[] file(int version, byte[] seed) {
        ByteBuffer b = ByteBuffer.allocate(41);
        b.put(new byte[] {'C', 'S', 'D', 'K'}).put((byte) version).put(seed);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 37);
        b.putInt((int) crc.getValue()); // big-endian
        return b.array();
    }

    private Path keyFile() {
        return dir.resolve("device.key");
    }

    @Test
    void theFirstLoadCreatesAndLaterLoadsReturnTheSameIdentity() throws IOException {
        Path data = dir.resolve("state/nested");
        DeviceIdentity first = DeviceIdentity.loadOrCreate(data);
        assertEquals(41, Files.size(data.resolve("device.key")));
        DeviceIdentity second = DeviceIdentity.loadOrCreate(data);
        assertEquals(first.deviceId(), second.deviceId());
        assertArrayEquals(first.publicKey(), second.publicKey());
        assertEquals(DeviceId.fromPublicKey(first.publicKey()), first.deviceId());
        byte[] msg = "challenge".getBytes();
        assertTrue(DeviceIdentity.verify(first.publicKey(), msg, second.sign(msg)));
        try (Stream<Path> files = Files.list(data)) {
            assertEquals(List.of(data.resolve("device.key")), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void readsTheDocumentedFileFormat() throws IOException {
        Files.write(keyFile(), file(1, SEED));
        DeviceIdentity id = DeviceIdentity.loadOrCreate(dir);
        assertArrayEquals(PUBLIC_KEY, id.publicKey());
        assertEquals("EH7DD-X5BKS-RGCYT-L7BKA-I36SV", id.deviceId().toString());
        assertEquals("DeviceIdentity[EH7DD-X5BKS-RGCYT-L7BKA-I36SV]", id.toString());
        // the RFC 8032 TEST 1 signature of the empty message
        assertEquals("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
                HexFormat.of().formatHex(id.sign(new byte[0])));
    }

    @Test
    void writesTheDocumentedFileFormat() throws IOException {
        DeviceIdentity id = DeviceIdentity.loadOrCreate(dir);
        byte[] data = Files.readAllBytes(keyFile());
        byte[] seed = java.util.Arrays.copyOfRange(data, 5, 37);
        assertArrayEquals(file(1, seed), data);
        assertArrayEquals(dev.cloudless.sync.core.crypto.Ed25519.publicKey(seed), id.publicKey());
    }

    @Test
    void theKeyFileIsReadableByTheOwnerOnly() throws IOException {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"), "POSIX permissions");
        DeviceIdentity.loadOrCreate(dir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile())));
    }

    @Test
    void aFlippedBitIsDetectedAndTheFileIsLeftAlone() throws IOException {
        DeviceIdentity.loadOrCreate(dir);
        byte[] good = Files.readAllBytes(keyFile());
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            Files.write(keyFile(), bad);
            IOException e = assertThrows(IOException.class, () -> DeviceIdentity.loadOrCreate(dir), "bit " + bit);
            assertTrue(e.getMessage().contains(keyFile().toAbsolutePath().toString()), e.getMessage());
            assertArrayEquals(bad, Files.readAllBytes(keyFile()), "the damaged file must not be replaced");
        }
    }

    @Test
    void aTruncatedFileIsReportedNotReplaced() throws IOException {
        DeviceIdentity.loadOrCreate(dir);
        byte[] good = Files.readAllBytes(keyFile());
        for (int len : new int[] {0, 1, 20, 40}) {
            byte[] truncated = java.util.Arrays.copyOf(good, len);
            Files.write(keyFile(), truncated);
            IOException e = assertThrows(IOException.class, () -> DeviceIdentity.loadOrCreate(dir));
            assertTrue(e.getMessage().startsWith("device identity file " + keyFile().toAbsolutePath() + " is not valid: it is "
                    + len + " bytes long, expected 41 (truncated). Refusing to replace it"), e.getMessage());
            assertArrayEquals(truncated, Files.readAllBytes(keyFile()));
        }
        Files.write(keyFile(), java.util.Arrays.copyOf(good, 42));
        assertThrows(IOException.class, () -> DeviceIdentity.loadOrCreate(dir));
    }

    @Test
    void wrongMagicChecksumAndVersionAreNamed() throws IOException {
        byte[] wrongMagic = file(1, SEED);
        wrongMagic[0] = 'X';
        Files.write(keyFile(), wrongMagic);
        assertTrue(assertThrows(IOException.class, () -> DeviceIdentity.loadOrCreate(dir)).getMessage()
                .contains("it does not start with the magic bytes \"CSDK\""));

        byte[] badCrc = file(1, SEED);
        badCrc[40] ^= 1;
        Files.write(keyFile(), badCrc);
        assertTrue(assertThrows(IOException.class, () -> DeviceIdentity.loadOrCreate(dir)).getMessage()
                .contains("its checksum does not match"));

        Files.write(keyFile(), file(2, SEED)); // a valid file of a future version
        assertTrue(assertThrows(IOException.class, () -> DeviceIdentity.loadOrCreate(dir)).getMessage()
                .contains("it has version 2, this library reads version 1"));
    }

    @Test
    void concurrentFirstStartsAgreeOnOneIdentity() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 10; round++) {
                Path data = dir.resolve("round" + round);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<DeviceId>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return DeviceIdentity.loadOrCreate(data).deviceId();
                    }));
                }
                start.countDown();
                Set<DeviceId> ids = new HashSet<>();
                for (Future<DeviceId> f : results) {
                    ids.add(f.get());
                }
                assertEquals(1, ids.size(), "round " + round + ": " + ids);
                assertEquals(ids.iterator().next(), DeviceIdentity.loadOrCreate(data).deviceId());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void generatedIdentitiesAreDistinctAndSign() {
        DeviceIdentity a = DeviceIdentity.generate();
        DeviceIdentity b = DeviceIdentity.generate();
        assertNotEquals(a.deviceId(), b.deviceId());
        byte[] msg = {1, 2, 3};
        byte[] sig = a.sign(msg);
        assertTrue(DeviceIdentity.verify(a.publicKey(), msg, sig));
        assertFalse(DeviceIdentity.verify(b.publicKey(), msg, sig));
        assertFalse(DeviceIdentity.verify(a.publicKey(), msg, new byte[3]));
    }

    @Test
    void aDataDirThatIsAFileIsAnError() throws IOException {
        Path notADir = dir.resolve("file");
        Files.writeString(notADir, "x");
        assertThrows(IOException.class, () -> DeviceIdentity.loadOrCreate(notADir));
    }
}
