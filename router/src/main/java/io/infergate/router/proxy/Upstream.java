package io.infergate.router.proxy;

import io.helidon.common.socket.SocketOptions;
import io.helidon.http.Method;
import io.helidon.http.encoding.ContentEncodingContext;
import io.helidon.webclient.api.ClientRequest;
import io.helidon.webclient.api.HttpClient;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http2.Http2Client;
import io.helidon.webclient.http2.Http2ClientProtocolConfig;
import io.infergate.common.http.ClientBody;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.router.backendtls.UpstreamTls;

import javax.net.ssl.SSLException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP clients that talk to endpoints: HTTP/1.1 (the router's own client,
 * {@link Http1Upstream}: docs/adr/0038), HTTP/1.1 over TLS for backends a
 * BackendTLSPolicy applies to (whatever their appProtocol says: the policy wins), and HTTP/2 with
 * prior knowledge for {@code kubernetes.io/h2c} backends. Both set TCP_NODELAY, never follow redirects, never send
 * {@code Expect: 100-continue}, never decode or re-encode bodies, and keep their own connection
 * cache (Helidon's shared cache has no bound; {@link io.infergate.router.schedule.Scheduler}
 * bounds concurrency per endpoint instead).
 */
final class Upstream implements AutoCloseable {

    /** Write buffer of an upstream connection (Helidon's default 4 KiB); issue 16, memory per stream. */
    static final int WRITE_BUFFER_BYTES = 1024;

    /**
     * Why an exchange failed before response headers. {@code STALE}: a pooled keep-alive connection
     * that Helidon's idle monitor had already found broken (its background read failed while the
     * connection sat in the pool, e.g. timed out under a shorter per-request read timeout of an
     * earlier request); Helidon reports that only at the first read of the next exchange on it.
     * {@code TLS}: the TLS handshake with a backend failed (its certificate is not trusted or does
     * not prove the BackendTLSPolicy's identity), or the policy trusts no CA at all.
     */
    enum Failure {
        CONNECT,
        TIMEOUT,
        RESET,
        STALE,
        TLS
    }

    /** An exchange failed before response headers arrived. */
    static final class UpstreamException extends Exception {
        private final Failure failure;

        UpstreamException(Failure failure, Throwable cause) {
            super(failure + ": " + cause.getMessage(), cause);
            this.failure = failure;
        }

        Failure failure() {
            return failure;
        }
    }

    /** The request body to send upstream. */
    sealed interface Body {
        /** No body. */
        record None() implements Body {}

        /** A body already read (inference requests: parsed, then forwarded byte for byte). */
        record Bytes(byte[] bytes) implements Body {}

        /** A body streamed from the client as it arrives; {@code length} -1 when unknown. */
        record Stream(InputStream in, long length) implements Body {}
    }

    private final Http1Upstream plain;
    private final Http1Client http1;
    private final Http2Client h2c;
    private final ScheduledExecutorService timer;

