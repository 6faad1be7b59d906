package dev.cloudless.sync.core.session;

import dev.cloudless.sync.core.crypto.AesGcm;

/**
 * What the sealer and the opener of one direction both track, so that they agree without sending
 * it: the current key (inside {@link #gcm}), nonce base, sequence number and the bytes sealed
 * under the current key. Both ends run exactly this code on the same frame lengths, which is what
 * keeps nonces and key updates in step.
 */
final class DirectionState {
    final AesGcm gcm;
    /** The nonce of the frame being processed; reused for every frame, filled by {@link #nextNonce}. */
    final byte[] nonce = new byte[DirectionKeys.NONCE_BASE_LENGTH];
    private final long rekeyAfterBytes;
    private DirectionKeys keys;
    private byte[] nonceBase;
    private long sequence;
    private long bytesUnderKey;
    private int keyUpdates;

    DirectionState(DirectionKeys keys, long rekeyAfterBytes) {
        if (rekeyAfterBytes <= 0) {
            throw new IllegalArgumentException("rekeyAfterBytes must be positive, was " + rekeyAfterBytes);
        }
        this.keys = keys;
        this.nonceBase = keys.nonceBase();
        this.gcm = new AesGcm(keys.key());
        this.rekeyAfterBytes = rekeyAfterBytes;
    }

    /**
     * Prepares {@link #nonce} for the next frame, whose length field is {@code length}, updating the
     * key first if the previous frames reached the limit.
     */
    void nextNonce(int length) {
        if (bytesUnderKey >= rekeyAfterBytes) {
            keys = keys.next();
            gcm.setKey(keys.key());
            nonceBase = keys.nonceBase();
            bytesUnderKey = 0;
            keyUpdates++;
        }
        if (sequence == -1L) {
            // 2^64 - 1 frames: unreachable in practice, but a nonce must never repeat.
            throw new IllegalStateException("frame sequence number exhausted");
        }
        System.arraycopy(nonceBase, 0, nonce, 0, 4);
        long s = sequence;
        for (int i = 11; i >= 4; i--) {
            nonce[i] = (byte) (nonceBase[i] ^ s);
            s >>>= 8;
        }
    }

    /** Records that the frame prepared by {@link #nextNonce} was sealed or opened. */
    void advance(int length) {
        sequence++;
        bytesUnderKey += length;
    }

    long sequence() {
        return sequence;
    }

    int keyUpdates() {
        return keyUpdates;
    }
}
