package dev.cloudless.sync.tests;

import dev.cloudless.sync.Folder;
import dev.cloudless.sync.FolderConfig;
import dev.cloudless.sync.FolderStatus;
import dev.cloudless.sync.Subscription;
import dev.cloudless.sync.SyncEvent;
import dev.cloudless.sync.SyncKey;
import dev.cloudless.sync.SyncNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A reusable cluster of real nodes on loopback sharing one folder, for whole-engine tests: add
 * members, write into their folders, stop and restart them, and wait until every running member
 * holds the same tree.
 */
final class Cluster implements AutoCloseable {
    private final Path dir;
    private final SyncKey key;
    private final List<Member> members = new ArrayList<>();

    /**
     * The transport every member is restricted to, from the system property
     * {@code sync.tests.transport} ({@code tcp} or {@code utp}; unset: all on the class path), so
     * the same whole-node tests run over each transport.
     */
    static final String TRANSPORT = blankToNull(System.getProperty("sync.tests.transport"));

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    Cluster(Path dir, SyncKey key) {
        this.dir = dir;
        this.key = key;
    }

    SyncKey key() {
        return key;
    }

    /** A running member with the read-write key that dials every member added before it. */
    Member add(String name) {
        return add(name, key, b -> { });
    }

    /** A running member with {@code memberKey}, configured further by {@code tweak}, dialling every earlier member. */
    Member add(String name, SyncKey memberKey, Consumer<FolderConfig.Builder> tweak) {
        Member m = new Member(name, memberKey, tweak);
        for (Member other : members) {
            m.peers.add(other.address);
        }
        members.add(m);
        m.start();
        return m;
    }

    /** A running member with {@code memberKey}, configured by {@code tweak}, dialling only {@code dial}. */
    Member addDialling(String name, SyncKey memberKey, Consumer<FolderConfig.Builder> tweak, List<Member> dial) {
        Member m = new Member(name, memberKey, tweak);
        for (Member other : dial) {
            m.peers.add(other.address);
        }
        members.add(m);
        m.start();
        return m;
    }

    List<Member> members() {
        return members;
    }

    /** Waits until every running member's tree equals {@code reference}'s and nothing is needed. */
    void awaitConverged(Duration timeout) {
        awaitConverged(timeout, members.stream().filter(Member::running).toList());
    }

    void awaitConverged(Duration timeout, List<Member> group) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Map<String, String> first = null;
            boolean same = true;
            StringBuilder why = new StringBuilder();
            for (Member m : group) {
                Map<String, String> t = tree(m.folder);
                FolderStatus s = m.folderHandle().status();
                if (s.neededFiles() != 0) {
                    same = false;
                    why.append(m.name).append(" needs ").append(s.neededFiles()).append("; ");
                }
                if (first == null) {
                    first = t;
                } else if (!first.equals(t)) {
                    same = false;
                    why.append(m.name).append(" differs: ").append(diff(first, t)).append("; ");
                }
            }
            if (same) {
                return;
            }
            last = why.toString();
            sleep(50);
        }
        throw new AssertionError("no convergence within " + timeout + ": " + last);
    }

    private static String diff(Map<String, String> a, Map<String, String> b) {
        StringBuilder sb = new StringBuilder();
        for (var e : a.entrySet()) {
            if (!Objects.equals(e.getValue(), b.get(e.getKey()))) {
                sb.append(e.getKey()).append(' ');
            }
        }
        for (String k : b.keySet()) {
            if (!a.containsKey(k)) {
                sb.append('+').append(k).append(' ');
            }
        }
        return sb.length() > 300 ? sb.substring(0, 300) + "…" : sb.toString();
    }

    /**
     * The folder's tree outside {@code .sync/}: NFC path → "d", "l:target" or
     * "f:sha256:x|-" (content and executable bit).
     */
    static Map<String, String> tree(Path root) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    String rel = rel(root, d);
                    if (rel.equals(".sync")) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (!rel.isEmpty()) {
                        out.put(rel, "d");
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    String rel = rel(root, f);
                    if (attrs.isSymbolicLink()) {
                        out.put(rel, "l:" + Files.readSymbolicLink(f));
                    } else if (attrs.isRegularFile()) {
                        boolean x = Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS)
                                .contains(PosixFilePermission.OWNER_EXECUTE);
                        out.put(rel, "f:" + sha256(f) + ":" + (x ? "x" : "-"));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    // A file replaced while we walk: the next poll sees the new state.
                    out.put(rel(root, f), "unreadable");
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static String rel(Path root, Path p) {
        return Normalizer.normalize(root.relativize(p).toString(), Normalizer.Form.NFC);
    }

    static String sha256(Path f) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(f)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where {@code needle} first occurs in {@code hay}, or -1. */
    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits until {@code condition} holds, failing with {@code what} after {@code timeout}. */
    static void await(Duration timeout, String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            sleep(20);
        }
    }

    @Override
    public void close() {
        for (Member m : members) {
            m.stop();
        }
    }

    /** One node of the cluster. */
    final class Member {
        final String name;
        final SyncKey memberKey;
        final Path folder;
        final Path data;
        final List<InetSocketAddress> peers = new ArrayList<>();
        final List<SyncEvent> events = new CopyOnWriteArrayList<>();
        private final Consumer<FolderConfig.Builder> tweak;
        private InetSocketAddress address;
        private SyncNode node;
        private Subscription subscription;

        Member(String name, SyncKey memberKey, Consumer<FolderConfig.Builder> tweak) {
            this.name = name;
            this.memberKey = memberKey;
            this.tweak = tweak;
            this.folder = dir.resolve(name);
            this.data = dir.resolve(name + ".state");
        }

        void start() {
            if (node != null) {
                return;
            }
            FolderConfig.Builder fc = FolderConfig.builder(folder, memberKey);
            peers.forEach(fc::peer);
            tweak.accept(fc);
            InetSocketAddress listen = address != null ? address
                    : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            SyncNode.Builder b = SyncNode.builder().dataDir(data).deviceName(name).listen(listen).folder(fc.build())
                    .shutdownTimeout(Duration.ofSeconds(5));
            if (TRANSPORT != null) {
                b.transports(TRANSPORT);
            }
            node = b.build().start();
            address = node.listenAddresses().get(0);
            subscription = node.subscribe(events::add);
        }

        void stop() {
            if (node != null) {
                node.close();
                subscription.close();
                node = null;
            }
        }

        void restart() {
            stop();
            start();
        }

        boolean running() {
            return node != null;
        }

        SyncNode node() {
            return node;
        }

        Folder folderHandle() {
            return node.folders().get(0);
        }

        InetSocketAddress address() {
            return address;
        }

        Path path(String rel) {
            return folder.resolve(rel);
        }

        void write(String rel, String content) throws IOException {
            Path p = folder.resolve(rel);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content);
        }

        void write(String rel, byte[] content) throws IOException {
            Path p = folder.resolve(rel);
            Files.createDirectories(p.getParent());
            Files.write(p, content);
        }

        <E extends SyncEvent> List<E> events(Class<E> type, Predicate<? super E> filter) {
            return events.stream().filter(type::isInstance).map(type::cast).filter(filter).toList();
        }

        /** Waits until this member has a session with every other running member. */
        void awaitPeers(int count) {
            await(Duration.ofSeconds(20), name + " to have " + count + " peers",
                    () -> node.folders().get(0).peers().size() >= count);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
