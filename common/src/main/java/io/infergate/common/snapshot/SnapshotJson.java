package io.infergate.common.snapshot;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The one JSON codec of the snapshot (encoding here, decoding in {@link SnapshotDecoder}).
 *
 * <p>The encoding is canonical: keys in a fixed order, empty optionals omitted, map keys sorted.
 * The content id is the SHA-256 of the canonical encoding without the {@code id} field, so equal
 * content always has an equal id, whichever controller replica produced it.
 */
public final class SnapshotJson {
    /** The JSON-P provider, looked up once: each {@code Json.createX} call repeats a ServiceLoader scan. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private SnapshotJson() {}

    /** The wire form: {@code {"id": ..., "schemaVersion": ..., ...}}. */
    public static String toJson(Snapshot snapshot) {
        JsonObject body = body(snapshot);
        JsonObjectBuilder wire = JSON.createObjectBuilder().add("id", contentId(body));
        body.forEach(wire::add);
        return write(wire.build());
    }

    /** {@code sha256:<hex>} of the canonical encoding. */
    public static String contentId(Snapshot snapshot) {
        return contentId(body(snapshot));
    }

    static String contentId(JsonObject body) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(write(body).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    static JsonObject body(Snapshot s) {
        JsonObjectBuilder b = JSON.createObjectBuilder()
                .add("schemaVersion", s.schemaVersion())
                .add("gateways", array(s.gateways(), SnapshotJson::gateway))
                .add("routes", array(s.routes(), SnapshotJson::route))
                .add("backends", array(s.backends(), SnapshotJson::backend))
                .add("objectives", array(s.objectives(), SnapshotJson::objective));
        if (s.routers() != 1) { // omitted for one router: such snapshots keep the ids they had before the field
            b.add("routers", s.routers());
        }
        if (!s.certificates().isEmpty()) { // omitted when empty: snapshots without HTTPS keep their ids
            b.add(
                    "certificates",
                    array(
                            s.certificates(),
                            c -> JSON.createObjectBuilder()
                                    .add("id", c.id())
                                    .add("certificateChain", c.certificateChain())
                                    .add("privateKey", c.privateKey())));
        }
        if (!s.authPolicies().isEmpty()) { // omitted when empty: snapshots without policies keep their ids
            b.add("authPolicies", array(s.authPolicies(), SnapshotJson::authPolicy));
        }
        if (!s.rateLimitPolicies().isEmpty()) { // omitted when empty, as above
            b.add("rateLimitPolicies", array(s.rateLimitPolicies(), SnapshotJson::rateLimitPolicy));
        }
        if (!s.backendTls().isEmpty()) { // omitted when empty: snapshots without backend TLS keep their ids
            b.add("backendTls", array(s.backendTls(), SnapshotJson::backendTls));
        }
        return b.build();
    }

    private static JsonObjectBuilder backendTls(BackendTls t) {
        return JSON.createObjectBuilder()
                .add("backend", t.backend())
                .add("policy", t.policy())
                .add("hostname", t.hostname())
                .add(
                        "subjectAltNames",
                        array(
                                t.subjectAltNames(),
                                n -> JSON.createObjectBuilder()
                                        .add("type", n.type().name())
                                        .add("value", n.value())))
                .add("caCertificates", strings(t.caCertificates()))
                .add("systemCertificates", t.systemCertificates());
    }

    private static JsonObjectBuilder rateLimitPolicy(RateLimitPolicy p) {
        return JSON.createObjectBuilder()
                .add("id", p.id())
                .add("targets", strings(p.targets()))
                .add("failureMode", p.failureMode().name())
                .add(
                        "limits",
                        array(
                                p.limits(),
                                l -> JSON.createObjectBuilder()
                                        .add("scope", l.scope().name())
                                        .add("unit", l.unit().name())
                                        .add("tokens", l.tokens())
                                        .add("requests", l.requests())
                                        .add("tenants", strings(l.tenants()))
                                        .add("models", strings(l.models()))));
    }

    private static JsonObjectBuilder authPolicy(AuthPolicy p) {
        JsonObjectBuilder o = JSON.createObjectBuilder()
                .add("id", p.id())
                .add("targets", strings(p.targets()))
                .add(
                        "apiKeys",
                        array(
                                p.apiKeys(),
                                k -> JSON.createObjectBuilder()
                                        .add("sha256", k.sha256())
                                        .add("tenant", k.tenant())));
        p.jwt()
                .ifPresent(j -> o.add(
                        "jwt",
                        JSON.createObjectBuilder()
                                .add("issuer", j.issuer())
                                .add("audiences", strings(j.audiences()))
                                .add("jwksUri", j.jwksUri())
                                .add("tenantClaim", j.tenantClaim())
                                .add(
                                        "claimHeaders",
                                        array(
                                                j.claimHeaders(),
                                                h -> JSON.createObjectBuilder()
                                                        .add("claim", h.claim())
                                                        .add("header", h.header())))));
        return o;
    }

    private static JsonObjectBuilder gateway(Gateway g) {
        return JSON.createObjectBuilder()
                .add("id", g.id())
                .add("namespace", g.namespace())
                .add("name", g.name())
                .add("addresses", strings(g.addresses()))
                .add("listeners", array(g.listeners(), SnapshotJson::listener));
    }

    private static JsonObjectBuilder listener(Listener l) {
        JsonObjectBuilder b = JSON.createObjectBuilder()
                .add("name", l.name())
                .add("port", l.port())
                .add("protocol", l.protocol().name());
        l.hostname().ifPresent(h -> b.add("hostname", h));
        l.publicPort().ifPresent(v -> b.add("publicPort", v)); // omitted when absent: older snapshots keep their ids
        if (!l.certificates().isEmpty()) {
            b.add("certificates", strings(l.certificates()));
        }
        return b;
    }

    private static JsonObjectBuilder route(HttpRoute r) {
        return JSON.createObjectBuilder()
                .add("id", r.id())
                .add("namespace", r.namespace())
                .add("name", r.name())
                .add("creationTimestamp", r.creationTimestamp())
                .add("hostnames", strings(r.hostnames()))
                .add(
                        "parents",
                        array(
                                r.parents(),
                                p -> JSON.createObjectBuilder()
                                        .add("gateway", p.gateway())
                                        .add("listener", p.listener())))
                .add("rules", array(r.rules(), SnapshotJson::rule));
    }

    private static JsonObjectBuilder rule(Rule r) {
        JsonObjectBuilder timeouts = JSON.createObjectBuilder();
        r.timeouts().request().ifPresent(d -> timeouts.add("requestMillis", d.toMillis()));
        r.timeouts().backendRequest().ifPresent(d -> timeouts.add("backendRequestMillis", d.toMillis()));
        return JSON.createObjectBuilder()
                .add("id", r.id())
                .add("matches", array(r.matches(), SnapshotJson::match))
                .add("filters", array(r.filters(), SnapshotJson::filter))
                .add("backends", array(r.backends(), SnapshotJson::backendRef))
                .add("timeouts", timeouts);
    }

    private static JsonObjectBuilder match(Match m) {
        JsonObjectBuilder b = JSON.createObjectBuilder()
                .add(
                        "path",
                        JSON.createObjectBuilder()
                                .add("type", m.path().type().name())
                                .add("value", m.path().value()));
        m.method().ifPresent(v -> b.add("method", v));
        b.add("headers", array(m.headers(), SnapshotJson::valueMatch))
                .add("queryParams", array(m.queryParams(), SnapshotJson::valueMatch));
        m.model().ifPresent(v -> b.add("model", v)); // omitted when empty: HTTPRoute snapshots keep their ids
        return b;
    }

    private static JsonObjectBuilder valueMatch(ValueMatch v) {
        return JSON.createObjectBuilder()
                .add("type", v.type().name())
                .add("name", v.name())
                .add("value", v.value());
    }

    private static JsonObjectBuilder backendRef(BackendRef b) {
        JsonObjectBuilder o = JSON.createObjectBuilder();
        b.backend().ifPresent(id -> o.add("backend", id));
        return o.add("weight", b.weight()).add("filters", array(b.filters(), SnapshotJson::filter));
    }

    private static JsonObjectBuilder filter(Filter f) {
        JsonObjectBuilder o = JSON.createObjectBuilder();
        switch (f) {
            case Filter.RequestHeaderModifier m ->
                headerModifier(o.add("type", "RequestHeaderModifier"), m.set(), m.add(), m.remove());
            case Filter.ResponseHeaderModifier m ->
                headerModifier(o.add("type", "ResponseHeaderModifier"), m.set(), m.add(), m.remove());
            case Filter.RequestRedirect r -> {
                o.add("type", "RequestRedirect");
                r.scheme().ifPresent(v -> o.add("scheme", v));
                r.hostname().ifPresent(v -> o.add("hostname", v));
                r.port().ifPresent(v -> o.add("port", v));
                r.path().ifPresent(p -> o.add("path", pathModifier(p)));
                o.add("statusCode", r.statusCode());
            }
            case Filter.UrlRewrite r -> {
                o.add("type", "URLRewrite");
                r.hostname().ifPresent(v -> o.add("hostname", v));
                r.path().ifPresent(p -> o.add("path", pathModifier(p)));
            }
            case Filter.RequestMirror m -> {
                o.add("type", "RequestMirror");
                m.backend().ifPresent(v -> o.add("backend", v));
                o.add("numerator", m.numerator()).add("denominator", m.denominator());
            }
        }
        return o;
    }

    private static void headerModifier(
            JsonObjectBuilder o, List<Filter.Header> set, List<Filter.Header> add, List<String> remove) {
        Function<Filter.Header, JsonObjectBuilder> header =
                h -> JSON.createObjectBuilder().add("name", h.name()).add("value", h.value());
        o.add("set", array(set, header)).add("add", array(add, header)).add("remove", strings(remove));
    }

    private static JsonObjectBuilder pathModifier(Filter.PathModifier p) {
        return JSON.createObjectBuilder().add("type", p.type().name()).add("value", p.value());
    }

    private static JsonObjectBuilder backend(Backend b) {
        JsonObjectBuilder o = JSON.createObjectBuilder().add("id", b.id());
        switch (b) {
            case Backend.Service s ->
                o.add("kind", "Service")
                        .add("namespace", s.namespace())
                        .add("name", s.name())
                        .add("port", s.port());
            case Backend.InferencePool p -> {
                o.add("kind", "InferencePool").add("namespace", p.namespace()).add("name", p.name());
                p.endpointPicker()
                        .ifPresent(e -> o.add(
                                "endpointPicker",
                                JSON.createObjectBuilder()
                                        .add("host", e.host())
                                        .add("port", e.port())
                                        .add("failOpen", e.failOpen())));
                if (!p.modelRewrites().isEmpty()) { // omitted when empty: snapshots without rewrites keep their ids
                    o.add("modelRewrites", array(p.modelRewrites(), SnapshotJson::modelRewrite));
                }
            }
            case Backend.External x -> {
                o.add("kind", "ExternalProvider")
                        .add("namespace", x.namespace())
                        .add("name", x.name())
                        .add("baseUrl", x.baseUrl())
                        .add("caCertificates", strings(x.caCertificates()))
                        .add("apiKey", x.apiKey()); // a secret: redacted by every reader that shows snapshots
                return o.add("appProtocol", x.appProtocol().name()); // its one endpoint derives from baseUrl
            }
        }
        return o.add("appProtocol", b.appProtocol().name())
                .add("endpoints", array(b.endpoints(), SnapshotJson::endpoint));
    }

    private static JsonObjectBuilder endpoint(Endpoint e) {
        JsonObjectBuilder o =
                JSON.createObjectBuilder().add("address", e.address()).add("port", e.port());
        e.pod().ifPresent(p -> o.add("pod", p));
        JsonObjectBuilder labels = JSON.createObjectBuilder();
        new TreeMap<>(e.labels()).forEach(labels::add);
        return o.add("labels", labels);
    }

    private static JsonObjectBuilder modelRewrite(ModelRewrite r) {
        return JSON.createObjectBuilder()
                .add("id", r.id())
                .add("models", strings(r.models()))
                .add(
                        "targets",
                        array(
                                r.targets(),
                                t -> JSON.createObjectBuilder()
                                        .add("model", t.model())
                                        .add("weight", t.weight())));
    }

    private static JsonObjectBuilder objective(Objective o) {
        return JSON.createObjectBuilder()
                .add("id", o.id())
                .add("namespace", o.namespace())
                .add("name", o.name())
                .add("pool", o.pool())
                .add("priority", o.priority());
    }

    private static <T> JsonArrayBuilder array(List<T> items, Function<T, JsonObjectBuilder> each) {
        JsonArrayBuilder a = JSON.createArrayBuilder();
        items.forEach(i -> a.add(each.apply(i)));
        return a;
    }

    private static JsonArrayBuilder strings(List<String> items) {
        JsonArrayBuilder a = JSON.createArrayBuilder();
        items.forEach(a::add);
        return a;
    }

    static String write(JsonObject o) {
        StringWriter w = new StringWriter();
        try (var writer = JSON.createWriter(w)) {
            writer.writeObject(o);
        }
        return w.toString();
    }
}
