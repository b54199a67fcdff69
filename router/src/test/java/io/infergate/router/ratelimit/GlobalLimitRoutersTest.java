package io.infergate.router.ratelimit;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.infergate.common.snapshot.AuthPolicy;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.common.snapshot.RateLimitPolicy;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.router.RouterConfig;
import io.infergate.router.auth.ApiKeyTable;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.router.testing.Snap;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import jakarta.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.pool;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three routers in-process sharing one real redis-server, a simulator pod as the model server,
 * API keys for two tenants: a global token limit holds across the routers under concurrent load,
 * a local one counts per router, streams are charged their completion, and Redis killed mid-test
 * gives each policy its failure mode.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GlobalLimitRoutersTest {
    private static final long LIMIT = 3_000;
    private static final String PROMPT = "the quick brown fox jumps"; // 5 tokens for the simulator, 7 estimated
    private static final List<RouterFixture> ROUTERS = new ArrayList<>();
    private static final List<Integer> PORTS = new ArrayList<>();
    private static RedisServer redis;
    private static SimulatedPod pod;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        pod = SimulatedPod.start(SimulatorConfig.builder()
                .podName("sim-0")
                .timeToFirstToken(Duration.ofMillis(1))
                .interTokenLatency(Duration.ZERO)
                .maxRunning(256)
                .build());
        Backend.InferencePool sims = pool("sims", endpoint("127.0.0.1", pod.port(), pod.podName()));
        List<HttpRoute> routes = List.of(
                route("global")
                        .hosts("global.example.com")
                        .rule(rule(prefix("/v1")).backend(sims.id()))
                        .build(),
                route("local")
                        .hosts("local.example.com")
                        .rule(rule(prefix("/v1")).backend(sims.id()))
                        .build(),
                route("stream")
                        .hosts("stream.example.com")
                        .rule(rule(prefix("/v1")).backend(sims.id()))
                        .build(),
                route("open")
                        .hosts("open.example.com")
                        .rule(rule(prefix("/v1")).backend(sims.id()))
                        .build(),
                route("closed")
                        .hosts("closed.example.com")
                        .rule(rule(prefix("/v1")).backend(sims.id()))
                        .build());
        for (int i = 0; i < 3; i++) {
            RouterFixture router = RouterFixture.start(RouterConfig.defaults("127.0.0.1", 0, RouterFixture.TOKEN)
                    .withRateLimits(new RateLimitSettings(
                            Optional.of(new RateLimitSettings.RedisAddress("127.0.0.1", redis.port())),
                            Duration.ofMillis(250),
                            16,
                            Duration.ofMillis(100))));
            int port = Http.freePort();
            Snapshot base = Snap.snapshot(List.of(gateway("gw", listener("http", port))), routes, List.of(sims));
            Http.Reply put = router.put(new Snapshot(
                    base.schemaVersion(),
                    base.gateways(),
                    base.routes(),
                    base.backends(),
                    base.objectives(),
                    3,
                    List.of(),
                    List.of(new AuthPolicy(
                            AuthPolicy.idOf("default", "keys"),
                            List.of(base.gateways().getFirst().id()),
                            List.of(
                                    new AuthPolicy.ApiKey(ApiKeyTable.sha256("sk-a"), "team-a"),
                                    new AuthPolicy.ApiKey(ApiKeyTable.sha256("sk-b"), "team-b")),
                            Optional.empty())),
                    List.of(
                            policy("global", RateLimitPolicy.Scope.GLOBAL, RateLimitPolicy.FailureMode.OPEN, LIMIT, 0),
                            policy("local", RateLimitPolicy.Scope.LOCAL, RateLimitPolicy.FailureMode.OPEN, 0, 2),
                            policy(
                                    "stream",
                                    RateLimitPolicy.Scope.GLOBAL,
                                    RateLimitPolicy.FailureMode.OPEN,
                                    1_000_000,
                                    0),
                            policy(
                                    "open",
                                    RateLimitPolicy.Scope.GLOBAL,
                                    RateLimitPolicy.FailureMode.OPEN,
                                    1_000_000,
                                    0),
                            policy(
                                    "closed",
                                    RateLimitPolicy.Scope.GLOBAL,
                                    RateLimitPolicy.FailureMode.CLOSED,
                                    1_000_000,
                                    0))));
            assertEquals(200, put.status(), put.body());
            ROUTERS.add(router);
            PORTS.add(port);
        }
    }

    private static RateLimitPolicy policy(
            String route, RateLimitPolicy.Scope scope, RateLimitPolicy.FailureMode mode, long tokens, long requests) {
        return new RateLimitPolicy(
                RateLimitPolicy.idOf("default", route),
                List.of(HttpRoute.idOf("default", route)),
                mode,
                List.of(new RateLimitPolicy.Limit(
                        scope, RateLimitPolicy.Unit.DAY, tokens, requests, List.of(), List.of())));
    }

    @AfterAll
    static void stop() {
        ROUTERS.forEach(RouterFixture::close);
        if (pod != null) {
            pod.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static Http.Reply complete(int router, String host, String key, String extra) {
        String body = "{\"model\":\"Qwen2.5-0.5B-Instruct\",\"prompt\":\"" + PROMPT + "\"" + extra + "}";
        return ROUTERS.get(router).http().send(Method.POST, PORTS.get(router), host, "/v1/completions", body, r -> {
            r.header(HeaderNames.CONTENT_TYPE, "application/json");
            r.header(HeaderNames.AUTHORIZATION, "Bearer " + key);
        });
    }

    private static String counter(String route, String tenant) throws Exception {
        return redis.command(
                "GET infergate:rl:ratelimitpolicy/default/" + route + "/limit/0|" + tenant + "|t:" + day());
    }

    private static long day() {
        return System.currentTimeMillis() / Duration.ofDays(1).toMillis();
    }

    @Test
    @Order(1)
    void aGlobalTokenLimitHoldsWithinFivePercentAcrossThreeRouters() throws Exception {
        long dayAtStart = day();
        AtomicLong admittedTokens = new AtomicLong();
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger limited = new AtomicInteger();
        AtomicInteger teamB = new AtomicInteger();
        List<Http.Reply> refusals = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int c = 0; c < 24; c++) { // 24 concurrent clients, 400 requests of 15 tokens: 2x the limit
                int client = c;
                all.add(clients.submit(() -> {
                    for (int i = 0; i < 17; i++) {
                        int router = (client + i) % 3;
                        Http.Reply r = complete(router, "global.example.com", "sk-a", ",\"max_tokens\":10");
                        if (r.status() == 200) {
                            admitted.incrementAndGet();
                            admittedTokens.addAndGet(
                                    r.json().getJsonObject("usage").getInt("total_tokens"));
                        } else {
                            limited.incrementAndGet();
                            refusals.add(r);
                        }
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 6; i++) { // the other tenant meanwhile: its own count
                all.add(clients.submit(() -> {
                    if (complete(1, "global.example.com", "sk-b", ",\"max_tokens\":10")
                                    .status()
                            == 200) {
                        teamB.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        Assumptions.assumeTrue(day() == dayAtStart, "the run crossed midnight UTC: two windows, nothing to compare");
        assertEquals(6, teamB.get(), "team-b has its own counter");
        assertTrue(limited.get() > 0, "the limit was reached: " + admitted + " admitted");
        double ratio = admittedTokens.get() / (double) LIMIT;
        System.out.printf(
                "global limit %d tokens across 3 routers: %d requests admitted with %d tokens (%.3fx), %d refused%n",
                LIMIT, admitted.get(), admittedTokens.get(), ratio, limited.get());
        assertTrue(
                ratio >= 0.95 && ratio <= 1.05,
                "admitted " + admittedTokens + " tokens for a limit of " + LIMIT + " (" + admitted + " requests)");
        // A request that failed otherwise (a 503 of the admission queue or a 5xx of an overloaded
        // machine) is charged its prompt estimate (docs/rate-limits.md), at most its reservation
        // of about 15 tokens: on top of what the 200s reported, never below it.
        List<Integer> failed = refusals.stream()
                .map(Http.Reply::status)
                .filter(status -> status != 429)
                .toList();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            long held = Long.parseLong(counter("global", "team-a"));
            if (failed.isEmpty()) {
                assertEquals(
                        admittedTokens.get(),
                        held,
                        "after settlement Redis holds the tokens the model server reported");
            } else {
                assertTrue(
                        held >= admittedTokens.get() && held <= admittedTokens.get() + 20L * failed.size(),
                        "Redis holds " + held + " for " + admittedTokens + " reported and failures " + failed);
            }
        });
        Http.Reply refused =
                refusals.stream().filter(r -> r.status() == 429).findFirst().orElseThrow();
        assertEquals(429, refused.status(), refused.body());
        assertEquals("rate_limit_exceeded", refused.errorCode());
        long retryAfter = Long.parseLong(refused.header("retry-after"));
        assertTrue(retryAfter >= 1 && retryAfter <= 86_400, "until the day ends: " + retryAfter);
        assertEquals(Long.toString(LIMIT), refused.header("x-ratelimit-limit-tokens"));
        assertTrue(
                Long.parseLong(refused.header("x-ratelimit-remaining-tokens")) < 17,
                refused.headers().toString());
    }

    @Test
    @Order(2)
    void aLocalLimitCountsPerRouter() {
        for (int router = 0; router < 3; router++) {
            assertEquals(200, complete(router, "local.example.com", "sk-a", "").status());
            Http.Reply second = complete(router, "local.example.com", "sk-a", "");
            assertEquals(200, second.status(), second.body());
            assertEquals("0", second.header("x-ratelimit-remaining-requests"));
            Http.Reply third = complete(router, "local.example.com", "sk-a", "");
            assertEquals(429, third.status(), "two requests per router per day: " + third.body());
        }
    }

    @Test
    @Order(3)
    void streamsAreChargedTheirCompletion() throws Exception {
        // without usage in the stream: the prompt estimate (7) plus one token per streamed event
        Http.Reply plain = complete(0, "stream.example.com", "sk-a", ",\"stream\":true");
        assertEquals(200, plain.status(), plain.body());
        long events = events(plain.body());
        assertTrue(events >= 16, "the simulator's default output is 16 tokens: " + events);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertEquals(Long.toString(7 + events), counter("stream", "team-a")));
        // with include_usage: the server's own count, 5 prompt + 16 completion tokens
        Http.Reply usage = complete(
                1, "stream.example.com", "sk-b", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        assertEquals(200, usage.status(), usage.body());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals("21", counter("stream", "team-b")));
    }

    /** SSE events with a non-empty {@code choices} array: what the router counts as tokens. */
    private static long events(String sse) {
        return sse.lines()
                .filter(l -> l.startsWith("data:") && !l.contains("[DONE]"))
                .map(l -> Json.createReader(new StringReader(l.substring(5).strip()))
                        .readObject())
                .filter(o ->
                        o.containsKey("choices") && !o.getJsonArray("choices").isEmpty())
                .count();
    }

    @Test
    @Order(4)
    void redisKilledMidTestGivesEachPolicyItsFailureMode() throws Exception {
        assertEquals(200, complete(0, "open.example.com", "sk-a", "").status());
        assertEquals(200, complete(0, "closed.example.com", "sk-a", "").status());
        redis.kill();
        for (int router = 0; router < 3; router++) {
            Http.Reply open = complete(router, "open.example.com", "sk-a", "");
            assertEquals(200, open.status(), "fail open: " + open.body());
            Http.Reply closed = complete(router, "closed.example.com", "sk-a", "");
            assertEquals(503, closed.status(), "fail closed: " + closed.body());
            assertEquals("rate_limit_unavailable", closed.errorCode());
            assertEquals("1", closed.header("retry-after"));
        }
        String metrics = ROUTERS.getFirst().observe("/observe/metrics").body();
        assertTrue(metrics.contains("infergate_router_rate_limit_store_errors_total"), metrics);
        assertTrue(metrics.contains("outcome=\"failed_open\""), "decisions by outcome");
        assertTrue(metrics.contains("outcome=\"failed_closed\""), "decisions by outcome");
        redis.restart();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(150))
                .untilAsserted(() -> assertEquals(
                        200, complete(2, "closed.example.com", "sk-a", "").status(), "Redis is back"));
    }
}
