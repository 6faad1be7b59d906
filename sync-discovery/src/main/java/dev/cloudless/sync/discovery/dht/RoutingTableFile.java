package dev.cloudless.sync.discovery.dht;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The routing table on disk: a bencoded dictionary {@code {"id": our id, "nodes": compact node
 * info}} written atomically (temporary file, then rename). The file is read back as untrusted
 * input: anything malformed is ignored and the node starts empty.
 */
final class RoutingTableFile {
    /** The file's name in the node's data directory. */
    static final String FILE_NAME = "dht-routing.dat";
    /** Nodes saved: the most recently seen, and few enough to stay within {@link Bencode#MAX_INPUT_BYTES}. */
    static final int MAX_SAVED_NODES = 200;

    /** What a file holds. */
    record Saved(NodeId id, List<NodeInfo> nodes) {
    }

    private RoutingTableFile() {
    }

    static void save(Path file, NodeId id, List<NodeInfo> nodes) throws IOException {
        List<NodeInfo> kept = nodes.size() > MAX_SAVED_NODES ? nodes.subList(0, MAX_SAVED_NODES) : nodes;
        byte[] data = Bencode.encode(Map.of("id", id.toBytes(), "nodes", Krpc.compactNodes(kept)));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(tmp, data);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The saved table, or null when the file is missing, too large or malformed. */
    static Saved load(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > Bencode.MAX_INPUT_BYTES) {
                return null;
            }
            if (!(Bencode.decode(Files.readAllBytes(file)) instanceof Map<?, ?> m)
                    || !(m.get("id") instanceof byte[] id) || id.length != NodeId.BYTES
                    || !(m.get("nodes") instanceof byte[] nodes)) {
                return null;
            }
            return new Saved(NodeId.of(id), Krpc.parseNodes(nodes));
        } catch (IOException | DhtProtocolException e) {
            return null;
        }
    }
}
