package io.infergate.router.proxy;

import com.sun.net.httpserver.HttpServer;
import io.helidon.http.Method;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.router.RouterConfig;
import io.infergate.router.outlier.OutlierSettings;
import io.infergate.router.testing.Http;
import io.infergate.router.testing.RouterFixture;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.infergate.router.testing.Snap.endpoint;
import static io.infergate.router.testing.Snap.gateway;
import static io.infergate.router.testing.Snap.listener;
import static io.infergate.router.testing.Snap.prefix;
import static io.infergate.router.testing.Snap.route;
import static io.infergate.router.testing.Snap.rule;
import static io.infergate.router.testing.Snap.service;
import static io.infergate.router.testing.Snap.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Ready endpoint where nothing listens, in a Service of four (round robin, no metrics): connect
 * failures are retried on another endpoint and eject it, so clients see none. A 503 is retried
 * only for requests that may be sent twice. ({@link UnscrapedEndpointTest} covers pools.)
 */
class DeadEndpointTest {

    private static final List<SimulatedPod> PODS = new ArrayList<>();
    private static HttpServer unavailable;
    private static RouterFixture retrying;
    private static int retryingPort;
    private static int deadPort;

    @BeforeAll
    static void start() throws Exception {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SimulatedPod pod = SimulatedPod.start(SimulatorConfig.builder()
                    .podName("live-" + i)
                    .timeToFirstToken(Duration.ofMillis(1))
                    .interTokenLatency(Duration.ofMillis(1))
                    .build());
            PODS.add(pod);
            endpoints.add(endpoint("127.0.0.1", pod.port(), pod.podName()));
        }
        deadPort = Http.freePort(); // bound once, closed: connections are refused
        endpoints.add(1, endpoint("127.0.0.1", deadPort, "dead"));
        unavailable = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        unavailable.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = "{\"error\":\"overloaded\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("x-inference-pod", "unavailable");
            ex.sendResponseHeaders(503, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        unavailable.start();

        retrying = RouterFixture.start(RouterConfig.defaults("127.0.0.1", 0, RouterFixture.TOKEN));
        retryingPort = Http.freePort();
        Backend.Service four = service("four", 8000, endpoints.toArray(Endpoint[]::new));
        Backend.Service flaky = service(
                "flaky",
                8000,
                endpoint("127.0.0.1", unavailable.getAddress().getPort(), "unavailable"),
                endpoints.getFirst());
        Http.Reply put = retrying.put(snapshot(
                List.of(gateway("gw", listener("http", retryingPort))),
                List.of(
                        route("four")
                                .rule(rule(prefix("/v1")).backend(four.id()))
                                .build(),
                        route("flaky")
                                .rule(rule(prefix("/flaky")).backend(flaky.id()))
                                .build()),
                List.of(four, flaky)));
        assertEquals(200, put.status(), put.body());
    }

    @AfterAll
    static void stop() {
        retrying.close();
        unavailable.stop(0);
        PODS.forEach(SimulatedPod::close);
    }

    private static double metric(RouterFixture router, String series) {
        String text = router.observe("/observe/metrics").body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "(\\{[^}]*})? ([0-9.E+-]+)$")
                .matcher(text);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }

    private static double metric(RouterFixture router, String name, String label) {
        String text = router.observe("/observe/metrics").body();
        Matcher m = Pattern.compile(
                        "(?m)^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} ([0-9.E+-]+)$")
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aRefusingEndpointCostsClientsNothingAndIsEjected() {
        Map<Integer, Integer> statuses = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            Http.Reply r = retrying.http().get(retryingPort, "svc.test", "/v1/models");
            statuses.merge(r.status(), 1, Integer::sum);
        }
        assertEquals(Map.of(200, 40), statuses, "one dead endpoint of four: every request still answered");
        double retries = metric(retrying, "infergate_router_upstream_retries_total", "reason=\"connect\"");
        assertEquals(
                OutlierSettings.defaults().consecutiveConnectFailures(),
                retries,
                "the dead endpoint was tried until ejected, each time retried elsewhere");
        assertEquals(1, metric(retrying, "infergate_router_endpoint_ejections_total"));
        assertEquals(1, metric(retrying, "infergate_router_endpoints_ejected"));
    }

    @Test
    void a503IsRetriedOnlyForRequestsThatMayBeSentTwice() {
        double before = metric(retrying, "infergate_router_upstream_retries_total", "reason=\"status_503\"");
        int retried;
        int passedOn = 0;
        for (int i = 0; i < 6; i++) {
            Http.Reply get = retrying.http().get(retryingPort, "svc.test", "/flaky/v1/models");
            assertTrue(
                    get.status() != 503 && !"unavailable".equals(get.header("x-inference-pod")),
                    "GET is idempotent: a 503 goes to the other endpoint: " + get);
        }
        for (int i = 0; i < 6; i++) {
            Http.Reply post =
                    retrying.http().send(Method.POST, retryingPort, "svc.test", "/flaky/anything", "{}", r -> {});
            if (post.status() == 503) {
                assertEquals("unavailable", post.header("x-inference-pod"), "the upstream's own 503, passed on");
                passedOn++;
            }
        }
        retried = (int) (metric(retrying, "infergate_router_upstream_retries_total", "reason=\"status_503\"") - before);
        assertTrue(passedOn > 0, "a POST to a Service may not be sent twice: its 503 reaches the client");
        assertTrue(retried >= 1 && retried <= 6, "retried GETs: " + retried);
    }
}
