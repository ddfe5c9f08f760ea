package dev.ebpf4j.cli;

/**
 * The command line does not follow a command's grammar (a missing or unknown word, a number that does not parse).
 * Reported as one {@code Error:} line and exit status 2, like other usage errors.
 *
 * <pre>{@code
 * throw new UsageException("expected 'id', 'name' or 'pinned', got: 'foo'");
 * }</pre>
 */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
