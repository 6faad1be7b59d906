package dev.cloudless.sync.discovery.tracker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Encodes the values {@link Bencode} decodes, for round-trip properties and test responses. */
final class BencodeWriter {
    private BencodeWriter() {
    }

    static byte[] encode(Object v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(v, out);
        return out.toByteArray();
    }

    private static void write(Object v, ByteArrayOutputStream out) {
        if (v instanceof Long l) {
            out.writeBytes(("i" + l + "e").getBytes(StandardCharsets.US_ASCII));
        } else if (v instanceof byte[] s) {
            out.writeBytes((s.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(s);
        } else if (v instanceof String s) {
            write(s.getBytes(StandardCharsets.ISO_8859_1), out);
        } else if (v instanceof List<?> list) {
            out.write('l');
            list.forEach(o -> write(o, out));
            out.write('e');
        } else if (v instanceof Map<?, ?> map) {
            out.write('d');
            new TreeMap<>(map).forEach((k, o) -> {
                write(k, out);
                write(o, out);
            });
            out.write('e');
        } else {
            throw new IllegalArgumentException(String.valueOf(v));
        }
    }
}
