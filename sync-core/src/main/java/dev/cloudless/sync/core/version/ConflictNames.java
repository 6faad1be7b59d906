package dev.cloudless.sync.core.version;

import dev.cloudless.sync.core.path.FolderPath;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Names of conflict copies: when two devices change a file concurrently, the losing version
 * is kept beside the winner under a name that says when and where it came from.
 *
 * <p>The exact form (Syncthing's), for a file {@code <base>.<ext>} in any directory:
 * <pre>
 * &lt;base&gt;.sync-conflict-&lt;yyyyMMdd&gt;-&lt;HHmmss&gt;-&lt;device&gt;.&lt;ext&gt;
 * report.pdf     -&gt; report.sync-conflict-20240305-140709-MFZWI3D.pdf
 * archive.tar.gz -&gt; archive.tar.sync-conflict-20240305-140709-MFZWI3D.gz
 * .bashrc        -&gt; .bashrc.sync-conflict-20240305-140709-MFZWI3D
 * Makefile       -&gt; Makefile.sync-conflict-20240305-140709-MFZWI3D
 * docs/a.b/notes -&gt; docs/a.b/notes.sync-conflict-20240305-140709-MFZWI3D
 * </pre>
 * <ul>
 *   <li>The extension is what follows the last {@code .} of the last segment, if that dot is
 *       neither its first character (a dotfile like {@code .bashrc} has no extension) nor its
 *       last ({@code notes.} has none either, and becomes {@code notes..sync-conflict-...}).</li>
 *   <li>Date and time are the moment of the conflict in UTC, whatever the device's zone: every
 *       device that detects the same conflict at the same second names it the same.</li>
 *   <li>{@code <device>} is the first {@value #DEVICE_CHARS} characters of the printable id of
 *       the device whose version became the copy; they must be ASCII letters or digits.</li>
 *   <li>If the name would exceed {@link FolderPath#MAX_SEGMENT_BYTES} (or the path
 *       {@link FolderPath#MAX_PATH_BYTES}), the base is shortened by whole code points; an
 *       extension too long to keep is treated as part of the base.</li>
 * </ul>
 */
public final class ConflictNames {
    /** What sits between the base and the time stamp. */
    public static final String MARKER = ".sync-conflict-";
    /** Characters of the device id in the name. */
    public static final int DEVICE_CHARS = 7;
    // MARKER + yyyyMMdd + '-' + HHmmss + '-' + device: all ASCII.
    private static final int SUFFIX_BYTES = MARKER.length() + 8 + 1 + 6 + 1 + DEVICE_CHARS;
    private static final Pattern COPY = Pattern.compile(
            ".*" + Pattern.quote(MARKER) + "\\d{8}-\\d{6}-[A-Za-z0-9]{" + DEVICE_CHARS + "}(\\.[^.]+)?");

    private ConflictNames() {}

    /** The conflict copy of {@code original} at the clock's current instant. */
    public static FolderPath conflictPath(FolderPath original, Clock clock, String deviceId) {
        return conflictPath(original, clock.instant(), deviceId);
    }

    /**
     * The conflict copy of {@code original}, in the same directory.
     *
     * @throws IllegalArgumentException if {@code deviceId} does not start with
     *     {@value #DEVICE_CHARS} ASCII letters or digits, or {@code when} is outside years 0-9999
     * @throws dev.cloudless.sync.core.path.InvalidFolderPathException if the directory part is
     *     so long that not even the suffix fits
     */
    public static FolderPath conflictPath(FolderPath original, Instant when, String deviceId) {
        String suffix = suffix(when, deviceId);
        String name = original.name();
        String dir = original.toString().substring(0, original.toString().length() - name.length());
        int budget = Math.min(FolderPath.MAX_SEGMENT_BYTES,
                FolderPath.MAX_PATH_BYTES - dir.getBytes(StandardCharsets.UTF_8).length);

        int dot = name.lastIndexOf('.');
        String base = dot > 0 && dot < name.length() - 1 ? name.substring(0, dot) : name;
        String ext = base.length() == name.length() ? "" : name.substring(dot);
        if (utf8(suffix) + utf8(ext) > budget) {
            base = name; // no room to keep the extension apart
            ext = "";
        }
        String shortened = shorten(base, budget - utf8(suffix) - utf8(ext));
        return FolderPath.parse(dir + shortened + suffix + ext);
    }

    /** Whether {@code name} (a last segment) has the form of a conflict copy. */
    public static boolean isConflictCopy(String name) {
        return COPY.matcher(name).matches();
    }

    private static String suffix(Instant when, String deviceId) {
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(deviceId, "deviceId");
        if (deviceId.length() < DEVICE_CHARS) {
            throw new IllegalArgumentException("device id must have at least " + DEVICE_CHARS + " characters: "
                    + deviceId.length());
        }
        String device = deviceId.substring(0, DEVICE_CHARS);
        for (int i = 0; i < DEVICE_CHARS; i++) {
            char c = device.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                throw new IllegalArgumentException("device id must start with " + DEVICE_CHARS
                        + " ASCII letters or digits, has " + (int) c + " at " + i);
            }
        }
        LocalDateTime t = LocalDateTime.ofInstant(when, ZoneOffset.UTC);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            throw new IllegalArgumentException("year out of range 0-9999: " + t.getYear());
        }
        return String.format("%s%04d%02d%02d-%02d%02d%02d-%s", MARKER, t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), device);
    }

    // The longest prefix of s, by whole code points, that is at most maxBytes in UTF-8 and NFC.
    private static String shorten(String s, int maxBytes) {
        String out = s;
        while (utf8(out) > Math.max(maxBytes, 0)) {
            int end = out.offsetByCodePoints(out.length(), -1);
            // A prefix of an NFC string is almost always NFC; renormalize for the rare exceptions.
            out = Normalizer.normalize(out.substring(0, end), Normalizer.Form.NFC);
        }
        return out;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
