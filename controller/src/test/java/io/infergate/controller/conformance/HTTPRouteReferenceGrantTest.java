package io.infergate.controller.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.infergate.controller.conformance.Expected.request;

/**
 * Upstream HTTPRouteReferenceGrant (httproute-reference-grant.go/.yaml): a ReferenceGrant in the
 * backend's namespace permits the cross-namespace backendRef; once it is deleted the same
 * request gets 500. The deletion is a second manifest set, the same objects without the grant.
 */
@ExtendWith(ConformanceEnv.Shared.class)
class HTTPRouteReferenceGrantTest {

    private static ConformanceEnv env;

    @BeforeAll
    static void keep(ConformanceEnv shared) {
        env = shared;
    }

    @Test
    void requestsReachWebBackendWhileTheGrantExistsAnd500AfterItIsDeleted() {
        Served served = env.apply("httproute-reference-grant");
        served.routeAccepted("reference-grant", "same-namespace");
        served.check(served.gateway("same-namespace"), request("/").backend("web-backend")
                .namespace(ConformanceEnv.WEB_BACKEND));

        Served withoutGrant = env.apply("httproute-reference-grant-deleted");
        withoutGrant.routeCondition(ConformanceEnv.INFRA, "reference-grant", "same-namespace", "ResolvedRefs", false,
                "RefNotPermitted");
        withoutGrant.check(withoutGrant.gateway("same-namespace"), request("/").status(500));
    }
}
