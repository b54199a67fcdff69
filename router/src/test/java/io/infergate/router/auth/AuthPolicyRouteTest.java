package io.infergate.router.auth;

import com.sun.net.httpserver.HttpServer;
import io.helidon.http.Method;
import io.infergate.common.snapshot.AuthPolicy;
import io.infergate.common.snapshot.Gateway;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.router.RouterConfig;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AuthPolicies through real sockets: the router in-process, a simulator pod echoing the headers
 * it received, and a JWKS server on loopback whose key set rotates.
 */
class AuthPolicyRouteTest {
    private static final KeyPair ONE = TestIssuer.rsa(2048);
    private static final KeyPair TWO = TestIssuer.ec("secp256r1");
    private static final AtomicReference<String> JWKS =
            new AtomicReference<>(TestIssuer.jwks(TestIssuer.jwk("one", ONE, "RS256")));
    private static final AtomicInteger JWKS_FETCHES = new AtomicInteger();

    private static HttpServer jwksServer;
    private static SimulatedPod echo;
    private static RouterFixture router;
    private static Http http;
    private static int port;

    @BeforeAll
    static void start() throws IOException {
        jwksServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwksServer.createContext("/jwks.json", exchange -> {
            JWKS_FETCHES.incrementAndGet();
            byte[] body = JWKS.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        jwksServer.start();
        echo = SimulatedPod.start(SimulatorConfig.builder().podName("echo-0").build());
        // refetch on an unknown kid at once: the rate limit has its own unit test
        router = RouterFixture.start(RouterConfig.defaults("127.0.0.1", 0, RouterFixture.TOKEN)
                .withJwks(new JwksSource.Settings(Duration.ofMinutes(5), Duration.ZERO, Duration.ofSeconds(2))));
        http = router.http();
        port = Http.freePort();
        String svc = "service/default/echo/80";
        HttpRoute keys = route("keys")
                .hosts("keys.example.com")
                .rule(rule(prefix("/")).backend(svc))
                .build();
        HttpRoute jwt = route("jwt")
                .hosts("jwt.example.com")
                .rule(rule(prefix("/")).backend(svc))
                .build();
        HttpRoute open = route("open")
                .hosts("open.example.com")
                .rule(rule(prefix("/")).backend(svc))
                .build();
        String gw = Gateway.idOf("default", "gw");
        String jwksUri = "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks.json";
        Snapshot base = io.infergate.router.testing.Snap.snapshot(
                List.of(gateway("gw", listener("http", port))),
                List.of(keys, jwt, open),
                List.of(service("echo", 80, endpoint("127.0.0.1", echo.port(), "echo-0"))));
        Snapshot snapshot = new Snapshot(
                base.schemaVersion(),
                base.gateways(),
                base.routes(),
                base.backends(),
                base.objectives(),
                1,
                List.of(),
                List.of(
                        new AuthPolicy(
                                AuthPolicy.idOf("default", "gateway-keys"),
                                List.of(gw),
                                List.of(new AuthPolicy.ApiKey(ApiKeyTable.sha256("sk-gateway"), "gateway-tenant")),
                                Optional.empty()),
                        new AuthPolicy(
                                AuthPolicy.idOf("default", "route-keys"),
                                List.of(keys.id()),
                                List.of(new AuthPolicy.ApiKey(ApiKeyTable.sha256("sk-team-a"), "team-a")),
                                Optional.empty()),
                        new AuthPolicy(
                                AuthPolicy.idOf("default", "route-jwt"),
                                List.of(jwt.id()),
                                List.of(),
                                Optional.of(new AuthPolicy.Jwt(
                                        TestIssuer.ISSUER,
                                        List.of(TestIssuer.AUDIENCE),
                                        jwksUri,
                                        "sub",
                                        List.of(new AuthPolicy.ClaimHeader("email", "x-user-email")))))));
        Http.Reply put = router.put(snapshot);
        assertEquals(200, put.status(), put.body());
    }

    @AfterAll
    static void stop() {
        router.close();
        echo.close();
        jwksServer.stop(0);
    }

    private static Http.Reply get(String host, Map<String, String> headers) {
        return http.send(
                Method.GET,
                port,
                host,
                "/echo",
                null,
                r -> headers.forEach((name, value) -> r.header(io.helidon.http.HeaderNames.create(name), value)));
    }

    /** The headers the upstream received, by lowercase name. */
    private static Map<String, String> upstream(Http.Reply r) {
        Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        JsonObject headers = r.json().getJsonObject("headers");
        headers.forEach((name, values) -> out.put(name, values.asJsonArray().getString(0)));
        return out;
    }

    private static void assertUnauthorized(Http.Reply r, String challengePrefix) {
        assertEquals(401, r.status(), r.body());
        assertEquals("invalid_api_key", r.errorCode());
        assertEquals("invalid_request_error", r.json().getJsonObject("error").getString("type"));
        assertTrue(
                r.header("www-authenticate").startsWith(challengePrefix),
                r.headers().toString());
    }

    @Test
    void apiKeyAdmitsWithTenantAndWithoutCredentialUpstream() {
        Http.Reply r =
                get("keys.example.com", Map.of("Authorization", "Bearer sk-team-a", "X-Infergate-Tenant", "forged"));
        assertEquals(200, r.status(), r.body());
        Map<String, String> up = upstream(r);
        assertEquals("team-a", up.get("x-infergate-tenant"), "the router's tenant replaces the client's");
        assertFalse(up.containsKey("authorization"), up.toString());
        Http.Reply x = get("keys.example.com", Map.of("X-Api-Key", "sk-team-a"));
        assertEquals(200, x.status(), x.body());
        assertFalse(upstream(x).containsKey("x-api-key"), upstream(x).toString());
    }

    @Test
    void missingOrWrongKeyIs401WithChallenge() {
        assertUnauthorized(get("keys.example.com", Map.of()), "Bearer realm=\"infergate\"");
        Http.Reply wrong = get("keys.example.com", Map.of("Authorization", "Bearer sk-nope"));
        assertUnauthorized(wrong, "Bearer realm=\"infergate\", error=\"invalid_token\"");
        assertFalse(wrong.body().contains("sk-nope"));
    }

    @Test
    void routePolicyOverridesGatewayPolicy() {
        assertUnauthorized(get("keys.example.com", Map.of("Authorization", "Bearer sk-gateway")), "Bearer");
        Http.Reply open = get("open.example.com", Map.of("Authorization", "Bearer sk-gateway"));
        assertEquals(200, open.status(), open.body());
        assertEquals("gateway-tenant", upstream(open).get("x-infergate-tenant"));
        assertUnauthorized(get("open.example.com", Map.of("Authorization", "Bearer sk-team-a")), "Bearer");
    }

    @Test
    void jwtAdmitsMapsClaimsAndFollowsKeyRotation() {
        long now = Instant.now().getEpochSecond();
        String token = TestIssuer.sign(
                "RS256",
                "one",
                ONE.getPrivate(),
                TestIssuer.claims("team-b", now).add("email", "b@example.com").build());
        Http.Reply r = get("jwt.example.com", Map.of("Authorization", "Bearer " + token));
        assertEquals(200, r.status(), r.body());
        Map<String, String> up = upstream(r);
        assertEquals("team-b", up.get("x-infergate-tenant"));
        assertEquals("b@example.com", up.get("x-user-email"));
        assertFalse(up.containsKey("authorization"));

        int fetchesBefore = JWKS_FETCHES.get();
        JWKS.set(TestIssuer.jwks(TestIssuer.jwk("one", ONE, "RS256"), TestIssuer.jwk("two", TWO, "ES256")));
        String rotated = TestIssuer.sign(
                "ES256",
                "two",
                TWO.getPrivate(),
                TestIssuer.claims("team-c", now).build());
        Http.Reply after = get("jwt.example.com", Map.of("Authorization", "Bearer " + rotated));
        assertEquals(200, after.status(), after.body());
        assertEquals("team-c", upstream(after).get("x-infergate-tenant"));
        assertEquals(fetchesBefore + 1, JWKS_FETCHES.get(), "the unknown kid made exactly one refetch");
    }

    @Test
    void expiredOrForeignTokensAre401() {
        long now = Instant.now().getEpochSecond();
        JsonObject expired = Json.createObjectBuilder(
                        TestIssuer.claims("team-b", now).build())
                .add("exp", now - 120)
                .build();
        Http.Reply r = get(
                "jwt.example.com",
                Map.of("Authorization", "Bearer " + TestIssuer.sign("RS256", "one", ONE.getPrivate(), expired)));
        assertUnauthorized(r, "Bearer realm=\"infergate\", error=\"invalid_token\"");
        assertTrue(r.json().getJsonObject("error").getString("message").contains("expired"), r.body());
        KeyPair stranger = TestIssuer.rsa(2048);
        String foreign = TestIssuer.sign(
                "RS256",
                "one",
                stranger.getPrivate(),
                TestIssuer.claims("team-b", now).build());
        assertUnauthorized(get("jwt.example.com", Map.of("Authorization", "Bearer " + foreign)), "Bearer");
        assertUnauthorized(get("jwt.example.com", Map.of("Authorization", "Bearer sk-team-a")), "Bearer");
    }
}
