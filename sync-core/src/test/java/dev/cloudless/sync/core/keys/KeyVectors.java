package dev.cloudless.sync.core.keys;

import dev.cloudless.sync.AccessLevel;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The known-answer vectors of docs/PROTOCOL.md ("Keys"), and a second, deliberately separate
 * implementation of the key text format written from that page, to check SyncKey against.
 */
final class KeyVectors {
    /** s_rw = 00 01 02 ... 1f. */
    static final byte[] S_RW = sequence(32);
    static final String SIGNING_SEED = "b0911f1a6f7fa7cfac8c7d9fa784866f18de9239e9e80324da302782c2faf830";
    static final String VERIFY_KEY = "3244ff1f80fe33223591fc93713fe3c00a64f6ddc965a41ca6c10de21a59d3f5";
    static final String S_RO = "0efc7df244b63a13139d6a524ab93b52466b7f300bef316143c563f4036a459e";
    static final String S_ENC = "9513c52de2d5978b61b4ffd2732ba629b76441abbc9b038546aef9254da152d1";
    static final String CONTENT_KEY = "dbc3aa9cae41a4482c405d4887d3e7342f9e99b8ec686dac77c9cce2f0beea29";
    static final String FOLDER_SECRET = "f22593e8f552277480bbb521fd3301613bd05179708611bd774370ff27defa34";
    static final String DISCOVERY_ID = "d811694d8c2deea4b46835268bfe28ac2b3ca84d";
    static final String HANDSHAKE_SECRET = "9c79aed17042b9de77a7d505b427f3ad624d699c8548b4f8adc05e1a9b804219";
    static final String W = "WAEAACAQDAQCQMBYIBEFAWDANBYHRAEISCMKBKFQXDAMRUGY4DUPB64UJUIIQ";
    static final String R = "RAEHPY7PSIS3DUEYTTVVFESVZHNJEM237GAF66MLBIPCWH5ADNJCZ4MSE74PYB7RTEI2ZD7ETOE76HQAKMT3N3SLFUQOKNQIN4INFTU7VWCXZE4A";
    static final String E = "EAGKRHRJN4LKZPC3BWT75E4ZLUYU3OZCBVO6JWA4FI2XPSJKNUFJNCMSE74PYB7RTEI2ZD7ETOE76HQAKMT3N3SLFUQOKNQIN4INFTU7VT4T72NQ";

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private KeyVectors() {}

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static byte[] sequence(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    /** prefix || Base32(payload || CRC-32C(prefix || payload) little-endian), as the spec words it. */
    static String keyText(AccessLevel level, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(new byte[] {(byte) level.prefix()});
        crc.update(payload);
        long c = crc.getValue();
        byte[] all = Arrays.copyOf(payload, payload.length + 4);
        for (int i = 0; i < 4; i++) {
            all[payload.length + i] = (byte) (c >> (8 * i));
        }
        // bit by bit, most significant first: slow and obviously right
        StringBuilder sb = new StringBuilder().append(level.prefix());
        int bits = all.length * 8;
        for (int start = 0; start < bits; start += 5) {
            int v = 0;
            for (int k = 0; k < 5; k++) {
                int bit = start + k;
                int b = bit < bits ? (all[bit / 8] >> (7 - bit % 8)) & 1 : 0;
                v = v << 1 | b;
            }
            sb.append(ALPHABET.charAt(v));
        }
        return sb.toString();
    }

    /** {@code 0x01 || secret || vk}, or {@code 0x01 || secret} when vk is null. */
    static byte[] payload(byte[] secret, byte[] vk) {
        byte[] p = new byte[1 + secret.length + (vk == null ? 0 : vk.length)];
        p[0] = 1;
        System.arraycopy(secret, 0, p, 1, secret.length);
        if (vk != null) {
            System.arraycopy(vk, 0, p, 1 + secret.length, vk.length);
        }
        return p;
    }
}
