package io.infergate.conformance;

import jakarta.json.JsonObject;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static io.infergate.conformance.Expected.request;
import static io.infergate.conformance.UpstreamTest.upstream;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The table, part four: how traffic is shared and copied, and how long it may take (upstream
 * {@code httproute-weight.go}, {@code httproute-request-header-modifier-backend-weights.go},
 * {@code httproute-request-*mirror*.go}, {@code httproute-timeout-*.go}). The router's random
 * generator is seeded, so weighted shares repeat run after run.
 */
final class TrafficCases {

    /** Requests per percentage-mirror check, and checks made, as upstream. */
    private static final int MIRROR_TOTAL = 500;

    private static final int MIRROR_CHECKS = 5;

    private TrafficCases() {}

    static List<UpstreamTest> all() {
        return List.of(
                // backendRef weights 70/30/0 share 500 requests within ±5 percentage points each,
                // as upstream's weight.TestWeightedDistribution checks; weight 0 gets nothing.
                upstream("HTTPRouteWeight", "httproute-weight")
                        .accepted("weighted-backends", "same-namespace")
                        .check("requests should have a distribution that matches the weight", s -> {
                            Map<String, Integer> seen = new HashMap<>();
                            int total = 500;
                            for (int i = 0; i < total; i++) {
                                JsonObject echo = s.check(
                                        "same-namespace",
                                        request("/")
                                                .header("X-Jitter", Integer.toString(i))
                                                .backend("infra-backend-v"));
                                String pod = echo.getString("pod");
                                seen.merge(pod.substring(0, pod.lastIndexOf('-')), 1, Integer::sum);
                            }
                            Map<String, Double> expected = Map.of("infra-backend-v1", 0.7, "infra-backend-v2", 0.3);
                            assertEquals(
                                    expected.keySet(),
                                    seen.keySet(),
                                    "weight 0 (infra-backend-v3) gets nothing: " + seen);
                            expected.forEach((backend, share) -> {
                                double got = seen.get(backend) / (double) total;
                                assertTrue(
                                        Math.abs(got - share) <= 0.05,
                                        backend + " got " + got + " of the traffic, want " + share + " ± 0.05");
                            });
                        }),

                // Each weighted backendRef sets a Backend header naming itself, and over 100
                // requests every request carries exactly the header of the backendRef that served
                // it (a backendRef's filters apply only to its own share).
                upstream(
                                "HTTPRouteRequestHeaderModifierBackendWeights",
                                "httproute-request-header-modifier-backend-weights")
                        .accepted("request-header-modifier-backend-weights", "same-namespace")
                        .check("each backendRef sets its own header", s -> {
                            Set<String> backends = new HashSet<>();
                            for (int i = 0; i < 100; i++) {
                                JsonObject echo =
                                        s.check("same-namespace", request("/").backend("infra-backend-v"));
                                var values = echo.getJsonObject("headers").getJsonArray("Backend");
                                assertEquals(1, values.size(), "one Backend header: " + echo);
                                String backend = values.getString(0);
                                assertTrue(
                                        echo.getString("pod").startsWith(backend),
                                        echo.getString("pod") + " was named " + backend);
                                backends.add(backend);
                            }
                            assertEquals(
                                    Set.of("infra-backend-v1", "infra-backend-v2"),
                                    backends,
                                    "both weights (10/10) got traffic");
                        }),

                // The request is served by infra-backend-v1 and exactly one copy reaches
                // infra-backend-v2, whose answer is ignored; with a RequestHeaderModifier in the
                // same rule the served request is modified.
                upstream("HTTPRouteRequestMirror", "httproute-request-mirror")
                        .accepted("request-mirror", "same-namespace")
                        .rows(
                                "same-namespace",
                                (s, row) -> {
                                    Mirrored.awaitCopies(s.env(), row.path(), List.of("infra-backend-v2"));
                                    assertEquals(
                                            1,
                                            s.env().echoed("infra-backend-v2").stream()
                                                    .filter(row.path()::equals)
                                                    .count(),
                                            "exactly one copy");
                                },
                                mirrorRows("/mirror", "/mirror-and-modify-headers")),

                // Two RequestMirror filters in one rule each send a copy (infra-backend-v2 and
                // infra-backend-v3) while infra-backend-v1 serves the request.
                upstream("HTTPRouteRequestMultipleMirrors", "httproute-request-multiple-mirrors")
                        .accepted("request-multiple-mirrors", "same-namespace")
                        .rows(
                                "same-namespace",
                                (s, row) -> Mirrored.awaitCopies(
                                        s.env(), row.path(), List.of("infra-backend-v2", "infra-backend-v3")),
                                mirrorRows("/multi-mirror", "/multi-mirror-and-modify-request-headers")),

                // percent: 20, fraction: 25/50 and percent: 35 mirror only their share. As upstream:
                // 500 requests per check, the mirrored count must lie within three binomial standard
                // deviations of its expectation, and up to five checks are made (one in ~370
                // conforming checks falls outside the band by chance).
                upstream("HTTPRouteRequestPercentageMirror", "httproute-request-percentage-mirror")
                        .accepted("request-percentage-mirror", "same-namespace")
                        .check(
                                "0 request to '/percent-mirror' should go to infra-backend-v1, 20% mirrored",
                                s -> mirrorsItsShare(s, "/percent-mirror", 0.20, e -> e.backend("infra-backend-v1")))
                        .check(
                                "1 request to '/percent-mirror-fraction' should go to infra-backend-v1, 25/50 mirrored",
                                s -> mirrorsItsShare(
                                        s, "/percent-mirror-fraction", 0.50, e -> e.backend("infra-backend-v1")))
                        .check(
                                "2 request to '/percent-mirror-and-modify-headers' with headers should go to infra-backend-v1,"
                                        + " 35% mirrored",
                                s -> mirrorsItsShare(
                                        s, "/percent-mirror-and-modify-headers", 0.35, TrafficCases::modifiedHeaders)),

                // timeouts.request 500ms: a backend that answers after 1 s (the echo server's delay
                // parameter) gets 504, an OpenAI-style error; "0s" disables the timeout.
                upstream("HTTPRouteTimeoutRequest", "httproute-timeout-request")
                        .accepted("request-timeout", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/request-timeout").backend("infra-backend-v1"),
                                request("/request-timeout?delay=1s").status(504),
                                request("/disable-request-timeout?delay=1s").backend("infra-backend-v1")),

                // timeouts.backendRequest 500ms: the same with the per-attempt timeout.
                upstream("HTTPRouteTimeoutBackendRequest", "httproute-timeout-backend-request")
                        .accepted("backend-request-timeout", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/backend-timeout").backend("infra-backend-v1"),
                                request("/backend-timeout?delay=1s").status(504),
                                request("/disable-backend-timeout?delay=1s").backend("infra-backend-v1")));
    }

