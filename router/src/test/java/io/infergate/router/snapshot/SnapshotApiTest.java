package io.infergate.router.snapshot;

import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.snapshot.SnapshotJson;
import io.infergate.router.RouterConfig;
import io.infergate.router.match.SocketKey;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;

import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.service;
import static io.infergate.router.testing.Snap.snapshot;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The internal snapshot API, readiness, and listener sockets following snapshots. Ordered: one router, one story. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnapshotApiTest {

    private static RouterFixture router;
    private static int portA;
    private static int portB;

    @BeforeAll
    static void start() {
        router = RouterFixture.start(new RouterConfig(
                "127.0.0.1",
                "127.0.0.1",
                0,
                RouterFixture.TOKEN,
                io.infergate.router.listen.ListenerLimits.defaults(),
                io.infergate.router.proxy.ProxySettings.defaults(),
                64 * 1024));
        portA = Http.freePort();
        portB = Http.freePort();
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    private static Snapshot onPorts(int... ports) {
        var listeners = new io.infergate.common.snapshot.Listener[ports.length];
        for (int i = 0; i < ports.length; i++) {
            listeners[i] = listener("l" + i, ports[i]);
        }
        var routes = new java.util.ArrayList<io.infergate.common.snapshot.HttpRoute>();
        for (int i = 0; i < ports.length; i++) {
            routes.add(route("r" + i)
                    .parents(io.infergate.router.testing.Snap.parent("gw", "l" + i))
                    .rule(rule(prefix("/")).backend("service/default/empty/80"))
                    .build());
        }
        return snapshot(List.of(gateway("gw", listeners)), routes, List.of(service("empty", 80)));
    }

    @Test
    @Order(1)
    void beforeAnySnapshotTheRouterIsNotReady() {
        assertEquals(503, router.observe("/observe/health/ready").status());
        assertEquals(200, router.observe("/observe/health/live").status());
        Http.Reply get = router.getSnapshot(RouterFixture.TOKEN);
        assertEquals(404, get.status());
        assertEquals("no_snapshot", get.errorCode());
    }

    @Test
    @Order(2)
    void withoutTheRightTokenEverythingIs401() {
        String json = SnapshotJson.toJson(onPorts(portA));
        for (String token : new String[] {null, "wrong", RouterFixture.TOKEN + "x", ""}) {
            Http.Reply put = router.putJson(json, token);
            assertEquals(401, put.status(), "token " + token);
            assertEquals("unauthorized", put.errorCode());
            assertEquals(
                    "invalid_request_error", put.json().getJsonObject("error").getString("type"));
            assertEquals(401, router.getSnapshot(token).status());
        }
        assertFalse(router.app().ready(), "nothing was applied");
    }

    @Test
    @Order(3)
    void aValidSnapshotIsAppliedOpensItsSocketAndFlipsReadiness() {
        Snapshot s = onPorts(portA);
        Http.Reply put = router.put(s);
        assertEquals(200, put.status(), put.body());
        JsonObject body = put.json();
        assertEquals(SnapshotJson.contentId(s), body.getString("id"));
        assertEquals(1, body.getInt("version"));
        assertTrue(body.getBoolean("changed"));
        assertEquals(200, router.observe("/observe/health/ready").status());
        assertTrue(router.app().isOpen(new SocketKey("127.0.0.1", portA)));
        Http.Reply get = router.getSnapshot(RouterFixture.TOKEN);
        assertEquals(SnapshotJson.contentId(s), get.json().getString("id"));
        assertEquals(1, get.json().getInt("version"));
        // the public socket serves the snapshot: its only backend has no endpoints
        assertEquals(503, router.http().get(portA, "any.host", "/x").status());
    }

    @Test
    @Order(4)
    void theSameSnapshotAgainChangesNothing() {
        Http.Reply put = router.put(onPorts(portA));
        assertEquals(200, put.status());
        assertFalse(put.json().getBoolean("changed"));
    }

    @Test
    @Order(5)
    void anInvalidSnapshotIsRejectedWithItsViolationsAndTheOldOneKeepsServing() {
        String before = router.getSnapshot(RouterFixture.TOKEN).json().getString("id");
        Snapshot bad = snapshot(
                List.of(gateway("gw", listener("l0", portA))),
                List.of(route("r0")
                        .parents(io.infergate.router.testing.Snap.parent("gw", "l0"))
                        .rule(rule(io.infergate.router.testing.Snap.regex("/(unclosed"))
                                .backend("service/default/missing/80"))
                        .build()),
                List.of());
        Http.Reply put = router.put(bad);
        assertEquals(400, put.status(), put.body());
        JsonObject error = put.json().getJsonObject("error");
        assertEquals("invalid_snapshot", error.getString("code"));
        assertEquals("snapshot rejected: 2 violations", error.getString("message"));
        var paths = put.json().getJsonArray("violations").stream()
                .map(v -> v.asJsonObject().getString("path"))
                .sorted()
                .toList();
        assertEquals(List.of("/routes/0/rules/0/backends/0/backend", "/routes/0/rules/0/matches/0/path/value"), paths);
        assertEquals(before, router.getSnapshot(RouterFixture.TOKEN).json().getString("id"));
        assertEquals(503, router.http().get(portA, "any.host", "/x").status(), "the old snapshot still serves");
    }

    @Test
    @Order(6)
    void garbageAndOversizedBodiesAreRejected() {
        Http.Reply garbage = router.putJson("{not json", RouterFixture.TOKEN);
        assertEquals(400, garbage.status());
        assertEquals("invalid_snapshot", garbage.errorCode());
        Http.Reply huge = router.putJson("{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}", RouterFixture.TOKEN);
        assertEquals(413, huge.status());
        assertEquals("request_too_large", huge.errorCode());
    }

    @Test
    @Order(7)
    void aListenerPortAddedThenRemovedOpensThenClosesItsSocket() {
        SocketKey b = new SocketKey("127.0.0.1", portB);
        assertFalse(router.app().isOpen(b));
        assertEquals(200, router.put(onPorts(portA, portB)).status());
        assertTrue(router.app().isOpen(b));
        assertEquals(503, router.http().get(portB, "h", "/").status());
        assertEquals(200, router.put(onPorts(portA)).status());
        await().atMost(Duration.ofSeconds(10)).until(() -> !router.app().isOpen(b));
        await().atMost(Duration.ofSeconds(10)).until(() -> refused(portB));
        assertEquals(503, router.http().get(portA, "h", "/").status(), "the kept socket still serves");
    }

    @Test
    @Order(8)
    void twoGatewaysOnOnePortAreToldApartByTheirAddresses() {
        Snapshot s = snapshot(
                List.of(
                        gateway("a", List.of("127.0.0.2"), listener("http", portB)),
                        gateway("b", listener("http", portB))),
                List.of(
                        route("ra")
                                .parents(io.infergate.router.testing.Snap.parent("a", "http"))
                                .rule(rule(prefix("/")).backend("service/default/empty/80"))
                                .build(),
                        route("rb")
                                .parents(io.infergate.router.testing.Snap.parent("b", "http"))
                                .rule(rule(prefix("/only-b")).backend("service/default/empty/80"))
                                .build()),
                List.of(service("empty", 80)));
        assertEquals(200, router.put(s).status());
        assertTrue(router.app().isOpen(new SocketKey("127.0.0.2", portB)));
        assertTrue(router.app().isOpen(new SocketKey("127.0.0.1", portB)));
        try (var res = router.http()
                .request(io.helidon.http.Method.GET, "127.0.0.2", portB, "/x", "h")
                .request()) {
            assertEquals(503, res.status().code(), "gateway a serves every path on 127.0.0.2");
        }
        assertEquals(404, router.http().get(portB, "h", "/x").status(), "gateway b only serves /only-b");
        assertEquals(503, router.http().get(portB, "h", "/only-b").status());
    }

    @Test
    @Order(9)
    void metricsCountAppliesAndRejections() {
        String text = router.observe("/observe/metrics").body();
        assertTrue(text.contains("infergate_router_snapshot_applies_total"), text);
        assertTrue(text.contains("infergate_router_snapshot_rejections_total"), text);
        assertTrue(text.contains("infergate_router_snapshot_info{"), text);
        assertTrue(text.contains("infergate_router_requests_total{"), text);
    }

    /** The router count travels with the snapshot; a snapshot without it (standalone, older controller) means one. */
    @Test
    @Order(10)
    void theRouterCountFollowsTheServedSnapshot() {
        assertEquals(200, router.put(onPorts(portA).withRouters(3)).status());
        assertEquals(3, router.app().routerCount());
        String withoutField = SnapshotJson.toJson(onPorts(portA));
        assertFalse(withoutField.contains("\"routers\""));
        assertEquals(200, router.putJson(withoutField, RouterFixture.TOKEN).status());
        assertEquals(1, router.app().routerCount());
        assertEquals(
                400,
                router.putJson(SnapshotJson.toJson(onPorts(portA).withRouters(0)), RouterFixture.TOKEN)
                        .status());
        assertEquals(1, router.app().routerCount(), "a rejected snapshot changes nothing");
    }

    @SuppressWarnings("try") // connecting is the whole test; the socket is only closed
    private static boolean refused(int port) {
        try (var unused = new java.net.Socket("127.0.0.1", port)) {
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
