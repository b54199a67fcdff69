package io.infergate.router.proxy;

import io.helidon.http.Header;
import io.helidon.http.RequestException;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.BackendRef;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.common.snapshot.Filter;
import io.infergate.common.snapshot.Timeouts;
import io.infergate.router.extproc.ResponsePhase;
import io.infergate.router.inference.ErrorBody;
import io.infergate.router.inference.InferenceResponse;
import io.infergate.router.match.Candidate;
import io.infergate.router.observe.RouterMetrics;
import io.infergate.router.outlier.OutlierDetection;
import io.infergate.router.schedule.BackendTarget;
import io.infergate.router.schedule.endpoint.Lease;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One upstream exchange: build the upstream request ({@link UpstreamRequest}, pure), send it, then
 * stream the response back.
 *
 * <p>Retries ({@link Retries}): a connect failure, or a 503 to a request that may be sent twice,
 * is sent once more to another endpoint, never once a response byte went to the client. Connect
 * failures and answers feed outlier detection ({@link OutlierDetection}).
 *
 * <p>Timeouts: the rule's {@code timeouts.request} runs from the router receiving the request,
 * {@code timeouts.backendRequest} from the start of each attempt; the earlier of the two deadlines
 * bounds the attempt. Expired before response headers: 504
 * with an OpenAI-style {@code upstream_timeout} error. A response still streaming at that deadline
 * (an SSE stream, say) is cut: the upstream connection is closed and the client connection is
 * closed without the final chunk, so the client sees a truncated response rather than a clean
 * end (the status line has already been sent, so no 504 can follow). Without route timeouts the
 * configured read timeout bounds every single read.
 *
 * <p>The client connection is watched while the upstream works ({@link ClientWatch}): a client
 * that leaves, before or after the response headers, cancels the upstream request at once (its
 * connection is closed) and is logged with status 499.
 *
 * <p>RequestMirror filters send copies of the final upstream request ({@link Mirrors}).
 *
 * <p>SSE ({@code text/event-stream}, or a request with {@code "stream": true}) is written chunk by
 * chunk with a flush after each write; Helidon would otherwise hold the first 4 KiB back.
 */
final class Exchange {

    private static final Logger LOG = Logger.getLogger(Exchange.class.getName());
    /** The status logged for a request whose client left before its answer (nginx's 499). */
    static final int CLIENT_CLOSED = 499;

    /**
     * Everything decided before the exchange.
     *
     * @param stream    the inference request asked for {@code stream: true}
     * @param idempotent sending the request twice does no harm: an idempotent method (RFC 9110) or
     *                  an inference request (generation has no side effects on the model server)
     * @param inference for inference requests to a pool or a provider: model restore, usage and token timing
     * @param backends  resolves the backends that RequestMirror filters name
     * @param picker    the external endpoint picker's response phase (its response header
     *                  mutations), {@link ResponsePhase#NONE} for natively picked endpoints
     */
    record Plan(
            RequestRecord record,
            BackendTarget backend,
            Candidate matched,
            BackendRef ref,
            String host,
            Upstream.Body body,
            boolean stream,
            boolean idempotent,
            Optional<InferenceResponse> inference,
            Function<String, Optional<BackendTarget>> backends,
            ResponsePhase picker) {}

    private final Upstream upstream;
    private final ProxySettings settings;
    private final RouterMetrics metrics;
    private final Mirrors mirrors;
    private final OutlierDetection outliers;

    Exchange(Upstream upstream, ProxySettings settings, RouterMetrics metrics, OutlierDetection outliers) {
        this.upstream = upstream;
        this.settings = settings;
        this.metrics = metrics;
        this.outliers = outliers;
        this.mirrors = new Mirrors(upstream, settings);
    }