    /** A plain mirrored request and one whose served copy is modified by a RequestHeaderModifier. */
    private static Expected[] mirrorRows(String plain, String modified) {
        return new Expected[] {
            request(Mirrored.unique(plain)).backend("infra-backend-v1"),
            modifiedHeaders(request(Mirrored.unique(modified))),
        };
    }

    private static Expected modifiedHeaders(Expected e) {
        return e.header("X-Header-Remove", "remove-val")
                .header("X-Header-Add-Append", "append-val-1")
                .backend("infra-backend-v1")
                .expectHeader("X-Header-Add", "header-val-1")
                .expectHeader("X-Header-Add-Append", "append-val-1,header-val-2")
                .expectHeader("X-Header-Set", "set-overwrites-values")
                .absent("X-Header-Remove");
    }

    private static void mirrorsItsShare(Served served, String path, double share, UnaryOperator<Expected> row) {
        double expected = MIRROR_TOTAL * share;
        double margin = 3 * Math.sqrt(MIRROR_TOTAL * share * (1 - share));
        String seen = "";
        for (int check = 0; check < MIRROR_CHECKS; check++) {
            String target = Mirrored.unique(path);
            for (int i = 0; i < MIRROR_TOTAL; i++) {
                served.check("same-namespace", row.apply(request(target)));
            }
            // Copies are sent before the served request, so they are all in flight by now; wait for them to land.
            try {
                await().atMost(Duration.ofSeconds(5))
                        .during(Duration.ofMillis(200))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> Math.abs(Mirrored.count(served.env(), "infra-backend-v2", target) - expected)
                                <= margin);
                return;
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                seen += " " + Mirrored.count(served.env(), "infra-backend-v2", target);
            }
        }
        fail(path + ": mirrored counts" + seen + " of " + MIRROR_TOTAL + ", want " + expected + " ± " + margin);
    }
}
