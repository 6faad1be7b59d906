package dev.cloudless.sync.core.transfer;

import dev.cloudless.sync.core.path.FolderPath;

/**
 * A record asks for a symbolic link whose target is absolute, uses a backslash, or leads out of
 * the folder or into its {@code .sync} directory. Such a record is hostile: nothing is created
 * and the node treats the sender accordingly.
 */
public final class UnsafeSymlinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnsafeSymlinkException(FolderPath path, String target, String why) {
        super("refusing symlink " + path + " -> " + quote(target) + ": " + why);
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.append(s.length() > 200 ? "…\"" : "\"").toString();
    }
}
