package io.infergate.controller.admin;

import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.infergate.common.http.ChunkedFraming;
import io.infergate.common.http.ClientTimeouts;
import io.infergate.common.http.ConnectionGuard;
import io.infergate.common.http.ConnectionWatchdog;
import io.infergate.common.http.JsonDirectHandler;
import io.infergate.controller.status.StatusJson;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonWriterFactory;
import jakarta.json.stream.JsonGenerator;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The admin socket (default 127.0.0.1:9090).
 *
 * <p>{@code GET /status}: {@code {"objects": [{"apiVersion", "kind", "metadata", "status"}],
 * "snapshot": {"id", "version"}, "routers": [{"url", "ackedId"}]}}, exactly the status the
 * controller would write to Kubernetes, and in cluster mode also {@code "leader"} and
 * {@code "sources": [{"kind", "apiVersion", "state", "message"}]} (a kind whose CRD is not
 * installed is {@code missing}); {@code GET /snapshot}: the current snapshot's wire form with every
 * certificate's {@code privateKey} and every external provider's {@code apiKey} replaced by {@code "<redacted>"} (keys never leave through admin
 * endpoints; docs/adr/0021-tls-key-material.md);
 * {@code /observe/health} (ready once the sources were translated) and {@code /observe/metrics}.
 * Bounded: requests carry no body worth reading (4 KiB limit) and at most 32 run at once.
 */
public final class AdminServer implements AutoCloseable {

    private static final String JSON = "application/json";
    private static final JsonWriterFactory PRETTY =
            Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));

    private final WebServer server;
    private final ConnectionWatchdog watchdog;

    private AdminServer(WebServer server, ConnectionWatchdog watchdog) {
        this.server = server;
        this.watchdog = watchdog;
    }

    /**
     * Starts listening and returns once the socket is bound.
     *
     * @throws IllegalStateException when the address cannot be bound
     */
    public static AdminServer start(String bind, int port, Supplier<AdminView> view) {
        HealthObserver health = HealthObserver.builder()
                .details(true)
                .addCheck(
                        () -> HealthCheckResponse.builder()
                                .status(view.get().ready())
                                .detail("snapshot", view.get().snapshotId())
                                .build(),
                        HealthCheckType.READINESS,
                        "snapshot")
                .build();
        HttpRouting.Builder routing = HttpRouting.builder()
                .addFilter(new ConnectionGuard())
                .get("/status", (req, res) -> send(res, pretty(status(view.get()))))
                .get(
                        "/snapshot",
                        (req, res) -> send(res, pretty(redacted(read(view.get().snapshotJson())))));
        Http1Config.Builder http1 = Http1Config.builder();
        ConnectionWatchdog watchdog = new ConnectionWatchdog(ClientTimeouts.defaults());
        WebServerConfig.Builder builder = WebServer.builder()
                .host(bind)
                .port(port)
                .maxPayloadSize(4096)
                .maxConcurrentRequests(32)
                .featuresDiscoverServices(false)
                .protocolsDiscoverServices(false)
                .addFeature(ObserveFeature.just(health, MetricsObserver.create()))
                .shutdownHook(false)
                .directHandlers(JsonDirectHandler.all())
                .routing(routing);
        ClientTimeouts.defaults().apply(builder, http1, watchdog);
        ChunkedFraming.install(builder, http1.build());
        WebServer server = builder.build();
        try {
            server.start();
        } catch (RuntimeException e) {
            watchdog.close();
            throw new IllegalStateException(
                    "the admin socket cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
        return new AdminServer(server, watchdog);
    }

    /** The bound port (the chosen one when configured with 0). */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        if (server.isRunning()) {
            server.stop();
        }
        watchdog.close();
    }

    /** The {@code /status} document. */
    public static JsonObject status(AdminView v) {
        JsonArrayBuilder routers = Json.createArrayBuilder();
        for (var r : v.routers()) {
            JsonObjectBuilder o = Json.createObjectBuilder().add("url", r.url().toString());
            r.ackedId().ifPresentOrElse(id -> o.add("ackedId", id), () -> o.addNull("ackedId"));
            routers.add(o);
        }
        JsonObjectBuilder doc = Json.createObjectBuilder()
                .add("objects", StatusJson.objects(v.status()))
                .add(
                        "snapshot",
                        Json.createObjectBuilder().add("id", v.snapshotId()).add("version", v.schemaVersion()))
                .add("routers", routers);
        v.leader().ifPresent(l -> doc.add("leader", l));
        if (!v.sources().isEmpty()) {
            JsonArrayBuilder sources = Json.createArrayBuilder();
            for (AdminView.Source s : v.sources()) {
                sources.add(Json.createObjectBuilder()
                        .add("kind", s.kind())
                        .add("apiVersion", s.apiVersion())
                        .add("state", s.state())
                        .add("message", s.message()));
            }
            doc.add("sources", sources);
        }
        return doc.build();
    }

    private static void send(ServerResponse res, String body) {
        res.header(HeaderNames.CONTENT_TYPE, JSON);
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonObject read(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    /** The snapshot with every certificate's private key replaced: admin output is not for secrets. */
    static JsonObject redacted(JsonObject snapshot) {
        boolean keys = snapshot.get("backends") instanceof jakarta.json.JsonArray all
                && all.stream().anyMatch(b -> b.asJsonObject().containsKey("apiKey"));
        if (!(snapshot.get("certificates") instanceof jakarta.json.JsonArray) && !keys) {
            return snapshot;
        }
        var result = Json.createObjectBuilder(snapshot);
        if (snapshot.get("certificates") instanceof jakarta.json.JsonArray certs) {
            var out = Json.createArrayBuilder();
            for (var c : certs) {
                out.add(Json.createObjectBuilder(c.asJsonObject()).add("privateKey", "<redacted>"));
            }
            result.add("certificates", out);
        }
        if (keys && snapshot.get("backends") instanceof jakarta.json.JsonArray backends) {
            var out = Json.createArrayBuilder();
            for (var b : backends) { // external providers' keys (docs/adr/0033-external-providers.md)
                out.add(
                        b.asJsonObject().containsKey("apiKey")
                                ? Json.createObjectBuilder(b.asJsonObject()).add("apiKey", "<redacted>")
                                : Json.createObjectBuilder(b.asJsonObject()));
            }
            result.add("backends", out);
        }
        return result.build();
    }

    private static String pretty(JsonObject o) {
        StringWriter w = new StringWriter();
        try (var writer = PRETTY.createWriter(w)) {
            writer.writeObject(o);
        }
        return w.toString().strip() + "\n";
    }
}
