package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.infergate.controller.conformance.Expected.request;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Upstream HTTPRouteRequestPercentageMirror (httproute-request-percentage-mirror.go/.yaml):
 * {@code percent: 20}, {@code fraction: 25/50} and {@code percent: 35} mirror only their share.
 * As upstream: 500 requests per check, the mirrored count must lie within three binomial standard
 * deviations of its expectation, and up to five checks are made (one in ~370 conforming checks
 * falls outside the band by chance).
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteRequestPercentageMirrorTest {

    private static final int TOTAL = 500;
    private static final int CHECKS = 5;
    private static ConformanceEnv env;
    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv shared) {
        env = shared;
        served = env.apply("httproute-request-percentage-mirror");
        served.routeAccepted("request-percentage-mirror", "same-namespace");
    }

    static Stream<Arguments> cases() {
        UnaryOperator<Expected> plain = e -> e.backend("infra-backend-v1");
        UnaryOperator<Expected> modified = e -> e.header("X-Header-Remove", "remove-val")
                .header("X-Header-Add-Append", "append-val-1").backend("infra-backend-v1")
                .expectHeader("X-Header-Add", "header-val-1").expectHeader("X-Header-Add-Append", "append-val-1,header-val-2")
                .expectHeader("X-Header-Set", "set-overwrites-values").absent("X-Header-Remove");
        return Stream.of(
                arguments("0 request to '/percent-mirror' should go to infra-backend-v1, 20% mirrored", "/percent-mirror", 0.20, plain),
                arguments("1 request to '/percent-mirror-fraction' should go to infra-backend-v1, 25/50 mirrored",
                        "/percent-mirror-fraction", 0.50, plain),
                arguments("2 request to '/percent-mirror-and-modify-headers' with headers should go to infra-backend-v1, 35% mirrored",
                        "/percent-mirror-and-modify-headers", 0.35, modified));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void mirrorsOnlyItsShare(String name, String path, double share, UnaryOperator<Expected> row) {
        Served.Address gateway = served.gateway("same-namespace");
        double expected = TOTAL * share;
        double margin = 3 * Math.sqrt(TOTAL * share * (1 - share));
        String seen = "";
        for (int check = 0; check < CHECKS; check++) {
            String target = Mirrored.unique(path);
            for (int i = 0; i < TOTAL; i++) {
                served.check(gateway, row.apply(request(target)));
            }
            // Copies are sent before the served request, so they are all in flight by now; wait for them to land.
            try {
                await().atMost(Duration.ofSeconds(5)).during(Duration.ofMillis(200)).pollInterval(Duration.ofMillis(20))
                        .until(() -> Math.abs(Mirrored.count(env, "infra-backend-v2", target) - expected) <= margin);
                return;
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                seen += " " + Mirrored.count(env, "infra-backend-v2", target);
            }
        }
        fail(path + ": mirrored counts" + seen + " of " + TOTAL + ", want " + expected + " ± " + margin);
    }
}
