package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteCrossNamespace (httproute-cross-namespace.go/.yaml): a route in
 * gateway-conformance-web-backend attaches to the Gateway backend-namespaces, whose listener
 * admits namespaces labelled {@code gateway-conformance: backend}, and reaches web-backend.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteCrossNamespaceTest {

    private static Served served;

    @BeforeAll
    static void apply(ConformanceEnv env) {
        served = env.apply("httproute-cross-namespace");
        served.routeCondition(ConformanceEnv.WEB_BACKEND, "cross-namespace", "backend-namespaces", "Accepted", true, "Accepted");
        served.routeCondition(ConformanceEnv.WEB_BACKEND, "cross-namespace", "backend-namespaces", "ResolvedRefs", true,
                "ResolvedRefs");
    }

    @Test
    void simpleHttpRequestShouldReachWebBackend() {
        served.check(served.gateway("backend-namespaces"), request("/").backend("web-backend")
                .namespace(ConformanceEnv.WEB_BACKEND));
    }
}
