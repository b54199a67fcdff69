package io.infergate.router.proxy;

import io.helidon.http.Header;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientResponse;

import java.io.InputStream;

/**
 * An endpoint's response as the proxy path reads it, whichever client fetched it: the router's own
 * HTTP/1.1 client ({@link Http1Upstream}) or Helidon's (TLS and h2c endpoints).
 */
interface UpstreamResponse extends AutoCloseable {

    /** The status, with the endpoint's reason phrase. */
    Status status();

    /** The response headers in order, names as received. */
    HeaderList headers();

    /** The Content-Length, -1 without one. */
    long contentLength();

    /** The body; empty for HEAD, 204 and 304. Read to its end, it frees the connection for reuse. */
    InputStream inputStream();

    /**
     * Ends the response; a connection whose body was not read to its end is closed, not reused.
     * May be called from another thread (a route deadline), which makes a blocked body read fail.
     * Idempotent.
     */
    @Override
    void close();

    /** The Content-Type, "" without one. */
    default String contentType() {
        String type = headers().first("content-type");
        return type == null ? "" : type;
    }

    /** A response of Helidon's WebClient. */
    static UpstreamResponse of(HttpClientResponse response) {
        HeaderList headers = new HeaderList();
        for (Header h : response.headers()) {
            for (String v : h.allValues()) {
                headers.add(h.name(), v);
            }
        }
        long length = response.headers().contentLength().orElse(-1);
        return new UpstreamResponse() {
            @Override
            public Status status() {
                return response.status();
            }

            @Override
            public HeaderList headers() {
                return headers;
            }

            @Override
            public long contentLength() {
                return length;
            }

            @Override
            public InputStream inputStream() {
                return response.inputStream();
            }

            @Override
            public void close() {
                response.close();
            }
        };
    }
}