    Upstream(ProxySettings settings) {
        SocketOptions socket = SocketOptions.builder()
                .tcpNoDelay(true)
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                .build();
        ContentEncodingContext raw = ContentEncodingContext.builder()
                .contentEncodingsDiscoverServices(false)
                .build();
        http1 = Http1Client.builder()
                .socketOptions(socket)
                // held by every pooled connection for its life (one per open stream); request
                // bodies are written in larger blocks, which bypass it
                .writeBufferSize(WRITE_BUFFER_BYTES)
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                .followRedirects(false)
                .sendExpectContinue(false)
                .shareConnectionCache(false)
                .servicesDiscoverServices(false)
                // no system proxy lookup per request (a URI parse and a ProxySelector call):
                // model servers are reached directly, never through a JVM-wide proxy setting
                .proxy(Proxy.noProxy())
                .contentEncoding(raw)
                .build();
        h2c = Http2Client.builder()
                .protocolConfig(
                        Http2ClientProtocolConfig.builder().priorKnowledge(true).build())
                .socketOptions(socket)
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.readTimeout())
                .followRedirects(false)
                .sendExpectContinue(false)
                .shareConnectionCache(false)
                .servicesDiscoverServices(false)
                // no system proxy lookup per request (a URI parse and a ProxySelector call):
                // model servers are reached directly, never through a JVM-wide proxy setting
                .proxy(Proxy.noProxy())
                .contentEncoding(raw)
                .build();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "upstream-deadlines");
            t.setDaemon(true);
            return t;
        });
        // its read-timeout and idle sweeps run on this timer until close() shuts it down
        plain = new Http1Upstream(settings.connectTimeout(), timer);
    }

    /**
     * Sends the request and waits for the response headers.
     *
     * @param tls         TLS to the endpoint (a BackendTLSPolicy), empty for plain text
     * @param target      the request target as the client sent it (raw path and query), possibly rewritten
     * @param readTimeout the longest wait for the response headers (and any later single read)
     * @throws UpstreamException when no response headers arrive
     */
    UpstreamResponse send(
            Endpoint endpoint,
            Backend.AppProtocol protocol,
            Optional<UpstreamTls> tls,
            String method,
            String target,
            HeaderList headers,
            Body body,
            Duration readTimeout)
            throws UpstreamException {
        if (tls.isPresent() && tls.get().tls() == null) {
            throw new UpstreamException(Failure.TLS, new SSLException(tls.get().refusal()));
        }
        try {
            if (tls.isPresent()) {
                return UpstreamResponse.of(
                        send(http1, endpoint, tls.get(), method, target, headers, body, readTimeout));
            }
            return switch (protocol) {
                case HTTP -> plain.send(endpoint, method, target, headers, body, readTimeout);
                case H2C -> UpstreamResponse.of(send(h2c, endpoint, null, method, target, headers, body, readTimeout));
            };
        } catch (ClientBody.Malformed e) {
            // the client's body is malformed or too large (Helidon's parser raised it while the body
            // was streamed): the client's error, answered by the listener's direct handler (400/413)
            throw e;
        } catch (RuntimeException e) {
            throw new UpstreamException(classify(e), e);
        }
    }

    /** Closes the response at the deadline unless cancelled first (a stream outliving its route timeout). */
    ScheduledFuture<?> closeAt(UpstreamResponse response, long delayNanos, Runnable onExpiry) {
        return timer.schedule(
                () -> {
                    onExpiry.run();
                    response.close();
                },
                delayNanos,
                TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        plain.close();
        http1.closeResource();
        h2c.closeResource();
    }

    private static <R extends ClientRequest<R>> HttpClientResponse send(
            HttpClient<R> client,
            Endpoint endpoint,
            UpstreamTls tls,
            String method,
            String target,
            HeaderList headers,
            Body body,
            Duration readTimeout) {
        // The raw target is written as sent: skipUriEncoding keeps Helidon from re-encoding it,
        // and passing it as the path (query included) keeps the query bytes untouched too.
        R request = client.method(Method.create(method))
                .uri(URI.create((tls == null ? "http://" : "https://") + endpoint.hostPort()))
                .skipUriEncoding(true)
                .path(target)
                .readTimeout(readTimeout)
                .followRedirects(false);
        if (tls != null) {
            request.tls(tls.tls()); // SNI and verification of the policy; the connection cache keys by it
        }
        headers.forEach((name, value) -> request.headers().add(HeaderNameCache.of(name), value));
        return switch (body) {
            case Body.None none -> request.request();
            case Body.Bytes bytes -> request.submit(bytes.bytes());
            case Body.Stream stream -> {
                if (stream.length() >= 0) {
                    request.headers().contentLength(stream.length());
                }
                yield request.outputStream(out -> copy(stream.in(), out));
            }
        };
    }

    private static void copy(InputStream in, OutputStream out) throws java.io.IOException {
        try (in;
                out) {
            in.transferTo(out);
        }
    }

    /** What Helidon 4.5's IdleInputStream throws for a failure its idle monitor recorded. */
    private static final String STALE_MESSAGE = "Exception in socket monitor thread.";

    /** Connect problems are 502s, silence is a 504, anything else after connecting a 502. */
    static Failure classify(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SSLException) {
                return Failure.TLS;
            }
            if (c.getClass() == RuntimeException.class && STALE_MESSAGE.equals(c.getMessage())) {
                return Failure.STALE; // before the timeout below: the monitor's own read timed out
            }
            if (c instanceof ConnectException
                    || c instanceof NoRouteToHostException
                    || c instanceof UnknownHostException) {
                return Failure.CONNECT;
            }
            if (c instanceof SocketTimeoutException t) {
                // the JDK says "Connect timed out" for connect and "Read timed out" for reads
                String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
                return m.contains("connect") ? Failure.CONNECT : Failure.TIMEOUT;
            }
        }
        return Failure.RESET;
    }
}
