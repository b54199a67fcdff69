package io.infergate.router.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.logging.Logger;

/**
 * The bearer token read from a file that may change while the router runs: on Kubernetes it is a
 * mounted Secret, which the kubelet swaps in place when an operator rotates the token.
 *
 * <p>Rule: the file is checked at most once per second, lazily on an authentication attempt
 * (pushes and id checks arrive several times a second while a controller is active), by its
 * modification time and size; when they changed, the content is read again. An unreadable or
 * empty file keeps the previous token, so a half-written update never locks the controller out.
 * The token is never logged.
 */
public final class TokenFile implements Credentials {

    private static final Logger LOG = Logger.getLogger(TokenFile.class.getName());
    private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

    private final Path path;
    private volatile BearerToken token;
    private volatile FileTime modified;
    private volatile long size;
    private volatile long lastCheck;

    /**
     * Reads the token once.
     *
     * @throws IllegalArgumentException when the file cannot be read or is empty
     */
    public TokenFile(Path path) {
        this.path = path;
        try {
            modified = Files.getLastModifiedTime(path);
            size = Files.size(path);
            token = new BearerToken(read(path));
        } catch (IOException e) {
            throw new IllegalArgumentException("--token-file " + path + ": cannot read it (" + e.getMessage() + ")", e);
        }
        lastCheck = System.nanoTime();
    }

    /** Reads and trims a token file; empty content is an error. */
    public static String read(Path path) throws IOException {
        String token = Files.readString(path).trim();
        if (token.isEmpty()) {
            throw new IllegalArgumentException("--token-file " + path + ": the file is empty");
        }
        return token;
    }

    @Override
    public boolean accepts(String authorization) {
        refreshIfDue();
        return token.accepts(authorization);
    }

    private void refreshIfDue() {
        long now = System.nanoTime();
        if (now - lastCheck < CHECK_INTERVAL_NANOS) {
            return;
        }
        synchronized (this) {
            if (now - lastCheck < CHECK_INTERVAL_NANOS) {
                return;
            }
            lastCheck = now;
            try {
                FileTime m = Files.getLastModifiedTime(path);
                long s = Files.size(path);
                if (m.equals(modified) && s == size) {
                    return;
                }
                token = new BearerToken(read(path));
                modified = m;
                size = s;
                LOG.info("token file " + path + " changed: the new token is in use");
            } catch (IOException | IllegalArgumentException e) {
                LOG.warning("token file " + path + " changed but cannot be used (" + e.getMessage()
                        + "); keeping the previous token");
            }
        }
    }

    @Override
    public String toString() {
        return "TokenFile[" + path + ", redacted]";
    }
}
