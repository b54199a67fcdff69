package io.infergate.router.auth;

import io.infergate.common.snapshot.AuthPolicy;
import io.infergate.common.snapshot.Snapshot;

import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The authenticators of the served snapshot, rebuilt when the snapshot changes, and the JWKS
 * caches, which outlive snapshots (a new snapshot with the same JWKS URL keeps its fetched keys).
 *
 * <p>Rule: an HTTPRoute's policy overrides its Gateway's ({@link #find}); with neither, the
 * request is not authenticated.
 */
public final class Authentication {
    private final JwksSource.Fetcher fetcher;
    private final JwksSource.Settings settings;
    private final LongSupplier nanoTime;
    private final Supplier<Instant> clock;
    private final Map<String, JwksSource> sources = new ConcurrentHashMap<>();
    private final AtomicReference<Compiled> compiled = new AtomicReference<>(new Compiled(null, Map.of()));

    private record Compiled(Snapshot snapshot, Map<String, Authenticator> byTarget) {}

    /**
     * No policies yet; JWKS caches are made as policies name URLs.
     *
     * @param fetcher  reads JWKS documents
     * @param settings refresh and refetch intervals
     * @param nanoTime a monotonic clock for the JWKS caches
     * @param clock    the wall clock for {@code exp} and {@code nbf}
     */
    public Authentication(
            JwksSource.Fetcher fetcher, JwksSource.Settings settings, LongSupplier nanoTime, Supplier<Instant> clock) {
        this.fetcher = fetcher;
        this.settings = settings;
        this.nanoTime = nanoTime;
        this.clock = clock;
    }

    /**
     * The authenticator for a request matched to {@code routeId} on a listener of
     * {@code gatewayId} under {@code snapshot}: the route's policy, else the Gateway's.
     */
    @SuppressWarnings("ReferenceEquality") // identity on purpose: equals would compare whole snapshots per request
    public Optional<Authenticator> find(Snapshot snapshot, String routeId, String gatewayId) {
        Compiled c = compiled.get();
        if (c.snapshot() != snapshot) { // identity: a swap installs a new Snapshot object
            c = compiledFor(snapshot);
        }
        Authenticator a = c.byTarget().get(routeId);
        return Optional.ofNullable(a != null ? a : c.byTarget().get(gatewayId));
    }

    @SuppressWarnings("ReferenceEquality") // as in find
    private synchronized Compiled compiledFor(Snapshot snapshot) {
        Compiled c = compiled.get();
        if (c.snapshot() != snapshot) { // one compile per swap, and the JWKS caches change under this lock only
            c = compile(snapshot);
            compiled.set(c);
        }
        return c;
    }

    private Compiled compile(Snapshot snapshot) {
        Map<String, Authenticator> byTarget = new HashMap<>();
        Set<String> uris = new HashSet<>();
        for (AuthPolicy p : snapshot.authPolicies()) {
            Map<String, String> keys = new HashMap<>();
            p.apiKeys().forEach(k -> keys.put(k.sha256(), k.tenant()));
            Optional<Authenticator.Jwt> jwt = p.jwt().map(j -> {
                uris.add(j.jwksUri());
                return new Authenticator.Jwt(
                        new JwtVerifier.Rules(j.issuer(), j.audiences(), Authenticator.CLOCK_SKEW),
                        sources.computeIfAbsent(
                                j.jwksUri(), u -> new JwksSource(URI.create(u), fetcher, settings, nanoTime)),
                        j.tenantClaim(),
                        j.claimHeaders());
            });
            Authenticator a = new Authenticator(p.id(), new ApiKeyTable(keys), jwt, clock);
            p.targets().forEach(t -> byTarget.put(t, a));
        }
        sources.keySet().retainAll(uris); // caches of URLs no policy names any more are dropped
        return new Compiled(snapshot, byTarget);
    }

    /** The JWKS cache of a URL, if a policy of the served snapshot names it (tests, admin view). */
    public Optional<JwksSource> source(String jwksUri) {
        return Optional.ofNullable(sources.get(jwksUri));
    }
}
