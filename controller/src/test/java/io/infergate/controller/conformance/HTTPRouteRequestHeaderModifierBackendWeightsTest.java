package io.infergate.controller.conformance;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashSet;
import java.util.Set;

import static io.infergate.controller.conformance.Expected.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upstream HTTPRouteRequestHeaderModifierBackendWeights
 * (httproute-request-header-modifier-backend-weights.go/.yaml): each weighted backendRef sets a
 * {@code Backend} header naming itself, and over 100 requests every request carries exactly the
 * header of the backendRef that served it (a backendRef's filters apply only to its own share).
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteRequestHeaderModifierBackendWeightsTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-request-header-modifier-backend-weights");
        served.routeAccepted("request-header-modifier-backend-weights", "same-namespace");
    }

    @Test
    void eachBackendRefSetsItsOwnHeader() {
        Served.Address gateway = served.gateway("same-namespace");
        Set<String> backends = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            JsonObject echo = served.check(gateway, request("/").backend("infra-backend-v"));
            var values = echo.getJsonObject("headers").getJsonArray("Backend");
            assertEquals(1, values.size(), "one Backend header: " + echo);
            String backend = values.getString(0);
            assertTrue(echo.getString("pod").startsWith(backend), echo.getString("pod") + " was named " + backend);
            backends.add(backend);
        }
        assertEquals(Set.of("infra-backend-v1", "infra-backend-v2"), backends, "both weights (10/10) got traffic");
    }
}
