package io.infergate.common.snapshot;

import io.infergate.common.json.JsonLimits;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Decodes the wire form written by {@link SnapshotJson}. Never throws on bad input: every problem
 * becomes a {@link Violation} with its path, and decoding goes on so that one answer lists them
 * all. The {@code id} field, when present, must equal the content id of what was decoded.
 */
public final class SnapshotDecoder {
    /** The JSON-P provider, looked up once: each {@code Json.createX} call repeats a ServiceLoader scan. */
    private static final JsonProvider JSON = JsonProvider.provider();

    /** The outcome: a snapshot with its id, or the violations. */
    public sealed interface Result {
        /** A decoded snapshot and its verified content id. */
        record Ok(Snapshot snapshot, String id) implements Result {}

        /** Why the input is not a snapshot. */
        record Invalid(List<Violation> violations) implements Result {
            public Invalid {
                violations = List.copyOf(violations);
            }
        }
    }

    private final List<Violation> violations = new ArrayList<>();

    private SnapshotDecoder() {}

    /** Decodes a snapshot from its JSON text. */
    public static Result decode(String json) {
        if (JsonLimits.tooDeep(json, JsonLimits.MAX_SNAPSHOT_DEPTH)) {
            return new Result.Invalid(
                    List.of(new Violation("", JsonLimits.tooDeepMessage(JsonLimits.MAX_SNAPSHOT_DEPTH))));
        }
        JsonObject root;
        try (var reader = JSON.createReader(new StringReader(json))) {
            root = reader.readObject();
        } catch (RuntimeException e) { // JsonException, or the provider's own limits on hostile input
            return new Result.Invalid(List.of(new Violation("", "not a JSON object: " + e.getMessage())));
        }
        SnapshotDecoder d = new SnapshotDecoder();
        Snapshot s = d.snapshot(root);
        if (!d.violations.isEmpty()) {
            return new Result.Invalid(d.violations);
        }
        String id = SnapshotJson.contentId(s);
        if (root.containsKey("id") && !id.equals(str(root, "id"))) {
            return new Result.Invalid(List.of(new Violation(
                    "/id",
                    "does not match the content (expected " + id
                            + "): the snapshot was altered or built by an incompatible writer")));
        }
        return new Result.Ok(s, id);
    }

    private Snapshot snapshot(JsonObject o) {
        int version = integer(o, "schemaVersion", "");
        if (version != Snapshot.SCHEMA_VERSION && violations.isEmpty()) {
            violate(
                    "/schemaVersion",
                    "unsupported schema version " + version + " (this router understands " + Snapshot.SCHEMA_VERSION
                            + ")");
        }
        return new Snapshot(
                version,
                list(o, "gateways", "", this::gateway),
                list(o, "routes", "", this::route),
                list(o, "backends", "", this::backend),
                list(o, "objectives", "", this::objective),
                o.containsKey("routers") ? integer(o, "routers", "") : 1, // absent: one router (older writers)
                list(o, "certificates", "", this::certificate), // absent: no HTTPS listeners
                list(o, "authPolicies", "", this::authPolicy), // absent: no AuthPolicies
                list(o, "rateLimitPolicies", "", this::rateLimitPolicy), // absent: none
                list(o, "backendTls", "", this::backendTls)); // absent: no backend TLS
    }

    private BackendTls backendTls(JsonObject o, String p) {
        JsonValue system = o.get("systemCertificates");
        boolean trueValue = system != null && system.getValueType() == JsonValue.ValueType.TRUE;
        if (system != null && !trueValue && system.getValueType() != JsonValue.ValueType.FALSE) {
            violate(p + "/systemCertificates", "must be a boolean");
        }
        return new BackendTls(
                string(o, "backend", p),
                string(o, "policy", p),
                string(o, "hostname", p),
                list(
                        o,
                        "subjectAltNames",
                        p,
                        (n, q) -> new BackendTls.SubjectAltName(
                                enumValue(n, "type", q, BackendTls.Type.class, BackendTls.Type.HOSTNAME),
                                string(n, "value", q))),
                strings(o, "caCertificates", p),
                trueValue);
    }

