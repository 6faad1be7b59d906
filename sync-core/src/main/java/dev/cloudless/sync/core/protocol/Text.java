package dev.cloudless.sync.core.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The text fields of messages (names, versions, reasons): well-formed UTF-8 with no control
 * characters (C0, DEL, C1), so that a peer's text cannot forge log lines or terminal output.
 */
final class Text {
    private Text() {}

    /**
     * The UTF-8 bytes of {@code s}.
     *
     * @throws IllegalArgumentException if {@code s} has an unpaired surrogate or a control
     *     character, or is longer than {@code maxBytes} UTF-8 bytes
     */
    static byte[] encode(String s, int maxBytes, String what) {
        String problem = problem(s);
        if (problem != null) {
            throw new IllegalArgumentException(what + " " + problem);
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > maxBytes) {
            throw new IllegalArgumentException(what + " is " + b.length + " UTF-8 bytes, at most " + maxBytes);
        }
        return b;
    }

    /** Validates {@code s} like {@link #encode} and returns it. */
    static String check(String s, int maxBytes, String what) {
        encode(s, maxBytes, what);
        return s;
    }

    /** Reads a text of {@code length} bytes (already checked against the limit) from {@code in}. */
    static String decode(ByteBuffer in, int length, String what) throws ProtocolException {
        if (length > in.remaining()) {
            throw new ProtocolException(ProtocolException.Reason.MALFORMED,
                    what + " of " + length + " bytes, " + in.remaining() + " left in the body");
        }
        ByteBuffer slice = in.slice();
        slice.limit(length);
        in.position(in.position() + length);
        String s;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice);
            s = chars.toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException(ProtocolException.Reason.MALFORMED, what + " is not valid UTF-8");
        }
        String problem = problem(s);
        if (problem != null) {
            throw new ProtocolException(ProtocolException.Reason.MALFORMED, what + " " + problem);
        }
        return s;
    }

    private static String problem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return "contains the control character U+" + String.format("%04X", (int) c);
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired surrogate";
            }
        }
        return null;
    }
}
