package io.infergate.conformance;

import java.util.List;

import static io.infergate.conformance.ConformanceEnv.INFRA;
import static io.infergate.conformance.ConformanceEnv.WEB_BACKEND;
import static io.infergate.conformance.Expected.request;
import static io.infergate.conformance.UpstreamTest.upstream;

/**
 * The table, part two: routes and references that are not (fully) valid, where the status says
 * why and the router answers what the spec asks (upstream {@code httproute-invalid-*.go},
 * {@code httproute-*reference-grant*.go}, {@code httproute-disallowed-kind.go},
 * {@code httproute-omitted-backendrefs.go}).
 */
final class StatusCases {

    private StatusCases() {}

    static List<UpstreamTest> all() {
        return List.of(
                // A backendRef of an unknown kind leaves the route accepted with
                // ResolvedRefs=False/InvalidKind, and its share of requests gets 500.
                upstream("HTTPRouteInvalidBackendRefUnknownKind", "httproute-invalid-backendref-unknown-kind")
                        .condition(
                                INFRA,
                                "invalid-backend-ref-unknown-kind",
                                "same-namespace",
                                "Accepted",
                                true,
                                "Accepted")
                        .check(
                                "has a ResolvedRefs condition with status False and reason InvalidKind",
                                s -> s.routeCondition(
                                        INFRA,
                                        "invalid-backend-ref-unknown-kind",
                                        "same-namespace",
                                        "ResolvedRefs",
                                        false,
                                        "InvalidKind"))
                        .check(
                                "a request to the invalid backend receives a 500",
                                s -> s.check("same-namespace", request("/v2").status(500))),

                // A backendRef into another namespace without a ReferenceGrant:
                // ResolvedRefs=False/RefNotPermitted, and 500.
                upstream("HTTPRouteInvalidCrossNamespaceBackendRef", "httproute-invalid-cross-namespace-backend-ref")
                        .condition(
                                INFRA,
                                "invalid-cross-namespace-backend-ref",
                                "same-namespace",
                                "Accepted",
                                true,
                                "Accepted")
                        .check(
                                "has a ResolvedRefs condition with status False and reason RefNotPermitted",
                                s -> s.routeCondition(
                                        INFRA,
                                        "invalid-cross-namespace-backend-ref",
                                        "same-namespace",
                                        "ResolvedRefs",
                                        false,
                                        "RefNotPermitted"))
                        .check(
                                "a request to the invalid backend receives a 500",
                                s -> s.check("same-namespace", request("/").status(500))),

                // A backendRef to a missing Service: ResolvedRefs=False/BackendNotFound, and 500.
                upstream("HTTPRouteInvalidNonExistentBackendRef", "httproute-invalid-nonexistent-backendref")
                        .condition(
                                INFRA,
                                "invalid-nonexistent-backend-ref",
                                "same-namespace",
                                "Accepted",
                                true,
                                "Accepted")
                        .check(
                                "has a ResolvedRefs condition with status False and reason BackendNotFound",
                                s -> s.routeCondition(
                                        INFRA,
                                        "invalid-nonexistent-backend-ref",
                                        "same-namespace",
                                        "ResolvedRefs",
                                        false,
                                        "BackendNotFound"))
                        .check(
                                "a request to the invalid backend receives a 500",
                                s -> s.check("same-namespace", request("/").status(500))),

                // A route in another namespace than the Gateway, whose listener allows routes from
                // its own namespace only: Accepted=False/NotAllowedByListeners, nothing attached.
                unattached(
                        "HTTPRouteInvalidCrossNamespaceParentRef",
                        "httproute-invalid-cross-namespace-parent-ref",
                        WEB_BACKEND,
                        "invalid-cross-namespace-parent-ref",
                        "same-namespace",
                        "NotAllowedByListeners"),

                // A parentRef port that no listener has: Accepted=False/NoMatchingParent.
                unattached(
                        "HTTPRouteInvalidParentRefNotMatchingListenerPort",
                        "httproute-invalid-parentref-not-matching-listener-port",
                        INFRA,
                        "httproute-listener-not-matching-route-port",
                        "same-namespace",
                        "NoMatchingParent"),

                // A parentRef sectionName that names no listener: Accepted=False/NoMatchingParent.
                unattached(
                        "HTTPRouteInvalidParentRefNotMatchingSectionName",
                        "httproute-invalid-parentref-not-matching-section-name",
                        INFRA,
                        "httproute-listener-not-matching-section-name",
                        "same-namespace",
                        "NoMatchingParent"),

                // sectionName and port both set must both match one listener: Accepted=False/NoMatchingParent.
                unattached(
                        "HTTPRouteInvalidParentRefSectionNameNotMatchingPort",
                        "httproute-invalid-parentref-section-name-not-matching-port",
                        INFRA,
                        "httproute-listener-section-name-not-matching-port",
                        "gateway-with-one-not-matching-port-and-section-name-route",
                        "NoMatchingParent"),

                // A route whose only parent listener allows TLSRoutes alone is not accepted
                // (NotAllowedByListeners) and the Gateway counts no attached routes.
                upstream("HTTPRouteDisallowedKind", "httproute-disallowed-kind")
                        .check(
                                "route should not have been accepted with reason NotAllowedByListeners",
                                s -> s.routeCondition(
                                        INFRA,
                                        "disallowed-kind",
                                        "tlsroutes-only",
                                        "Accepted",
                                        false,
                                        "NotAllowedByListeners"))
                        .check("gateway should have zero routes attached", s -> s.zeroRoutes("tlsroutes-only")),

                // A ReferenceGrant in the backend's namespace permits the cross-namespace backendRef;
                // once it is deleted (a second manifest set, the same objects without the grant)
                // the same request gets 500.
                upstream("HTTPRouteReferenceGrant", "httproute-reference-grant")
                        .accepted("reference-grant", "same-namespace")
                        .check(
                                "requests reach web-backend while the grant exists and get 500 after it is deleted",
                                s -> {
                                    s.check(
                                            "same-namespace",
                                            request("/").backend("web-backend").namespace(WEB_BACKEND));
                                    Served withoutGrant = s.env().apply("httproute-reference-grant-deleted");
                                    withoutGrant.routeCondition(
                                            INFRA,
                                            "reference-grant",
                                            "same-namespace",
                                            "ResolvedRefs",
                                            false,
                                            "RefNotPermitted");
                                    withoutGrant.check(
                                            "same-namespace", request("/").status(500));
                                }),

                // Seven ReferenceGrants that each miss the reference in one way (wrong from group,
                // kind or namespace, wrong to group, kind or name, or in the wrong namespace)
                // permit nothing: ResolvedRefs=False/RefNotPermitted, and 500.
                upstream("HTTPRouteInvalidReferenceGrant", "httproute-invalid-reference-grant")
                        .condition(INFRA, "reference-grant", "same-namespace", "Accepted", true, "Accepted")
                        .check(
                                "has a ResolvedRefs condition with status False and reason RefNotPermitted",
                                s -> s.routeCondition(
                                        INFRA,
                                        "reference-grant",
                                        "same-namespace",
                                        "ResolvedRefs",
                                        false,
                                        "RefNotPermitted"))
                        .check(
                                "simple HTTP request should not reach web-backend",
                                s -> s.check("same-namespace", request("/").status(500))),

                // One rule's cross-namespace backendRef is not permitted (500,
                // ResolvedRefs=False/RefNotPermitted) while a sibling rule's permitted one serves.
                upstream(
                                "HTTPRoutePartiallyInvalidViaInvalidReferenceGrant",
                                "httproute-partially-invalid-via-invalid-reference-grant")
                        .condition(INFRA, "invalid-reference-grant", "same-namespace", "Accepted", true, "Accepted")
                        .check(
                                "has a ResolvedRefs condition with status False and reason RefNotPermitted",
                                s -> s.routeCondition(
                                        INFRA,
                                        "invalid-reference-grant",
                                        "same-namespace",
                                        "ResolvedRefs",
                                        false,
                                        "RefNotPermitted"))
                        .check(
                                "request to the invalid backend receives a 500",
                                s -> s.check("same-namespace", request("/v2").status(500)))
                        .check(
                                "request to the valid sibling backend succeeds",
                                s -> s.check(
                                        "same-namespace",
                                        request("/").backend("app-backend-v1").namespace(ConformanceEnv.APP_BACKEND))),

                // A rule with backendRefs omitted or empty (and no filter answering) gets 500; the
                // rule with a backend serves.
                upstream("HTTPRouteOmittedBackendRefs", "httproute-omitted-backendrefs")
                        .accepted("omitted-backendrefs", "same-namespace")
                        .rows(
                                "same-namespace",
                                request("/forward").backend("infra-backend-v1"),
                                request("/omitted-no-forward").status(500),
                                request("/empty-no-forward").status(500)));
    }

    /** A route that attaches nowhere: Accepted=False with the reason, no parent accepted, zero routes counted. */
    private static UpstreamTest unattached(
            String name, String manifests, String namespace, String route, String gateway, String reason) {
        return upstream(name, manifests)
                .check(
                        "route is not accepted with reason " + reason,
                        s -> s.routeCondition(namespace, route, gateway, "Accepted", false, reason))
                .check("route should not have parents accepted", s -> s.noAcceptedParents(namespace, route))
                .check("gateway should have zero routes attached", s -> s.zeroRoutes(gateway));
    }
}
