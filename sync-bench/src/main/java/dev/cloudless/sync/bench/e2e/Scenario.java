package dev.cloudless.sync.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * One benchmark scenario: what is in A's folder before it (synced to B and idle before the clock
 * starts), and the change whose arrival at B is timed. New content is written and forced to disk
 * in a staging directory on the same file system and then renamed into A, so that "the moment
 * the data lands in A" is one instant; the 1-byte edit is the exception, done in place.
 */
enum Scenario {
    /** One file of {@code size} bytes. */
    BIG("big"),
    /** {@code files} files of {@code fileBytes} each in {@code dirs} directories. */
    MANY("many"),
    /** A 1 KiB file replaced in a folder of 100 such files; the median of {@link #LATENCY_REPEATS} changes. */
    LATENCY("latency"),
    /** One byte overwritten in place in the middle of a synced file of {@code size} bytes. */
    EDIT("edit"),
    /** One byte inserted at the start of a synced file of {@code size / 4} bytes. */
    INSERT("insert"),
    /** Both endpoints stopped and started again over the synced {@link #MANY} tree: time to idle. */
    RESTART("restart");

    static final int LATENCY_REPEATS = 3;
    static final int LATENCY_FILES = 100;
    static final int LATENCY_FILE_BYTES = 1024;
    private static final long SEED_STRIDE = 1_000_003;

    final String label;

    Scenario(String label) {
        this.label = label;
    }

    static Scenario byLabel(String label) {
        for (Scenario s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario " + label + "; known: big, many, latency, edit, insert, restart");
    }

    /** Sizes and seed of a run. */
    record Params(long size, int files, int dirs, int fileBytes, long seed) {
        long insertSize() {
            return size / 4;
        }
    }

    /** Folders of one (scenario, tool) run. */
    record Dirs(Path a, Path b, Path staging, Path state) {
        void create() throws IOException {
            for (Path p : List.of(a, b, staging, state)) {
                Files.createDirectories(p);
            }
        }
    }

    /** Bytes a throughput figure is computed from; 0 where MiB/s means nothing. */
    long payloadBytes(Params p) {
        return switch (this) {
            case BIG -> p.size();
            case MANY -> (long) p.files() * p.fileBytes();
            default -> 0;
        };
    }

    int repeats() {
        return this == LATENCY ? LATENCY_REPEATS : 1;
    }

    /** Writes the starting content into A (not timed) and returns it. */
    ExpectedTree prepare(Params p, Dirs d) throws IOException {
        ExpectedTree tree = new ExpectedTree();
        switch (this) {
            case BIG, MANY -> { }
            case LATENCY -> {
                Path staged = d.staging().resolve("latency");
                for (int i = 0; i < LATENCY_FILES; i++) {
                    String rel = "latency/" + latencyName(i);
                    tree.put(rel, ScenarioData.writeFile(staged.resolve(latencyName(i)), p.seed() + i, LATENCY_FILE_BYTES));
                }
                land(staged, d.a().resolve("latency"));
            }
            case EDIT -> {
                tree.put("big.bin", ScenarioData.writeFile(d.staging().resolve("big.bin"), p.seed(), p.size()));
                land(d.staging().resolve("big.bin"), d.a().resolve("big.bin"));
            }
            case INSERT -> {
                tree.put("insert.bin", ScenarioData.writeFile(d.staging().resolve("insert.bin"), p.seed(), p.insertSize()));
                land(d.staging().resolve("insert.bin"), d.a().resolve("insert.bin"));
            }
            case RESTART -> land(stageMany(p, d, tree), d.a().resolve("many"));
        }
        return tree;
    }

    /**
     * Prepares change number {@code repeat} off the clock (data staged, expected tree computed),
     * and returns the action that makes it land in A, which the harness times from.
     */
    Landing change(Params p, Dirs d, ExpectedTree before, int repeat) throws IOException {
        ExpectedTree after = copy(before);
        switch (this) {
            case BIG -> {
                after.put("big.bin", ScenarioData.writeFile(d.staging().resolve("big.bin"), p.seed(), p.size()));
                return new Landing(after, () -> land(d.staging().resolve("big.bin"), d.a().resolve("big.bin")));
            }
            case MANY -> {
                Path staged = stageMany(p, d, after);
                return new Landing(after, () -> land(staged, d.a().resolve("many")));
            }
            case LATENCY -> {
                String name = latencyName(repeat);
                Path staged = d.staging().resolve(name);
                after.put("latency/" + name, ScenarioData.writeFile(staged, p.seed() + (repeat + 1) * SEED_STRIDE, LATENCY_FILE_BYTES));
                return new Landing(after, () -> land(staged, d.a().resolve("latency").resolve(name)));
            }
            case EDIT -> {
                Path file = d.a().resolve("big.bin");
                long offset = p.size() / 2;
                byte old;
                try (var ch = java.nio.channels.FileChannel.open(file)) {
                    java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
                    ch.read(one, offset);
                    old = one.get(0);
                }
                byte value = (byte) ~old;
                after.put("big.bin", ScenarioData.entryAfterByteEdit(file, offset, value));
                return new Landing(after, () -> ScenarioData.editByte(file, offset, value));
            }
            case INSERT -> {
                Path staged = d.staging().resolve("insert.bin");
                after.put("insert.bin", ScenarioData.writeFile(staged, p.seed(), p.insertSize(), new byte[] {42}));
                return new Landing(after, () -> land(staged, d.a().resolve("insert.bin")));
            }
            default -> throw new IllegalStateException(this + " is not a content change");
        }
    }

    /** A staged change: what A (and so B) holds afterwards, and the action that lands it. */
    record Landing(ExpectedTree after, IoAction land) {}

    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }

    /** Writes the MANY tree into staging as one directory, to be renamed into A in one step. */
    private static Path stageMany(Params p, Dirs d, ExpectedTree tree) throws IOException {
        Path staged = d.staging().resolve("many");
        for (int i = 0; i < p.files(); i++) {
            String dir = String.format("d-%03d", i % p.dirs());
            String name = String.format("f-%05d", i);
            tree.put("many/" + dir + "/" + name, ScenarioData.writeFile(staged.resolve(dir).resolve(name), p.seed() + i, p.fileBytes()));
        }
        return staged;
    }

    private static String latencyName(int i) {
        return String.format("f-%03d", i);
    }

    private static ExpectedTree copy(ExpectedTree t) {
        ExpectedTree c = new ExpectedTree();
        t.files().forEach(c::put);
        return c;
    }

    /** Renames staged content into A in one step, replacing what was there. */
    static void land(Path staged, Path target) throws IOException {
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
