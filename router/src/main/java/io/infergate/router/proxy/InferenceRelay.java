package io.infergate.router.proxy;

import io.helidon.webserver.CloseConnectionException;
import io.infergate.router.inference.InferenceResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;

/**
 * Relays a non-streaming JSON inference response: read whole (bounded), usage read and the model
 * restored ({@link io.infergate.router.inference.InferenceResponse#json}), then written. A body over
 * the bound is written through unchanged and unread, so a huge response is never held in memory.
 */
final class InferenceRelay {

    private InferenceRelay() {}

    static void json(
            InferenceResponse inference,
            InputStream in,
            OutputStream out,
            long maxBytes,
            long contentLength,
            Function<Exception, CloseConnectionException> upstreamFailed) {
        byte[] body;
        boolean whole;
        int next = -1;
        try {
            if (contentLength >= 0 && contentLength <= maxBytes) {
                // A known length is read exactly: buffers of the body's size, not of 16 KiB
                // (readNBytes' chunk, and the client's read buffer sized by the request), then the
                // end, which hands the upstream connection back to the pool.
                body = in.readNBytes((int) contentLength);
                next = in.read();
                whole = next < 0;
            } else {
                body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                whole = body.length <= maxBytes;
            }
        } catch (IOException | RuntimeException e) {
            throw upstreamFailed.apply(e);
        }
        try {
            if (whole) {
                out.write(inference.json(body));
                out.close();
                return;
            }
            out.write(body);
            if (next >= 0) {
                out.write(next);
            }
        } catch (IOException | RuntimeException e) {
            throw new CloseConnectionException("client connection lost during the response", e);
        }
        byte[] buffer = new byte[16 * 1024];
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException | RuntimeException e) {
                throw upstreamFailed.apply(e);
            }
            try {
                if (n < 0) {
                    out.close();
                    return;
                }
                out.write(buffer, 0, n);
            } catch (IOException | RuntimeException e) {
                throw new CloseConnectionException("client connection lost during the response", e);
            }
        }
    }
}