    /**
     * Runs the exchange on {@code first}, and on one other endpoint when the first attempt fails in
     * a retriable way ({@link Retries}).
     *
     * @param another picks an endpoint not among the given {@code address:port} keys (its lease is
     *                closed here), empty when none has room
     */
    void run(
            ServerRequest req,
            ServerResponse res,
            Plan p,
            Lease first,
            Function<Set<String>, Optional<Lease>> another) {
        RequestRecord record = p.record();
        List<Filter> filters = new ArrayList<>();
        if (record.identityHeaders != null) { // first, so the credential is gone before any filter or mirror sees it
            filters.add(record.identityHeaders);
        }
        filters.addAll(p.matched().rule().filters());
        filters.addAll(p.ref().filters());
        UpstreamRequest request = UpstreamRequest.build(
                inbound(req, p.host()), filters, p.matched().match().path(), record.requestId);
        if (record.trace.on()) { // the client's traceparent goes on untouched when tracing is off
            record.trace.toUpstream(request.headers()::remove, request.headers()::set);
        }
        Upstream.Body body = Retries.trackable(mirror(p, filters, request));
        if (p.backend().backend() instanceof Backend.External provider) {
            request = request.toProvider(provider); // after mirroring: copies never carry the provider's key
        }
        Timeouts timeouts = p.matched().rule().timeouts();
        Optional<Duration> routeTimeout = routeTimeout(timeouts);
        Set<String> tried = new HashSet<>(2);
        Lease lease = first;
        Lease retryLease = null;
        boolean staleRetried = false;
        // a streamed body is still being read from the client: only a request read whole is watched
        ClientWatch.Watch watch = !settings.watchClients() || body instanceof Upstream.Body.Stream
                ? ClientWatch.none()
                : ClientWatch.start(req);
        try {
            for (int attempt = 0; ; attempt++) {
                Endpoint endpoint = lease.target().endpoint();
                String key = lease.target().key();
                record.endpoint = key;
                tried.add(key);
                long deadline = deadline(timeouts, record.startNanos, System.nanoTime());
                Duration readTimeout = settings.readTimeout();
                if (deadline != Long.MAX_VALUE) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        timeout(res, p, routeTimeout.orElseThrow());
                        return;
                    }
                    readTimeout = readTimeout.compareTo(Duration.ofNanos(remaining)) < 0
                            ? readTimeout
                            : Duration.ofNanos(remaining);
                }
                boolean mayRetry = attempt < settings.retries();
                UpstreamResponse response;
                try {
                    response = upstream.send(
                            endpoint,
                            p.backend().backend().appProtocol(),
                            p.backend().tls(),
                            request.method(),
                            request.target(),
                            request.headers(),
                            body,
                            readTimeout);
                } catch (Upstream.UpstreamException e) {
                    if (watch.gone()) {
                        throw clientGone(record, "before_headers", e);
                    }
                    if (e.failure() == Upstream.Failure.STALE
                            && !staleRetried
                            && Retries.afterStale(p.idempotent(), body)) {
                        staleRetried = true; // same endpoint, a new connection; not a retry attempt
                        metrics.upstreamRetry("stale_connection");
                        attempt--;
                        continue;
                    }
                    if (e.failure() == Upstream.Failure.CONNECT) {
                        outliers.connectFailed(key);
                    }
                    Optional<Lease> next = mayRetry && Retries.afterFailure(e.failure(), body)
                            ? another.apply(tried)
                            : Optional.empty();
                    if (next.isPresent()) {
                        metrics.upstreamRetry("connect");
                        LOG.fine(() -> "request " + record.requestId + ": could not connect to " + key
                                + ", retrying on " + next.get().target().key());
                        retryLease = lease = next.get();
                        continue;
                    }
                    failed(res, p, endpoint, e, routeTimeout.filter(t -> deadline != Long.MAX_VALUE), readTimeout);
                    return;
                }
                outliers.succeeded(key);
                if (mayRetry && response.status().code() == 503 && Retries.after503(p.idempotent(), body)) {
                    Optional<Lease> next = another.apply(tried);
                    if (next.isPresent()) {
                        response.close();
                        metrics.upstreamRetry("status_503");
                        retryLease = lease = next.get();
                        continue;
                    }
                }
                record.ttfbNanos = System.nanoTime() - record.startNanos;
                metrics.timeToFirstByte(p.backend().id(), record.ttfbNanos);
                relay(res, p, endpoint, request, response, deadline, watch);
                return;
            }
        } catch (RuntimeException e) {
            if (watch.gone() && !(e instanceof ClientGone)) {
                throw clientGone(record, record.ttfbNanos < 0 ? "before_headers" : "during_body", e);
            }
            throw e;
        } finally {
            watch.close();
            if (retryLease != null) {
                retryLease.close();
            }
        }
    }

    /** The client's request as {@link UpstreamRequest#build} reads it. */
    static UpstreamRequest.Inbound inbound(ServerRequest req, String defaultHost) {
        HeaderList headers = new HeaderList();
        for (Header h : req.headers()) {
            h.allValues().forEach(v -> headers.add(h.name(), v));
        }
        String peer = req.remotePeer().address() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress()
                : "";
        return new UpstreamRequest.Inbound(
                req.prologue().method().text(),
                req.prologue().uriPath().rawPath(),
                req.prologue().query().rawValue(),
                headers,
                peer,
                req.isSecure(),
                defaultHost);
    }

    private void relay(
            ServerResponse res,
            Plan p,
            Endpoint endpoint,
            UpstreamRequest request,
            UpstreamResponse response,
            long deadline,
            ClientWatch.Watch watch) {
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> watchdog = deadline == Long.MAX_VALUE
                ? null
                : upstream.closeAt(response, Math.max(0, deadline - System.nanoTime()), () -> expired.set(true));
        try (response) {
            if (p.backend().backend() instanceof Backend.External x && ProviderErrors.wrap(response)) {
                Responses.error(res, p.record(), ProviderErrors.body(response, x));
                return;
            }
            p.record().status = response.status().code();
            res.status(response.status());
            HeaderList out = PickerResponse.apply(
                    p.picker(),
                    response.status().code(),
                    request.responseHeaders(response.headers()),
                    endpoint.hostPort());
            out.forEach((name, value) -> res.headers().add(HeaderNameCache.of(name), value));
            int code = response.status().code();
            if ("HEAD".equals(request.method()) || code == 204 || code == 304) {
                res.send();
                return;
            }
            String type = response.contentType();
            boolean flushEach = p.stream() || type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
            // a JSON answer, even to a stream request (an error), is one object: read whole, model restored
            if (p.inference().isPresent() && type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                InferenceRelay.json(
                        p.inference().get(),
                        PickerResponse.tap(p.picker(), response.inputStream()),
                        res.outputStream(),
                        settings.maxBodyBytes(),
                        response.contentLength(),
                        e -> copyFailed(p, endpoint, e, watch));
                return;
            }
            copy(
                    p,
                    endpoint,
                    PickerResponse.tap(p.picker(), response.inputStream()),
                    res.outputStream(),
                    flushEach,
                    expired,
                    watch);
        } finally {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }
    }

    /** Copies the body; on a failure of either side cuts the client connection rather than ending the body cleanly. */
    private void copy(
            Plan p,
            Endpoint endpoint,
            InputStream in,
            OutputStream out,
            boolean flushEach,
            AtomicBoolean expired,
            ClientWatch.Watch watch) {
        // a stream holds its buffer for its whole life (10,000 at once) and its events are a few
        // hundred bytes: 1 KiB (a longer event takes two reads); a plain body is short-lived and
        // large reads pay off
        byte[] buffer = new byte[flushEach ? 1024 : 16 * 1024];
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException | RuntimeException e) {
                if (watch.gone()) {
                    throw clientGone(p.record(), "during_body", e);
                }
                String kind = expired.get() ? "stream_timeout" : "aborted";
                metrics.upstreamError(kind);
                LOG.log(
                        Level.WARNING,
                        "upstream " + endpoint.hostPort() + " response ended abnormally (" + kind + "), request "
                                + p.record().requestId + ": " + e.getMessage());
                throw new CloseConnectionException("upstream response ended abnormally: " + kind, e);
            }
            if (n < 0) {
                break;
            }
            try {
                // an inference stream: restore the model event by event, or observe usage after writing
                InferenceResponse tap = flushEach ? p.inference().orElse(null) : null;
                if (tap != null && tap.rewrites()) {
                    out.write(tap.rewrite(buffer, n));
                } else {
                    out.write(buffer, 0, n);
                }
                if (flushEach) {
                    out.flush();
                }
                if (tap != null && !tap.rewrites()) {
                    tap.observe(buffer, n);
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "client went away during the response, request " + p.record().requestId, e);
                throw new CloseConnectionException("client connection lost during the response", e);
            }
        }
        try {
            if (flushEach && p.inference().isPresent()) {
                out.write(p.inference().get().end());
            }
            out.close();
        } catch (IOException | RuntimeException e) {
            throw new CloseConnectionException("client connection lost at the end of the response", e);
        }
    }

    /** The upstream response broke off while it was being read. */
    private CloseConnectionException copyFailed(Plan p, Endpoint endpoint, Exception e, ClientWatch.Watch watch) {
        if (watch.gone()) {
            return clientGone(p.record(), "during_body", e);
        }
        metrics.upstreamError("aborted");
        LOG.log(
                Level.WARNING,
                "upstream " + endpoint.hostPort() + " response ended abnormally (aborted), request "
                        + p.record().requestId + ": " + e.getMessage());
        return new CloseConnectionException("upstream response ended abnormally: aborted", e);
    }

    private void failed(
            ServerResponse res,
            Plan p,
            Endpoint target,
            Upstream.UpstreamException e,
            Optional<Duration> routeTimeout,
            Duration readTimeout) {
        if (tooLarge(e)) {
            Responses.error(
                    res,
                    p.record(),
                    ErrorBody.of(413, ErrorBody.REQUEST_TOO_LARGE, "request body exceeds the configured maximum size"));
            return;
        }
        String endpoint = target.hostPort();
        switch (e.failure()) {
            case CONNECT -> {
                metrics.upstreamError("connect");
                Responses.error(
                        res,
                        p.record(),
                        ErrorBody.of(
                                502,
                                ErrorBody.UPSTREAM_CONNECT_FAILED,
                                "could not connect to " + endpoint + " of "
                                        + p.backend().id()));
            }
            case TIMEOUT -> {
                if (routeTimeout.isPresent() && readTimeout.compareTo(settings.readTimeout()) < 0) {
                    timeout(res, p, routeTimeout.get());
                } else {
                    metrics.upstreamError("timeout");
                    Responses.error(
                            res,
                            p.record(),
                            ErrorBody.of(
                                    504,
                                    ErrorBody.UPSTREAM_TIMEOUT,
                                    endpoint + " sent no response headers within the read timeout "
                                            + settings.readTimeout()));
                }
            }
            case TLS -> {
                metrics.upstreamError("tls");
                String reason = tlsReason(e);
                LOG.warning("TLS to " + endpoint + " of " + p.backend().id() + " failed, request "
                        + p.record().requestId + ": " + reason);
                Responses.error(
                        res,
                        p.record(),
                        ErrorBody.of(
                                502,
                                ErrorBody.UPSTREAM_TLS_FAILED,
                                "TLS to " + endpoint + " of " + p.backend().id() + " failed: " + reason));
            }
            case RESET, STALE -> {
                metrics.upstreamError("reset");
                LOG.log(
                        Level.WARNING,
                        "upstream " + endpoint + " failed before response headers, request " + p.record().requestId
                                + ": " + e.getMessage());
                Responses.error(
                        res,
                        p.record(),
                        ErrorBody.of(
                                502,
                                ErrorBody.UPSTREAM_ERROR,
                                endpoint + " of " + p.backend().id() + " failed before sending response headers"));
            }
        }
    }

    /**
     * The innermost message of a TLS failure: the trust manager's reason (untrusted chain, names
     * that do not match) rather than the JDK's generic handshake wrapper.
     */
    private static String tlsReason(Throwable e) {
        String reason = e.getMessage();
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof java.security.cert.CertificateException && c.getMessage() != null) {
                return c.getMessage(); // the outermost is the backend trust manager's own reason
            }
            if (c.getMessage() != null) {
                reason = c.getMessage();
            }
        }
        return reason == null ? "handshake failed" : reason;
    }

    /** The client went away while the upstream worked: nothing can be written, the connection is closed. */
    private ClientGone clientGone(RequestRecord record, String phase, Exception cause) {
        record.status = CLIENT_CLOSED;
        metrics.clientDisconnect(phase);
        LOG.fine(() ->
                "request " + record.requestId + ": the client went away (" + phase + "), upstream request cancelled");
        return new ClientGone(phase, cause);
    }

    /** Closes the client connection without an answer: the client left. */
    static final class ClientGone extends CloseConnectionException {
        ClientGone(String phase, Exception cause) {
            super("client went away " + phase.replace('_', ' '), cause);
        }
    }

    private void timeout(ServerResponse res, Plan p, Duration limit) {
        metrics.upstreamError("timeout");
        Responses.error(
                res,
                p.record(),
                ErrorBody.of(
                        504,
                        ErrorBody.UPSTREAM_TIMEOUT,
                        "no response headers within the route timeout of " + limit.toMillis() + " ms"));
    }

    /** The body exceeded the listener bound while it was being streamed upstream. */
    private static boolean tooLarge(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof RequestException r && r.status().code() == 413) {
                return true;
            }
        }
        return false;
    }

    /**
     * Mirrors the request when the rule or the backendRef has RequestMirror filters that fire, and
     * returns the body to send to the chosen backend. A streamed body is read into memory first
     * (up to the inference body bound) so every copy gets the same bytes; a larger body is sent to
     * the backend unmirrored, since holding it would make mirroring cost unbounded memory.
     */
    private Upstream.Body mirror(Plan p, List<Filter> filters, UpstreamRequest request) {
        List<BackendTarget> targets = Mirrors.targets(filters, p.backends(), ThreadLocalRandom.current());
        if (targets.isEmpty()) {
            return p.body();
        }
        Upstream.Body body = p.body();
        if (body instanceof Upstream.Body.Stream stream) {
            byte[] head;
            try {
                head = stream.in().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBodyBytes() + 1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (head.length > settings.maxBodyBytes()) {
                LOG.fine(() -> "request " + p.record().requestId + " not mirrored: its body exceeds "
                        + settings.maxBodyBytes() + " bytes");
                return new Upstream.Body.Stream(
                        new SequenceInputStream(new ByteArrayInputStream(head), stream.in()), stream.length());
            }
            body = new Upstream.Body.Bytes(head);
        }
        for (BackendTarget t : targets) {
            mirrors.send(
                    new Mirrors.Copy(
                            t,
                            request.method(),
                            request.target(),
                            request.headers().copy(),
                            body),
                    ThreadLocalRandom.current());
        }
        return body;
    }

    /**
     * When the attempt must have ended, in {@link System#nanoTime()} terms: {@code request} counts
     * from the router receiving the request, {@code backendRequest} from the start of the attempt;
     * the earlier wins. {@link Long#MAX_VALUE} without either.
     */
    static long deadline(Timeouts t, long requestStart, long attemptStart) {
        long deadline = Long.MAX_VALUE;
        if (t.request().isPresent()) {
            deadline = requestStart + t.request().get().toNanos();
        }
        if (t.backendRequest().isPresent()) {
            deadline =
                    Math.min(deadline, attemptStart + t.backendRequest().get().toNanos());
        }
        return deadline;
    }

    /** The shorter of the rule's request and backendRequest timeouts (named in the 504 body). */
    static Optional<Duration> routeTimeout(Timeouts t) {
        if (t.request().isPresent() && t.backendRequest().isPresent()) {
            return Optional.of(
                    t.request().get().compareTo(t.backendRequest().get()) <= 0
                            ? t.request().get()
                            : t.backendRequest().get());
        }
        return t.request().or(t::backendRequest);
    }
}
