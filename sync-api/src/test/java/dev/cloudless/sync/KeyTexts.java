package dev.cloudless.sync;

import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Test fixtures: the pinned key strings and a way to build key texts from payloads. */
final class KeyTexts {
    /** s_rw = 0x00..0x1f; the derivation is pinned in sync-core's FolderSecretsTest and docs/PROTOCOL.md. */
    static final String W = "WAEAACAQDAQCQMBYIBEFAWDANBYHRAEISCMKBKFQXDAMRUGY4DUPB64UJUIIQ";
    static final String R = "RAEHPY7PSIS3DUEYTTVVFESVZHNJEM237GAF66MLBIPCWH5ADNJCZ4MSE74PYB7RTEI2ZD7ETOE76HQAKMT3N3SLFUQOKNQIN4INFTU7VWCXZE4A";
    static final String E = "EAGKRHRJN4LKZPC3BWT75E4ZLUYU3OZCBVO6JWA4FI2XPSJKNUFJNCMSE74PYB7RTEI2ZD7ETOE76HQAKMT3N3SLFUQOKNQIN4INFTU7VT4T72NQ";
    static final String W_MATERIAL = "01000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    static final String VK = "3244ff1f80fe33223591fc93713fe3c00a64f6ddc965a41ca6c10de21a59d3f5";
    static final String R_MATERIAL = "010efc7df244b63a13139d6a524ab93b52466b7f300bef316143c563f4036a459e" + VK;
    static final String E_MATERIAL = "019513c52de2d5978b61b4ffd2732ba629b76441abbc9b038546aef9254da152d1" + VK;

    /** Valid Ed25519 public keys: the pinned vk and the RFC 8032 §7.1 ones. */
    static final List<String> VALID_VERIFY_KEYS = List.of(VK,
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf");

    private KeyTexts() {}

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    /** The text of a key with this level and payload, checksum and all, whether or not the payload is valid. */
    static String text(AccessLevel level, byte[] payload) {
        byte[] bytes = java.util.Arrays.copyOf(payload, payload.length + 4);
        int crc = SyncKey.checksum(level, payload);
        for (int i = 0; i < 4; i++) {
            bytes[payload.length + i] = (byte) (crc >>> (8 * i));
        }
        return level.prefix() + Base32.encode(bytes);
    }

    static byte[] payload(byte[] secret, String verifyKeyHex) {
        byte[] vk = verifyKeyHex == null ? new byte[0] : hex(verifyKeyHex);
        byte[] p = new byte[1 + secret.length + vk.length];
        p[0] = 1;
        System.arraycopy(secret, 0, p, 1, secret.length);
        System.arraycopy(vk, 0, p, 1 + secret.length, vk.length);
        return p;
    }

    /** Texts of valid keys of every level with random secrets. */
    static Arbitrary<String> validKeyTexts() {
        Arbitrary<byte[]> secrets = Arbitraries.bytes().array(byte[].class).ofSize(32);
        return Combinators.combine(Arbitraries.of(AccessLevel.class), secrets, Arbitraries.of(VALID_VERIFY_KEYS))
                .as((level, secret, vk) -> text(level, payload(secret, level == AccessLevel.READ_WRITE ? null : vk)));
    }
}
