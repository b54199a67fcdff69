package io.infergate.controller.conformance;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.Map;

import static io.infergate.controller.conformance.Expected.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upstream HTTPRouteWeight (httproute-weight.go/.yaml): backendRef weights 70/30/0 share 500
 * requests within ±5 percentage points each, as upstream's weight.TestWeightedDistribution
 * checks; weight 0 gets nothing. The router's random generator is seeded, so the run repeats.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteWeightTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-weight");
        served.routeAccepted("weighted-backends", "same-namespace");
    }

    @Test
    void requestsShouldHaveADistributionThatMatchesTheWeight() {
        Served.Address gateway = served.gateway("same-namespace");
        Map<String, Integer> seen = new HashMap<>();
        int total = 500;
        for (int i = 0; i < total; i++) {
            JsonObject echo = served.check(gateway, request("/").header("X-Jitter", Integer.toString(i)).backend("infra-backend-v"));
            String pod = echo.getString("pod");
            seen.merge(pod.substring(0, pod.lastIndexOf('-')), 1, Integer::sum);
        }
        Map<String, Double> expected = Map.of("infra-backend-v1", 0.7, "infra-backend-v2", 0.3);
        assertEquals(expected.keySet(), seen.keySet(), "weight 0 (infra-backend-v3) gets nothing: " + seen);
        expected.forEach((backend, share) -> {
            double got = seen.get(backend) / (double) total;
            assertTrue(Math.abs(got - share) <= 0.05, backend + " got " + got + " of the traffic, want " + share + " ± 0.05");
        });
    }
}
