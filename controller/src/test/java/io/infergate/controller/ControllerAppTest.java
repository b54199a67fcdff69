package io.infergate.controller;

import io.helidon.webclient.api.WebClient;
import io.infergate.controller.publish.Publisher;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole controller in-process: manifest folder → translator → publisher → a fake router, and
 * the admin socket showing stamped status.
 */
class ControllerAppTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T2 = Instant.parse("2026-01-01T01:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T1);
    private FakeRouter router;
    private ControllerApp app;
    private WebClient client;

    @BeforeEach
    void start() throws IOException {
        Files.copy(Path.of("src/test/resources/translate/walkthrough.in.yaml"), dir.resolve("walkthrough.yaml"));
        router = FakeRouter.start("t0ken");
        ControllerConfig config = ControllerConfig.local(dir)
                .withRouters(List.of(router.url()), new ControllerConfig.Token("t0ken"))
                .withAdmin("127.0.0.1", 0)
                .withGatewayAddresses(List.of("127.0.0.1"))
                .withTuning(new ControllerConfig.Tuning(
                        Duration.ofMillis(50),
                        Duration.ofMillis(200),
                        new Publisher.Settings(
                                Duration.ofMillis(100),
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(1),
                                Duration.ofMillis(300))));
        app = ControllerApp.start(config, clock);
        client = WebClient.builder()
                .baseUri("http://127.0.0.1:" + app.adminPort())
                .build();
    }

    @AfterEach
    void stop() {
        app.close();
        router.close();
    }

    @Test
    void gatewayIsProgrammedOnceTheRouterAcknowledgesAndTimesStayWhileStatusIsUnchanged() throws IOException {
        String id = app.view().snapshotId();
        await().atMost(WITHIN).until(() -> id.equals(router.heldId()));
        await().atMost(WITHIN)
                .until(() -> condition(status(), "Gateway", "Programmed")
                        .getString("status")
                        .equals("True"));

        JsonObject status = status();
        assertEquals(id, status.getJsonObject("snapshot").getString("id"));
        assertEquals(1, status.getJsonObject("snapshot").getInt("version"));
        assertEquals(id, status.getJsonArray("routers").getJsonObject(0).getString("ackedId"));
        assertEquals(
                router.url().toString(),
                status.getJsonArray("routers").getJsonObject(0).getString("url"));
        JsonObject programmed = condition(status, "Gateway", "Programmed");
        assertEquals("Programmed", programmed.getString("reason"));
        assertEquals(T1.toString(), condition(status, "HTTPRoute", "Accepted").getString("lastTransitionTime"));
        JsonObject gatewayClass = object(status, "GatewayClass");
        assertTrue(!gatewayClass.getJsonObject("metadata").containsKey("namespace"), "cluster-scoped: no namespace");

        // An edit that changes the snapshot but not the route's conditions: times stay, the new id is pushed.
        clock.set(T2);
        Path file = dir.resolve("walkthrough.yaml");
        Files.writeString(file, Files.readString(file).replace("request: 300s", "request: 600s"));
        await().atMost(WITHIN).until(() -> !app.view().snapshotId().equals(id));
        String next = app.view().snapshotId();
        await().atMost(WITHIN).until(() -> next.equals(router.heldId()));
        await().atMost(WITHIN)
                .until(() -> next.equals(
                        status().getJsonArray("routers").getJsonObject(0).getString("ackedId")));
        JsonObject after = status();
        assertEquals(T1.toString(), condition(after, "HTTPRoute", "Accepted").getString("lastTransitionTime"));
        assertEquals("True", condition(after, "Gateway", "Programmed").getString("status"));
        assertEquals(
                programmed.getString("lastTransitionTime"),
                condition(after, "Gateway", "Programmed").getString("lastTransitionTime"),
                "the Gateway stayed programmed while the routers moved to the new snapshot");

        // A change of status moves the time: the backendRef no longer resolves.
        Files.writeString(
                file, Files.readString(file).replace("name: kthena-demo\n    matches", "name: gone\n    matches"));
        await().atMost(WITHIN)
                .until(() -> condition(status(), "HTTPRoute", "ResolvedRefs")
                        .getString("status")
                        .equals("False"));
        assertEquals(
                T2.toString(), condition(status(), "HTTPRoute", "ResolvedRefs").getString("lastTransitionTime"));
    }

    @Test
    void servesTheSnapshotHealthAndMetrics() {
        JsonObject snapshot = read(client.get("/snapshot").requestEntity(String.class));
        assertEquals(app.view().snapshotId(), snapshot.getString("id"));
        assertEquals(
                "inferencepool/default/kthena-demo",
                snapshot.getJsonArray("backends").getJsonObject(0).getString("id"));
        assertEquals(200, client.get("/observe/health").request().status().code());
        await().atMost(WITHIN).until(() -> router.heldId() != null);
        String metrics = client.get("/observe/metrics").requestEntity(String.class);
        assertTrue(metrics.contains("infergate_controller_rebuilds_total"), metrics);
        assertTrue(metrics.contains("infergate_controller_pushes_total"), metrics);
        assertTrue(metrics.contains("infergate_controller_routers_in_sync"), metrics);
    }

    private JsonObject status() {
        return read(client.get("/status").requestEntity(String.class));
    }

    private static JsonObject object(JsonObject status, String kind) {
        return status.getJsonArray("objects").stream()
                .map(v -> v.asJsonObject())
                .filter(o -> o.getString("kind").equals(kind))
                .findFirst()
                .orElseThrow();
    }

    /** A condition of the first object of a kind: top level for a Gateway, first parent for a route. */
    private static JsonObject condition(JsonObject status, String kind, String type) {
        JsonObject s = object(status, kind).getJsonObject("status");
        var conditions = s.containsKey("conditions")
                ? s.getJsonArray("conditions")
                : s.getJsonArray("parents").getJsonObject(0).getJsonArray("conditions");
        return conditions.stream()
                .map(v -> v.asJsonObject())
                .filter(c -> c.getString("type").equals(type))
                .findFirst()
                .orElseThrow();
    }

    private static JsonObject read(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
