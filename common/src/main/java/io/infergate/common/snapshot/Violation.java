package io.infergate.common.snapshot;

/**
 * One reason a snapshot is unusable.
 *
 * @param path    where, as a JSON-pointer-like path ({@code /routes/2/rules/0/matches/1/path})
 * @param message what is wrong, in words an operator can act on
 */
public record Violation(String path, String message) {
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
