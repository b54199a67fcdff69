package io.infergate.common.snapshot;

import java.util.List;

/**
 * Everything a router needs to serve traffic, compiled by the controller from Kubernetes objects.
 *
 * <p>Rules: the snapshot is content-addressed ({@link SnapshotJson#contentId}), so pushing the same
 * content twice is a no-op on the router; every name inside traces back to its source object
 * (for example {@code httproute/default/llm-route/rule/0}); nothing in it refers to Kubernetes
 * types, so routers need no API access. Ordering of lists carries no meaning except where a
 * record says so (rule order inside a route, match order inside a rule).
 *
 * @param schemaVersion the format version, {@link #SCHEMA_VERSION} when written by this code
 * @param gateways      Gateways of our GatewayClass that are accepted, with their listeners
 * @param routes        HTTPRoutes attached to at least one listener of those Gateways
 * @param backends      every backend a route rule references (Services and InferencePools)
 * @param objectives    InferenceObjectives, by pool
 * @param routers       how many routers the controller pushes this snapshot to (1 when unknown or
 *                      one): routers that share a pool's traffic must agree on where a new prompt
 *                      prefix goes, a router alone need not (docs/adr/0005-prefix-affinity.md)
 * @param certificates  the key material HTTPS listeners name, by id: secret, never logged
 *                      (docs/adr/0021-tls-key-material.md)
 * @param authPolicies  accepted AuthPolicies and what they target (docs/adr/0024-authentication-policy.md)
 * @param rateLimitPolicies accepted RateLimitPolicies and what they target (docs/adr/0026-token-rate-limits.md)
 */
public record Snapshot(
        int schemaVersion,
        List<Gateway> gateways,
        List<HttpRoute> routes,
        List<Backend> backends,
        List<Objective> objectives,
        int routers,
        List<Certificate> certificates,
        List<AuthPolicy> authPolicies,
        List<RateLimitPolicy> rateLimitPolicies) {

    /** The schema version this code writes and understands. Bump it on incompatible changes. */
    public static final int SCHEMA_VERSION = 1;

    public Snapshot {
        gateways = List.copyOf(gateways);
        routes = List.copyOf(routes);
        backends = List.copyOf(backends);
        objectives = List.copyOf(objectives);
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
        authPolicies = authPolicies == null ? List.of() : List.copyOf(authPolicies);
        rateLimitPolicies = rateLimitPolicies == null ? List.of() : List.copyOf(rateLimitPolicies);
    }

    /** A snapshot without RateLimitPolicies. */
    public Snapshot(
            int schemaVersion,
            List<Gateway> gateways,
            List<HttpRoute> routes,
            List<Backend> backends,
            List<Objective> objectives,
            int routers,
            List<Certificate> certificates,
            List<AuthPolicy> authPolicies) {
        this(schemaVersion, gateways, routes, backends, objectives, routers, certificates, authPolicies, List.of());
    }

    /** A snapshot without AuthPolicies. */
    public Snapshot(
            int schemaVersion,
            List<Gateway> gateways,
            List<HttpRoute> routes,
            List<Backend> backends,
            List<Objective> objectives,
            int routers,
            List<Certificate> certificates) {
        this(schemaVersion, gateways, routes, backends, objectives, routers, certificates, List.of());
    }

    /** A snapshot without HTTPS listeners' key material. */
    public Snapshot(
            int schemaVersion,
            List<Gateway> gateways,
            List<HttpRoute> routes,
            List<Backend> backends,
            List<Objective> objectives,
            int routers) {
        this(schemaVersion, gateways, routes, backends, objectives, routers, List.of());
    }

    /** A snapshot for one router (or an unknown number). */
    public Snapshot(
            int schemaVersion,
            List<Gateway> gateways,
            List<HttpRoute> routes,
            List<Backend> backends,
            List<Objective> objectives) {
        this(schemaVersion, gateways, routes, backends, objectives, 1);
    }

    /** The same content for {@code count} routers. */
    public Snapshot withRouters(int count) {
        return new Snapshot(
                schemaVersion,
                gateways,
                routes,
                backends,
                objectives,
                count,
                certificates,
                authPolicies,
                rateLimitPolicies);
    }

    /** An empty snapshot of the current schema: serves nothing. */
    public static Snapshot empty() {
        return new Snapshot(SCHEMA_VERSION, List.of(), List.of(), List.of(), List.of());
    }

    /** Redacted: the certificates' keys never reach a log. */
    @Override
    public String toString() {
        return "Snapshot[schemaVersion=" + schemaVersion + ", " + gateways.size() + " gateways, " + routes.size()
                + " routes, " + backends.size() + " backends, " + objectives.size() + " objectives, routers="
                + routers + ", " + certificates.size() + " certificates (redacted), " + authPolicies.size()
                + " auth policies, " + rateLimitPolicies.size() + " rate limit policies]";
    }
}
