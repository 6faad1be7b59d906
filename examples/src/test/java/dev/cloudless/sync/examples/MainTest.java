package dev.cloudless.sync.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cloudless.sync.AccessLevel;
import dev.cloudless.sync.DeviceId;
import dev.cloudless.sync.SyncKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private record Result(int code, String out, String err) {
        Map<String, String> fields() {
            return Arrays.stream(out.split("\n")).filter(l -> l.contains(" : "))
                    .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(" : ")).trim(),
                            l -> l.substring(l.indexOf(" : ") + 3).trim().split(" ")[0]));
        }
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void keygenPrintsKeysThatParseAndDeriveEachOther() {
        Result r = run("keygen");
        assertEquals(0, r.code(), r.err());
        Map<String, String> f = r.fields();
        SyncKey rw = SyncKey.parse(f.get("read-write key"));
        assertEquals(AccessLevel.READ_WRITE, rw.level());
        assertEquals(rw.readOnly(), SyncKey.parse(f.get("read-only key")));
        assertEquals(rw.encrypted(), SyncKey.parse(f.get("encrypted key")));
        assertEquals(rw.discoveryIdHex(), f.get("discovery id"));
    }

    @Test
    void inspectOfAReadOnlyKeyPrintsNoReadWriteKey() {
        SyncKey ro = SyncKey.generate().readOnly();
        Result r = run("inspect", ro.toText());
        assertEquals(0, r.code(), r.err());
        assertTrue(!r.fields().containsKey("read-write key"), r.out());
        assertEquals(ro.toText(), r.fields().get("read-only key"));
    }

    @Test
    void inspectRejectsATypoWithAClearMessage() {
        String text = SyncKey.generate().toText();
        char c = text.charAt(10);
        String typo = text.substring(0, 10) + (c == 'A' ? 'B' : 'A') + text.substring(11);
        Result r = run("inspect", typo);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("checksum mismatch"), r.err());
    }

    @Test
    void identityIsCreatedOnceAndThenReloaded(@TempDir Path dir) {
        Result first = run("identity", "--data", dir.toString());
        Result second = run("identity", "--data", dir.toString());
        assertEquals(0, first.code(), first.err());
        String id = first.fields().get("device id");
        assertEquals(id, second.fields().get("device id"));
        assertEquals(id, DeviceId.parse(id).toString());
    }

    @Test
    void unknownCommandIsAUsageError() {
        Result r = run("frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unknown command"), r.err());
    }
}
