package io.infergate.common.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import jakarta.json.spi.JsonProvider;

/**
 * Answers errors the server raises outside a handler (bad framing, oversized body, too many
 * concurrent requests, an unsupported HTTP version) with an OpenAI-style JSON error
 * ({@code {"error":{"message","type","param","code"}}}) instead of Helidon's plain text, and
 * always with {@code Connection: close}. The server's own message is not echoed: it may quote
 * request data.
 *
 * <p>Helidon 4.5.0 reports some client framing errors as internal errors (an invalid method token
 * such as {@code G@T}, a bad chunk in a body nobody read): an internal error raised before the
 * request line was parsed, or while the rest of a request body was skipped, can only be the
 * client's, so it is answered 400 here (see ADR 0011).
 */
public final class JsonDirectHandler implements DirectHandler {

    private static final JsonProvider JSON = JsonProvider.provider();

    private JsonDirectHandler() {}

    /** Direct handlers for every event type. */
    public static DirectHandlers all() {
        JsonDirectHandler h = new JsonDirectHandler();
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (EventType t : EventType.values()) {
            b.addHandler(t, h);
        }
        return b.build();
    }

    /** The status and JSON body for an event (pure: the tests call it directly). */
    static Answer answer(EventType eventType, Status defaultStatus, TransportRequest request) {
        if (eventType == EventType.HTTP_VERSION_NOT_SUPPORTED || defaultStatus.code() == 505) {
            return new Answer(
                    Status.HTTP_VERSION_NOT_SUPPORTED_505,
                    "http_version_not_supported",
                    "only HTTP/1.1 is served on this port: send the request as HTTP/1.1");
        }
        if (eventType == EventType.INTERNAL_ERROR && beforeRouting(request)) {
            return new Answer(Status.BAD_REQUEST_400, "invalid_request", "malformed request: invalid HTTP/1.1 framing");
        }
        int code = defaultStatus.code();
        return switch (code) {
            case 413 ->
                new Answer(defaultStatus, "request_too_large", "request body exceeds the configured maximum size");
            case 414 ->
                new Answer(defaultStatus, "invalid_request", "request line exceeds the configured maximum length");
            case 431 ->
                new Answer(defaultStatus, "invalid_request", "request headers exceed the configured maximum size");
            case 501 ->
                new Answer(
                        defaultStatus,
                        "not_implemented",
                        "unsupported transfer coding: only 'Transfer-Encoding: chunked' is accepted");
            case 503 ->
                new Answer(defaultStatus, "upstream_saturated", "too many concurrent requests on this listener");
            default ->
                code >= 500
                        ? new Answer(defaultStatus, "internal_error", "internal error")
                        : new Answer(
                                defaultStatus, "invalid_request", "malformed request: " + defaultStatus.reasonPhrase());
        };
    }

    /**
     * Helidon's catch-all for failures outside routing passes an empty request: the request line
     * was not parsed (an invalid method token) or the failure came after the handler (skipping an
     * unread body with bad chunks). Failures inside routing always carry the parsed request.
     */
    private static boolean beforeRouting(TransportRequest request) {
        return request == null || (request.method().isEmpty() && request.path().isEmpty());
    }

    /** A status with its stable error code and message. */
    record Answer(Status status, String code, String message) {
        String json() {
            var error = JSON.createObjectBuilder()
                    .add("message", message)
                    .add("type", status.code() >= 500 ? "server_error" : "invalid_request_error")
                    .addNull("param")
                    .add("code", code);
            return JSON.createObjectBuilder().add("error", error).build().toString();
        }
    }

    @Override
    public TransportResponse handle(
            TransportRequest request,
            EventType eventType,
            Status defaultStatus,
            ServerResponseHeaders responseHeaders,
            String message) {
        ConnectionWatchdog.answeredDirectly();
        Answer a = answer(eventType, defaultStatus, request);
        return TransportResponse.builder()
                .status(a.status())
                .headers(responseHeaders)
                .header(HeaderValues.CONTENT_TYPE_JSON)
                .header(HeaderValues.CONNECTION_CLOSE)
                .keepAlive(false)
                .entity(a.json())
                .build();
    }
}
