package io.infergate.controller.publish;

import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.http.media.MediaContext;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import javax.net.ssl.SSLContext;
import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The router's internal snapshot API, as a client.
 *
 * <p>{@code PUT /internal/v1/snapshot} with the snapshot JSON answers 200
 * {@code {"id", "version", "changed"}}, 400 {@code {"error", "violations": [{"path", "message"}]}}
 * or 401; {@code GET /internal/v1/snapshot} answers 200 {@code {"id", "version"}} or 404 when the
 * router holds none. Both carry {@code Authorization: Bearer <token>}. The token never appears in
 * results or messages.
 */
final class RouterClient {

    static final String PATH = "/internal/v1/snapshot";

    private final WebClient client;
    private final Supplier<Optional<String>> token;

    private final Optional<Supplier<SSLContext>> tls;
    private volatile Tls currentTls;

    /**
     * @param tls read for every request to an {@code https} router (docs/adr/0035-internal-api-tls.md):
     *            the JDK's hostname check is off, the context's trust manager checks the routers'
     *            identity; a new context means new connections (the cache keys them by it)
     */
    RouterClient(
            Duration connectTimeout,
            Duration readTimeout,
            Supplier<Optional<String>> token,
            Optional<Supplier<SSLContext>> tls) {
        this.tls = tls;
        this.client = WebClient.builder()
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .followRedirects(false)
                .shareConnectionCache(false)
                .mediaContext(MediaContext.create())
                .build();
        this.token = token;
    }

    /** The outcome of a push. */
    sealed interface Push {
        /** The router holds the snapshot now. */
        record Accepted(String id, boolean changed) implements Push {}

        /** The router refused it (400) and said why. */
        record Rejected(String detail) implements Push {}

        /** Anything else: 401, another status, a timeout, a refused connection. */
        record Failed(String reason) implements Push {}
    }

    /** What a router holds. */
    sealed interface Probe {
        /** A snapshot with this id. */
        record Holds(String id) implements Probe {}

        /** No snapshot (404), e.g. just restarted. */
        record Empty() implements Probe {}

        /** The router could not tell: 401, another status, or unreachable. */
        record Failed(String reason) implements Probe {}
    }

    Push push(URI router, String json) {
        try (HttpClientResponse res = request(client.put(), router)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(json)) {
            int status = res.status().code();
            String body = res.as(String.class);
            return switch (status) {
                case 200 ->
                    field(body, "id")
                            .<Push>map(id -> new Push.Accepted(id, changed(body)))
                            .orElse(new Push.Failed("200 without an id"));
                case 400 -> new Push.Rejected(violations(body));
                case 401 -> new Push.Failed("401 unauthorized (is the token file the routers' token?)");
                default -> new Push.Failed("HTTP " + status);
            };
        } catch (RuntimeException e) {
            return new Push.Failed(describe(e));
        }
    }

    Probe probe(URI router) {
        try (HttpClientResponse res = request(client.get(), router).request()) {
            int status = res.status().code();
            String body = res.as(String.class);
            return switch (status) {
                case 200 ->
                    field(body, "id").<Probe>map(Probe.Holds::new).orElse(new Probe.Failed("200 without an id"));
                case 404 -> new Probe.Empty();
                case 401 -> new Probe.Failed("401 unauthorized (is the token file the routers' token?)");
                default -> new Probe.Failed("HTTP " + status);
            };
        } catch (RuntimeException e) {
            return new Probe.Failed(describe(e));
        }
    }

    private <T extends io.helidon.webclient.api.ClientRequestBase<T, ?>> T request(T request, URI router) {
        request.uri(router.resolve(PATH));
        tls.ifPresent(context -> request.tls(tls(context.get())));
        token.get().ifPresent(t -> request.header(HeaderNames.AUTHORIZATION, "Bearer " + t));
        return request;
    }

    /** One Tls per context, so that connections are reused until the context changes. */
    @SuppressWarnings("ReferenceEquality") // identity is the point: a new context means new connections
    private Tls tls(SSLContext context) {
        Tls t = currentTls;
        if (t == null || t.sslContext() != context) {
            t = Tls.builder()
                    .sslContext(context)
                    .endpointIdentificationAlgorithm(Tls.ENDPOINT_IDENTIFICATION_NONE)
                    .build();
            currentTls = t;
        }
        return t;
    }

    private static Optional<String> field(String body, String name) {
        return object(body)
                .map(o -> o.get(name))
                .filter(v -> v instanceof JsonString)
                .map(v -> ((JsonString) v).getString());
    }

    private static boolean changed(String body) {
        return object(body)
                .map(o -> o.get("changed"))
                .map(JsonValue.TRUE::equals)
                .orElse(false);
    }

    private static String violations(String body) {
        return object(body)
                .map(o -> o.get("violations"))
                .filter(v -> v.getValueType() == JsonValue.ValueType.ARRAY)
                .map(v -> v.asJsonArray().stream()
                        .limit(5)
                        .map(x -> x.getValueType() == JsonValue.ValueType.OBJECT
                                ? x.asJsonObject().getString("path", "") + ": "
                                        + x.asJsonObject().getString("message", "")
                                : x.toString())
                        .collect(Collectors.joining("; ")))
                .filter(s -> !s.isEmpty())
                .orElse("400 " + body.substring(0, Math.min(body.length(), 200)));
    }

    private static Optional<JsonObject> object(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return Optional.of(reader.readObject());
        } catch (JsonException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    @SuppressWarnings("ReferenceEquality") // a cause chain ends where a throwable is its own cause
    private static String describe(RuntimeException e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
