package io.infergate.simulator.openai;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.simulator.http.JsonBodies;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * A request the simulator refuses, answered as OpenAI does:
 * {@code {"error": {"message", "type", "param", "code"}}} with the matching HTTP status.
 * {@code param} and {@code code} are JSON null when they do not apply.
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    public ApiError(int status, String message, String type, String param, String code) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    public static ApiError badRequest(String message, String param) {
        return new ApiError(400, message, "invalid_request_error", param, null);
    }

    public static ApiError modelNotFound(String model) {
        return new ApiError(
                404, "The model `" + model + "` does not exist.", "invalid_request_error", "model", "model_not_found");
    }

    public static ApiError tooLarge(String message) {
        return new ApiError(413, message, "invalid_request_error", null, "request_too_large");
    }

    public static ApiError queueFull(String message) {
        return new ApiError(429, message, "rate_limit_error", null, "queue_full");
    }

    public static ApiError methodNotAllowed(String method, String allowed) {
        return new ApiError(
                405,
                "Method " + method + " is not allowed here; use " + allowed + ".",
                "invalid_request_error",
                null,
                "method_not_allowed");
    }

    public static ApiError unavailable(String message) {
        return new ApiError(503, message, "server_error", null, "service_unavailable");
    }

    public int status() {
        return status;
    }

    public JsonObject toJson() {
        JsonObjectBuilder error = JsonBodies.BUILDERS
                .createObjectBuilder()
                .add("message", getMessage())
                .add("type", type);
        addOrNull(error, "param", param);
        addOrNull(error, "code", code);
        return JsonBodies.BUILDERS.createObjectBuilder().add("error", error).build();
    }

    /** Sends this error unless the response is already committed (then there is no way to say it). */
    public void send(ServerResponse res) {
        if (res.isSent()) {
            return;
        }
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, JsonBodies.CONTENT_TYPE);
        res.send(JsonBodies.bytes(toJson()));
    }

    private static void addOrNull(JsonObjectBuilder builder, String name, String value) {
        if (value == null) {
            builder.addNull(name);
        } else {
            builder.add(name, value);
        }
    }
}
