package dev.cloudless.sync.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

/**
 * McGrew and Viega, "The Galois/Counter Mode of Operation (GCM)", test cases 2-4 (AES-128, 96-bit
 * IV), through the same {@link AesGcm} code the frame sealer and opener use, on arrays and on heap
 * and direct buffers.
 */
class AesGcmTest {
    private static final String K3 = "feffe9928665731c6d6a8f9467308308";
    private static final String IV3 = "cafebabefacedbaddecaf888";
    private static final String P3 = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
            + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
    private static final String C3 = "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
            + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985";

    static Stream<Arguments> vectors() {
        return Stream.of(
                Arguments.of("2", "00000000000000000000000000000000", "000000000000000000000000", "",
                        "00000000000000000000000000000000", "0388dace60b6a392f328c2b971b2fe78",
                        "ab6e47d42cec13bdf53a67b21257bddf"),
                Arguments.of("3", K3, IV3, "", P3, C3, "4d5c2af327cd64a62cf35abd2ba6fab4"),
                Arguments.of("4", K3, IV3, "feedfacedeadbeeffeedfacedeadbeefabaddad2", P3.substring(0, 120),
                        C3.substring(0, 120), "5bc94fbc3221a5db94fae95ae7121a47"));
    }

    @ParameterizedTest(name = "test case {0}, arrays")
    @MethodSource("vectors")
    void specVectorsOnArrays(String tc, String k, String iv, String aad, String p, String c, String t) throws Exception {
        AesGcm gcm = new AesGcm(hex(k));
        byte[] a = hex(aad);
        byte[] plain = hex(p);
        byte[] out = new byte[plain.length + 16];
        assertEquals(out.length, gcm.encrypt(hex(iv), a, 0, a.length, plain, 0, plain.length, out, 0));
        assertArrayEquals(hex(c + t), out);

        byte[] back = new byte[plain.length];
        assertEquals(plain.length, gcm.decrypt(hex(iv), a, 0, a.length, out, 0, out.length, back, 0));
        assertArrayEquals(plain, back);
    }

    @ParameterizedTest(name = "test case {0}, direct buffers")
    @MethodSource("vectors")
    void specVectorsOnDirectBuffers(String tc, String k, String iv, String aad, String p, String c, String t)
            throws Exception {
        AesGcm gcm = new AesGcm(hex(k));
        byte[] a = hex(aad);
        ByteBuffer plain = direct(hex(p));
        ByteBuffer out = ByteBuffer.allocateDirect(plain.remaining() + 16);
        gcm.encrypt(hex(iv), a, 0, a.length, plain, out);
        assertArrayEquals(hex(c + t), bytes(out.flip()));

        ByteBuffer back = ByteBuffer.allocate(out.remaining() - 16);
        gcm.decrypt(hex(iv), a, 0, a.length, out, back);
        assertArrayEquals(hex(p), bytes(back.flip()));
    }

    @ParameterizedTest(name = "test case {0}, any flipped bit is rejected")
    @MethodSource("vectors")
    void tamperedCiphertextOrAadIsRejected(String tc, String k, String iv, String aad, String p, String c, String t) {
        AesGcm gcm = new AesGcm(hex(k));
        byte[] sealed = hex(c + t);
        byte[] a = hex(aad);
        for (int i = 0; i < sealed.length; i++) {
            byte[] bad = sealed.clone();
            bad[i] ^= 0x01;
            assertThrows(AEADBadTagException.class,
                    () -> gcm.decrypt(hex(iv), a, 0, a.length, bad, 0, bad.length, new byte[bad.length], 0));
        }
        for (int i = 0; i < a.length; i++) {
            byte[] badAad = a.clone();
            badAad[i] ^= (byte) 0x80;
            assertThrows(AEADBadTagException.class, () -> gcm.decrypt(hex(iv), badAad, 0, badAad.length,
                    sealed, 0, sealed.length, new byte[sealed.length], 0));
        }
    }

    @ParameterizedTest(name = "test case {0}, wrong nonce is rejected")
    @MethodSource("vectors")
    void wrongNonceIsRejected(String tc, String k, String iv, String aad, String p, String c, String t) {
        AesGcm gcm = new AesGcm(hex(k));
        byte[] sealed = hex(c + t);
        byte[] nonce = hex(iv);
        nonce[11] ^= 1;
        byte[] a = hex(aad);
        assertThrows(AEADBadTagException.class,
                () -> gcm.decrypt(nonce, a, 0, a.length, sealed, 0, sealed.length, new byte[sealed.length], 0));
    }

    @org.junit.jupiter.api.Test
    void rejectsWrongKeyAndNonceLengths() {
        assertThrows(IllegalArgumentException.class, () -> new AesGcm(new byte[32]));
        AesGcm gcm = new AesGcm(new byte[16]);
        assertThrows(IllegalArgumentException.class,
                () -> gcm.encrypt(new byte[16], new byte[0], 0, 0, new byte[1], 0, 1, new byte[17], 0));
        assertThrows(IllegalArgumentException.class,
                () -> gcm.encrypt(new byte[12], new byte[0], 0, 0, new byte[1], 0, 1, new byte[16], 0));
    }

    private static ByteBuffer direct(byte[] b) {
        ByteBuffer d = ByteBuffer.allocateDirect(b.length);
        return d.put(b).flip();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

}
