package io.infergate.simulator.http;

import io.helidon.webserver.http.ServerRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads request bodies up to a fixed limit. The listener's {@code max-payload-size} already refuses
 * a larger declared Content-Length; this also stops chunked bodies that grow past the limit.
 */
public final class BoundedBody {

    /** 16 MiB: far above any real prompt, small enough that no client can exhaust the heap. */
    public static final int MAX_BYTES = 16 * 1024 * 1024;

    private BoundedBody() {}

    /**
     * The whole body, or an empty array when there is none.
     *
     * @throws TooLargeException past {@link #MAX_BYTES}
     */
    public static byte[] read(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) != -1; ) {
                if (out.size() + n > MAX_BYTES) {
                    throw new TooLargeException();
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body exceeds {@link #MAX_BYTES}; answered 413. */
    public static final class TooLargeException extends RuntimeException {
        public TooLargeException() {
            super("request body exceeds " + MAX_BYTES + " bytes", null, false, false);
        }
    }
}
