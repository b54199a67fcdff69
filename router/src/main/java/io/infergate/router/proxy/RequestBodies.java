package io.infergate.router.proxy;

import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.common.http.ClientBody;
import io.infergate.common.snapshot.Backend;
import io.infergate.router.inference.ErrorBody;
import io.infergate.router.inference.OpenAiParser;
import io.infergate.router.inference.OpenAiRequest;
import io.infergate.router.schedule.BackendTarget;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The client-body step of the request path: inference requests to an InferencePool (or an external provider) are read
 * (bounded) and parsed; every other body is passed through, read first when it is small. Bad
 * bodies are answered here (400, 413).
 */
final class RequestBodies {

    /** Pass-through bodies up to this size are read before the endpoint is contacted. */
    static final int READ_FIRST_BYTES = 64 * 1024;

    /** The body to send and, for inference requests, what was parsed from it. */
    record Prepared(Upstream.Body body, Optional<OpenAiRequest> inference) {}

    private final long maxBodyBytes;

    RequestBodies(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The model lookup of one request, reading its body (bounded) only when asked. */
    ReadAhead readAhead(ServerRequest req, String path) {
        return new ReadAhead(
                req,
                maxBodyBytes,
                OpenAiRequest.isInference(req.prologue().method().text(), path));
    }

    /**
     * Inference requests to an InferencePool or an external provider are read (bounded) and
     * parsed (a bad one is answered 400 here, before a provider is paid to refuse it); every other body
     * streams through unread. Empty when the request was answered here (bad body).
     */
    Optional<Prepared> prepare(
            ServerRequest req, ServerResponse res, RequestRecord record, BackendTarget backend, String path) {
        return prepare(req, res, record, backend, path, Optional.empty());
    }

    /**
     * As {@link #prepare(ServerRequest, ServerResponse, RequestRecord, BackendTarget, String)}, for
     * a body the matcher has already read ({@link ReadAhead}): those bytes are the body.
     */
    Optional<Prepared> prepare(
            ServerRequest req,
            ServerResponse res,
            RequestRecord record,
            BackendTarget backend,
            String path,
            Optional<byte[]> readAhead) {
        if (!(backend.backend() instanceof Backend.InferencePool || backend.backend() instanceof Backend.External)
                || !OpenAiRequest.isInference(req.prologue().method().text(), path)) {
            Upstream.Body body = readAhead
                    .<Upstream.Body>map(Upstream.Body.Bytes::new)
                    .orElseGet(() -> req.content().hasEntity() ? passThrough(req) : new Upstream.Body.None());
            return Optional.of(new Prepared(body, Optional.empty()));
        }
        byte[] bytes = readAhead.isPresent() ? readAhead.get() : readBounded(req, res, record);
        if (bytes == null) {
            return Optional.empty();
        }
        return switch (OpenAiParser.parse(bytes)) {
            case OpenAiParser.Result.Invalid invalid -> {
                Responses.error(
                        res, record, new ErrorBody(400, ErrorBody.INVALID_REQUEST, invalid.message(), invalid.param()));
                yield Optional.empty();
            }
            case OpenAiParser.Result.Ok ok ->
                Optional.of(new Prepared(new Upstream.Body.Bytes(bytes), Optional.of(ok.request())));
        };
    }

    /**
     * A body that is not parsed: read first when it is small ({@link #READ_FIRST_BYTES}), so that
     * broken framing or a client that stops half-way is answered before the endpoint sees any of
     * the request (a streamed body cut short would reach it as a complete, truncated request);
     * larger bodies stream through as they arrive.
     */
    private static Upstream.Body passThrough(ServerRequest req) {
        long length = req.headers().contentLength().orElse(-1);
        InputStream in = ClientBody.of(req);
        if (length > READ_FIRST_BYTES) {
            return new Upstream.Body.Stream(in, length);
        }
        try {
            byte[] head = in.readNBytes(READ_FIRST_BYTES + 1);
            if (head.length <= READ_FIRST_BYTES) {
                return new Upstream.Body.Bytes(head);
            }
            return new Upstream.Body.Stream(new SequenceInputStream(new ByteArrayInputStream(head), in), length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads an inference body up to the bound; answers 413 and returns null beyond it. */
    private byte[] readBounded(ServerRequest req, ServerResponse res, RequestRecord record) {
        long length = req.headers().contentLength().orElse(-1);
        try (InputStream in = ClientBody.of(req)) {
            // A Content-Length within the bound is read exactly: no further read to learn of the
            // end (each read is a body-read deadline set and cleared); otherwise up to the bound + 1.
            byte[] bytes = in.readNBytes(
                    length >= 0 && length <= maxBodyBytes
                            ? (int) length
                            : (int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (bytes.length > maxBodyBytes) {
                Responses.error(
                        res,
                        record,
                        ErrorBody.of(
                                413, ErrorBody.REQUEST_TOO_LARGE, "request body exceeds " + maxBodyBytes + " bytes"));
                return null;
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The client's body broke the framing rules or the size bound while it was read. Answered here
     * rather than by Helidon's error handling, which would try to skip the rest of a body whose
     * framing is broken and wait for bytes that never come; the listener's ConnectionGuard closes
     * the connection after this answer (body not read to its end).
     */
    static void malformed(ServerResponse res, RequestRecord record, ClientBody.Malformed e) {
        if (res.isSent()) {
            throw new CloseConnectionException("malformed request body after the response started", e);
        }
        int status = e.status();
        Responses.error(
                res,
                record,
                switch (status) {
                    case 413 ->
                        ErrorBody.of(
                                413, ErrorBody.REQUEST_TOO_LARGE, "request body exceeds the configured maximum size");
                    case 408 -> ErrorBody.of(408, "request_timeout", e.getMessage());
                    default ->
                        ErrorBody.of(400, ErrorBody.INVALID_REQUEST, "malformed request body: invalid chunked framing");
                });
    }
}
