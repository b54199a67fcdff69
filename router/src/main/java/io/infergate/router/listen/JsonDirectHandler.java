package io.infergate.router.listen;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.infergate.router.inference.ErrorBody;

/**
 * Answers errors the server raises before routing (oversized body, bad framing, too many
 * concurrent requests) with the same OpenAI-style JSON as every other router error, instead of
 * Helidon's plain text. The server's own message is not echoed: it may quote request data.
 */
public final class JsonDirectHandler implements DirectHandler {

    private JsonDirectHandler() {
    }

    /** Direct handlers for every event type. */
    public static DirectHandlers all() {
        JsonDirectHandler h = new JsonDirectHandler();
        DirectHandlers.Builder b = DirectHandlers.builder();
        for (EventType t : EventType.values()) {
            b.addHandler(t, h);
        }
        return b.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status defaultStatus,
                                    ServerResponseHeaders responseHeaders, String message) {
        int code = defaultStatus.code();
        ErrorBody body = switch (code) {
            case 413 -> ErrorBody.of(413, ErrorBody.REQUEST_TOO_LARGE, "request body exceeds the configured maximum size");
            case 503 -> ErrorBody.of(503, ErrorBody.UPSTREAM_SATURATED, "too many concurrent requests on this listener");
            default -> code >= 500
                    ? ErrorBody.of(code, ErrorBody.INTERNAL_ERROR, "internal error")
                    : ErrorBody.of(code, ErrorBody.INVALID_REQUEST, "malformed request: " + defaultStatus.reasonPhrase());
        };
        return TransportResponse.builder()
                .status(defaultStatus)
                .headers(responseHeaders)
                .header(HeaderValues.CONTENT_TYPE_JSON)
                .entity(body.toJson())
                .build();
    }
}
