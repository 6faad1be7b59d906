package dev.cloudless.sync.core.index;

import dev.cloudless.sync.core.block.Block;
import dev.cloudless.sync.core.path.FolderPath;
import dev.cloudless.sync.core.version.VersionVector;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Child-JVM side of {@link IndexCrashTest}: commits numbered batches forever and prints each
 * batch number only after its transaction committed, until it is killed.
 */
public final class IndexCrashWriter {
    static final int FILES_PER_BATCH = 20;
    static final byte[] FOLDER = {7};

    private IndexCrashWriter() {}

    public static void main(String[] args) {
        IndexStore store = IndexStore.open(Path.of(args[0]));
        FolderIndex folder = store.folder(FOLDER);
        for (int batch = 0; ; batch++) {
            List<FileRecord> records = new ArrayList<>();
            for (int i = 0; i < FILES_PER_BATCH; i++) {
                records.add(record(batch, i));
            }
            folder.applyLocal(records);
            System.out.println(batch);
            System.out.flush();
        }
    }

    static FolderPath path(int batch, int i) {
        return FolderPath.parse(String.format("b%06d/f%02d", batch, i));
    }

    static FileRecord record(int batch, int i) {
        int length = 1 + i;
        return FileRecord.file(path(batch, i), length, Instant.ofEpochSecond(batch), 0644,
                VersionVector.of(Map.of(1L, (long) batch + 1)),
                List.of(new Block(0, length, Records.hash(batch * FILES_PER_BATCH + i))), 1L);
    }
}
