package dev.cloudless.sync.bench.e2e;

import java.io.IOException;

/** A tool cannot run on this machine; the harness reports it as unavailable and goes on. */
public final class ToolUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param reason what is missing or what the tool said when it failed to start */
    public ToolUnavailableException(String reason) {
        super(reason);
    }
}