    private RateLimitPolicy rateLimitPolicy(JsonObject o, String p) {
        return new RateLimitPolicy(
                string(o, "id", p),
                strings(o, "targets", p),
                enumValue(o, "failureMode", p, RateLimitPolicy.FailureMode.class, RateLimitPolicy.FailureMode.OPEN),
                list(
                        o,
                        "limits",
                        p,
                        (l, q) -> new RateLimitPolicy.Limit(
                                enumValue(l, "scope", q, RateLimitPolicy.Scope.class, RateLimitPolicy.Scope.GLOBAL),
                                enumValue(l, "unit", q, RateLimitPolicy.Unit.class, RateLimitPolicy.Unit.MINUTE),
                                count(l, "tokens", q),
                                count(l, "requests", q),
                                strings(l, "tenants", q),
                                strings(l, "models", q))));
    }

    private long count(JsonObject o, String key, String p) {
        JsonValue v = o.get(key);
        if (v instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.longValueExact();
            } catch (ArithmeticException e) {
                violate(p + "/" + key, "out of range");
                return 0;
            }
        }
        violate(p + "/" + key, v == null ? "is required" : "must be an integer");
        return 0;
    }

    private AuthPolicy authPolicy(JsonObject o, String p) {
        return new AuthPolicy(
                string(o, "id", p),
                strings(o, "targets", p),
                list(o, "apiKeys", p, (k, q) -> new AuthPolicy.ApiKey(string(k, "sha256", q), string(k, "tenant", q))),
                o.containsKey("jwt") ? Optional.of(jwt(object(o, "jwt", p), p + "/jwt")) : Optional.empty());
    }

    private AuthPolicy.Jwt jwt(JsonObject o, String p) {
        return new AuthPolicy.Jwt(
                string(o, "issuer", p),
                strings(o, "audiences", p),
                string(o, "jwksUri", p),
                string(o, "tenantClaim", p),
                list(
                        o,
                        "claimHeaders",
                        p,
                        (h, q) -> new AuthPolicy.ClaimHeader(string(h, "claim", q), string(h, "header", q))));
    }

    private Gateway gateway(JsonObject o, String p) {
        return new Gateway(
                string(o, "id", p),
                string(o, "namespace", p),
                string(o, "name", p),
                strings(o, "addresses", p),
                list(o, "listeners", p, this::listener));
    }

    private Listener listener(JsonObject o, String p) {
        return new Listener(
                string(o, "name", p),
                integer(o, "port", p),
                enumValue(o, "protocol", p, Listener.Protocol.class, Listener.Protocol.HTTP),
                optString(o, "hostname", p),
                o.containsKey("publicPort")
                        ? Optional.of(integer(o, "publicPort", p))
                        : Optional.empty(), // absent: the socket port
                o.containsKey("certificates") ? strings(o, "certificates", p) : List.of());
    }

    private Certificate certificate(JsonObject o, String p) {
        return new Certificate(string(o, "id", p), string(o, "certificateChain", p), string(o, "privateKey", p));
    }

    private HttpRoute route(JsonObject o, String p) {
        return new HttpRoute(
                string(o, "id", p),
                string(o, "namespace", p),
                string(o, "name", p),
                string(o, "creationTimestamp", p),
                strings(o, "hostnames", p),
                list(o, "parents", p, (x, q) -> new ListenerRef(string(x, "gateway", q), string(x, "listener", q))),
                list(o, "rules", p, this::rule));
    }

    private Rule rule(JsonObject o, String p) {
        JsonObject t = object(o, "timeouts", p);
        Timeouts timeouts = new Timeouts(
                optMillis(t, "requestMillis", p + "/timeouts"), optMillis(t, "backendRequestMillis", p + "/timeouts"));
        return new Rule(
                string(o, "id", p),
                list(o, "matches", p, this::match),
                list(o, "filters", p, this::filter),
                list(o, "backends", p, this::backendRef),
                timeouts);
    }

    private Match match(JsonObject o, String p) {
        JsonObject path = object(o, "path", p);
        return new Match(
                new PathMatch(
                        enumValue(path, "type", p + "/path", PathMatch.Type.class, PathMatch.Type.PATH_PREFIX),
                        string(path, "value", p + "/path")),
                optString(o, "method", p),
                list(o, "headers", p, this::valueMatch),
                list(o, "queryParams", p, this::valueMatch),
                optString(o, "model", p));
    }

    private ValueMatch valueMatch(JsonObject o, String p) {
        return new ValueMatch(
                enumValue(o, "type", p, ValueMatch.Type.class, ValueMatch.Type.EXACT),
                string(o, "name", p),
                string(o, "value", p));
    }

    private BackendRef backendRef(JsonObject o, String p) {
        return new BackendRef(optString(o, "backend", p), integer(o, "weight", p), list(o, "filters", p, this::filter));
    }

    private Filter filter(JsonObject o, String p) {
        String type = string(o, "type", p);
        return switch (type) {
            case "RequestHeaderModifier" ->
                new Filter.RequestHeaderModifier(headers(o, "set", p), headers(o, "add", p), strings(o, "remove", p));
            case "ResponseHeaderModifier" ->
                new Filter.ResponseHeaderModifier(headers(o, "set", p), headers(o, "add", p), strings(o, "remove", p));
            case "RequestRedirect" ->
                new Filter.RequestRedirect(
                        optString(o, "scheme", p),
                        optString(o, "hostname", p),
                        o.containsKey("port") ? Optional.of(integer(o, "port", p)) : Optional.empty(),
                        pathModifier(o, p),
                        integer(o, "statusCode", p));
            case "URLRewrite" -> new Filter.UrlRewrite(optString(o, "hostname", p), pathModifier(o, p));
            case "RequestMirror" ->
                new Filter.RequestMirror(
                        optString(o, "backend", p), integer(o, "numerator", p), integer(o, "denominator", p));
            default -> {
                violate(p + "/type", "unknown filter type '" + type + "'");
                yield new Filter.UrlRewrite(Optional.empty(), Optional.empty());
            }
        };
    }

    private List<Filter.Header> headers(JsonObject o, String key, String p) {
        return list(o, key, p, (x, q) -> new Filter.Header(string(x, "name", q), string(x, "value", q)));
    }

    private Optional<Filter.PathModifier> pathModifier(JsonObject o, String p) {
        if (!o.containsKey("path")) {
            return Optional.empty();
        }
        JsonObject m = object(o, "path", p);
        return Optional.of(new Filter.PathModifier(
                enumValue(
                        m,
                        "type",
                        p + "/path",
                        Filter.PathModifier.Type.class,
                        Filter.PathModifier.Type.REPLACE_FULL_PATH),
                string(m, "value", p + "/path")));
    }

    private Backend backend(JsonObject o, String p) {
        String kind = string(o, "kind", p);
        Backend.AppProtocol proto = enumValue(o, "appProtocol", p, Backend.AppProtocol.class, Backend.AppProtocol.HTTP);
        if (kind.equals("ExternalProvider")) { // no endpoints: its one endpoint derives from baseUrl
            return new Backend.External(
                    string(o, "id", p),
                    string(o, "namespace", p),
                    string(o, "name", p),
                    string(o, "baseUrl", p),
                    strings(o, "caCertificates", p),
                    string(o, "apiKey", p));
        }
        List<Endpoint> endpoints = list(o, "endpoints", p, this::endpoint);
        return switch (kind) {
            case "Service" ->
                new Backend.Service(
                        string(o, "id", p),
                        string(o, "namespace", p),
                        string(o, "name", p),
                        integer(o, "port", p),
                        proto,
                        endpoints);
            case "InferencePool" -> {
                Optional<Backend.EndpointPicker> picker = Optional.empty();
                if (o.containsKey("endpointPicker")) {
                    JsonObject e = object(o, "endpointPicker", p);
                    String q = p + "/endpointPicker";
                    picker = Optional.of(new Backend.EndpointPicker(
                            string(e, "host", q), integer(e, "port", q), e.getBoolean("failOpen", false)));
                }
                yield new Backend.InferencePool(
                        string(o, "id", p),
                        string(o, "namespace", p),
                        string(o, "name", p),
                        proto,
                        endpoints,
                        picker,
                        list(o, "modelRewrites", p, this::modelRewrite));
            }
            default -> {
                violate(p + "/kind", "unknown backend kind '" + kind + "'");
                yield new Backend.Service("", "", "", 0, proto, List.of());
            }
        };
    }

    private Endpoint endpoint(JsonObject o, String p) {
        Map<String, String> labels = new LinkedHashMap<>();
        JsonObject l = object(o, "labels", p);
        l.forEach((k, v) -> {
            if (v instanceof JsonString s) {
                labels.put(k, s.getString());
            } else {
                violate(p + "/labels/" + k, "must be a string");
            }
        });
        return new Endpoint(string(o, "address", p), integer(o, "port", p), optString(o, "pod", p), labels);
    }

    private ModelRewrite modelRewrite(JsonObject o, String p) {
        return new ModelRewrite(
                string(o, "id", p),
                strings(o, "models", p),
                list(
                        o,
                        "targets",
                        p,
                        (t, q) -> new ModelRewrite.Target(string(t, "model", q), integer(t, "weight", q))));
    }

    private Objective objective(JsonObject o, String p) {
        return new Objective(
                string(o, "id", p),
                string(o, "namespace", p),
                string(o, "name", p),
                string(o, "pool", p),
                integer(o, "priority", p));
    }

    // ---- typed field access that records violations instead of throwing ----

    private <T> List<T> list(JsonObject o, String key, String p, BiFunction<JsonObject, String, T> each) {
        JsonValue v = o.get(key);
        if (v == null) {
            return List.of(); // absent lists are empty: lets older writers omit new lists
        }
        if (!(v instanceof JsonArray a)) {
            violate(p + "/" + key, "must be an array");
            return List.of();
        }
        List<T> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            String q = p + "/" + key + "/" + i;
            if (a.get(i) instanceof JsonObject item) {
                out.add(each.apply(item, q));
            } else {
                violate(q, "must be an object");
            }
        }
        return out;
    }

    private List<String> strings(JsonObject o, String key, String p) {
        JsonValue v = o.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof JsonArray a)) {
            violate(p + "/" + key, "must be an array of strings");
            return List.of();
        }
        List<String> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) instanceof JsonString s) {
                out.add(s.getString());
            } else {
                violate(p + "/" + key + "/" + i, "must be a string");
            }
        }
        return out;
    }

    private JsonObject object(JsonObject o, String key, String p) {
        JsonValue v = o.get(key);
        if (v instanceof JsonObject x) {
            return x;
        }
        if (v != null) {
            violate(p + "/" + key, "must be an object");
        }
        return JsonValue.EMPTY_JSON_OBJECT;
    }

    private String string(JsonObject o, String key, String p) {
        JsonValue v = o.get(key);
        if (v instanceof JsonString s) {
            return s.getString();
        }
        violate(p + "/" + key, v == null ? "is required" : "must be a string");
        return "";
    }

    private static String str(JsonObject o, String key) {
        return o.get(key) instanceof JsonString s ? s.getString() : "";
    }

    private Optional<String> optString(JsonObject o, String key, String p) {
        JsonValue v = o.get(key);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return Optional.empty();
        }
        if (v instanceof JsonString s) {
            return Optional.of(s.getString());
        }
        violate(p + "/" + key, "must be a string");
        return Optional.empty();
    }

    private int integer(JsonObject o, String key, String p) {
        JsonValue v = o.get(key);
        if (v instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.intValueExact();
            } catch (ArithmeticException e) {
                violate(p + "/" + key, "out of range");
                return 0;
            }
        }
        violate(p + "/" + key, v == null ? "is required" : "must be an integer");
        return 0;
    }

    private Optional<Duration> optMillis(JsonObject o, String key, String p) {
        JsonValue v = o.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof JsonNumber n && n.isIntegral() && n.longValue() > 0) {
            return Optional.of(Duration.ofMillis(n.longValue()));
        }
        violate(p + "/" + key, "must be a positive integer number of milliseconds");
        return Optional.empty();
    }

    private <E extends Enum<E>> E enumValue(JsonObject o, String key, String p, Class<E> type, E fallback) {
        String s = string(o, key, p);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(s)) {
                return e;
            }
        }
        if (!s.isEmpty()) {
            violate(p + "/" + key, "unknown value '" + s + "'");
        }
        return fallback;
    }

    private void violate(String path, String message) {
        violations.add(new Violation(path, message));
    }
}
