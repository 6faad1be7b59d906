package dev.cloudless.sync.core.node;

import dev.cloudless.sync.core.index.FileRecord;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Checks on a remote record beyond its codec and signature: things a correctly signed record may
 * still not ask of this device. A failure is grounds for disconnecting the sender.
 */
final class RecordChecks {
    private RecordChecks() {
    }

    /** Why {@code r} must be refused, or empty when it is acceptable. */
    static Optional<String> hostile(FileRecord r) {
        if (r.type() == FileRecord.Type.SYMLINK && !r.deleted()) {
            String target = r.symlinkTarget();
            if (target.isEmpty() || target.startsWith("/") || target.startsWith("\\") || target.indexOf('\0') >= 0
                    || (target.length() > 1 && target.charAt(1) == ':')) {
                return Optional.of("symlink " + r.path() + " has an absolute target");
            }
            if (escapes(r, target)) {
                return Optional.of("symlink " + r.path() + " points outside the folder");
            }
        }
        return Optional.empty();
    }

    /** Whether resolving {@code target} from the link's directory climbs above the folder root. */
    private static boolean escapes(FileRecord r, String target) {
        Deque<String> dir = new ArrayDeque<>(r.path().segments());
        dir.removeLast(); // the link's own name
        for (String seg : target.replace('\\', '/').split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                if (dir.isEmpty()) {
                    return true;
                }
                dir.removeLast();
            } else {
                dir.addLast(seg);
            }
        }
        return !dir.isEmpty() && dir.peekFirst().equals(dev.cloudless.sync.core.path.FolderPath.RESERVED_DIR);
    }
}
