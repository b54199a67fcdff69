package io.infergate.common.http;

import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.webserver.http.ServerRequest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body as read by our handlers: every failure of Helidon's body decoding becomes one
 * {@link Malformed} exception with the status the client must get (413 over the size bound,
 * else 400), and after a failure {@link #close()} no longer reads.
 *
 * <p>Why: Helidon 4.5.0 reports a bad chunk size as a bare {@code NumberFormatException} (an
 * internal error, 500), and closing a body stream drains the rest of the body, which after broken
 * framing waits for bytes that never come (the connection hung until the client gave up).
 */
public final class ClientBody extends FilterInputStream {

    /** The client's body broke the framing rules or the size bound. */
    public static final class Malformed extends RuntimeException {
        private final int status;

        Malformed(int status, Throwable cause) {
            super(
                    switch (status) {
                        case 413 -> "request body exceeds the configured maximum size";
                        case 408 -> "the client took too long to send the request body";
                        default -> "malformed request body: invalid chunked framing";
                    },
                    cause);
            this.status = status;
        }

        /** 400, 408 (an HTTP/2 stream's body read timed out) or 413. */
        public int status() {
            return status;
        }
    }

    private final ConnectionWatchdog.Bound watchdog;
    private boolean failed;

    private ClientBody(InputStream in, ConnectionWatchdog.Bound watchdog) {
        super(in);
        this.watchdog = watchdog;
    }

    /** The request's body; each read is bounded by the listener's body-read timeout when it has one. */
    public static InputStream of(ServerRequest req) {
        return new ClientBody(req.content().inputStream(), ConnectionWatchdog.current());
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0; // nothing to wait for: no deadline (InputStream.readNBytes asks for 0 at its end)
        }
        if (watchdog != null) {
            watchdog.reading();
        }
        int n;
        RuntimeException failed = null;
        IOException broken = null;
        try {
            n = super.read(b, off, len);
        } catch (RuntimeException e) {
            n = -1;
            failed = e;
        } catch (IOException e) {
            n = -1;
            broken = e;
        }
        if (watchdog != null && watchdog.done()) {
            // an HTTP/2 stream's read cut by the body-read timeout ends like the body: refuse it
            throw failure(new Malformed(408, null));
        }
        if (failed != null) {
            throw failure(failed);
        }
        if (broken != null) {
            throw broken;
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        if (!failed) {
            super.close();
        }
    }

    private Malformed failure(RuntimeException e) {
        failed = true;
        if (e instanceof Malformed m) {
            return m;
        }
        // HTTP/1 reports the size bound with a RequestException, HTTP/2 with an HttpException
        boolean tooLarge = (e instanceof RequestException r && r.status().code() == 413)
                || (e instanceof HttpException h && h.status().code() == 413);
        return new Malformed(tooLarge ? 413 : 400, e);
    }
}
