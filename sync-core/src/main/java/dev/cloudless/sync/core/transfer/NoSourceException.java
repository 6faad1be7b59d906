package dev.cloudless.sync.core.transfer;

import dev.cloudless.sync.core.block.Block;
import dev.cloudless.sync.core.path.FolderPath;

/**
 * No connected candidate peer is left that could serve a block: none was given, all were
 * disconnected, or all failed or served bad data. The pull can be retried when peers return.
 */
public final class NoSourceException extends Exception {
    private static final long serialVersionUID = 1L;

    public NoSourceException(FolderPath path, Block block, String detail) {
        super("no source for " + path + " block at " + block.offset() + " (" + block.length() + " bytes): " + detail);
    }
}
