package io.infergate.router.inference;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;

import java.util.Optional;

/**
 * An OpenAI-style error: {@code {"error":{"message","type","param","code"}}}, the shape OpenAI
 * clients already parse. Every error the router itself produces uses one of the stable codes
 * below; the type is {@code invalid_request_error} for 4xx and {@code server_error} for 5xx.
 *
 * @param status  the HTTP status
 * @param code    a stable machine-readable code
 * @param message a human-readable explanation (never contains request bodies or credentials)
 * @param param   the request field to blame, if any
 */
public record ErrorBody(int status, String code, String message, Optional<String> param) {
    /** The JSON-P provider, looked up once: each {@code Json.createX} call repeats a ServiceLoader scan. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** No route (listener, hostname or rule) matched: 404. */
    public static final String ROUTE_NOT_FOUND = "route_not_found";
    /** No route claims the model the body names (a listener that routes by model, docs/kthena.md). */
    public static final String MODEL_NOT_FOUND = "model_not_found";
    /** The chosen backendRef did not resolve, or no backendRef can be chosen: 500. */
    public static final String BACKEND_NOT_FOUND = "backend_not_found";
    /** The backend has no ready endpoints: 503. */
    public static final String NO_HEALTHY_UPSTREAM = "no_healthy_upstream";
    /** Every endpoint is at its concurrency bound: 503. */
    public static final String UPSTREAM_SATURATED = "upstream_saturated";
    /** The endpoint refused or did not accept the connection: 502. */
    public static final String UPSTREAM_CONNECT_FAILED = "upstream_connect_failed";
    /** The endpoint failed after the connection was made, before response headers: 502. */
    public static final String UPSTREAM_ERROR = "upstream_error";
    /** The route's timeout or the read timeout expired before response headers: 504. */
    public static final String UPSTREAM_TIMEOUT = "upstream_timeout";
    /** The body exceeds the configured bound: 413. */
    public static final String REQUEST_TOO_LARGE = "request_too_large";
    /** The request cannot be served as sent: 400. */
    public static final String INVALID_REQUEST = "invalid_request";
    /** Missing or wrong bearer token on the internal API: 401. */
    public static final String UNAUTHORIZED = "unauthorized";
    /** Missing or refused credentials on a route or Gateway with an AuthPolicy: 401 (OpenAI's code). */
    public static final String INVALID_API_KEY = "invalid_api_key";
    /** Over a RateLimitPolicy's limit: 429 with Retry-After (OpenAI's code). */
    public static final String RATE_LIMIT_EXCEEDED = "rate_limit_exceeded";
    /** A RateLimitPolicy that fails closed could not reach its store: 503. */
    public static final String RATE_LIMIT_UNAVAILABLE = "rate_limit_unavailable";
    /** Anything unexpected: 500. */
    public static final String INTERNAL_ERROR = "internal_error";

    public ErrorBody {
        param = param == null ? Optional.empty() : param;
    }

    /** An error without a param. */
    public static ErrorBody of(int status, String code, String message) {
        return new ErrorBody(status, code, message, Optional.empty());
    }

    /** The OpenAI error type for the status. */
    public String type() {
        return status >= 500 ? "server_error" : "invalid_request_error";
    }

    /** The {@code error} object plus the caller's extra top-level fields. */
    public JsonObjectBuilder toJsonBuilder() {
        JsonObjectBuilder error =
                JSON.createObjectBuilder().add("message", message).add("type", type());
        if (param.isPresent()) {
            error.add("param", param.get());
        } else {
            error.addNull("param");
        }
        error.add("code", code);
        return JSON.createObjectBuilder().add("error", error);
    }

    /** The JSON text. */
    public String toJson() {
        JsonObject o = toJsonBuilder().build();
        return o.toString();
    }
}
