package io.infergate.router.schedule;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.router.backendtls.UpstreamTls;
import io.infergate.router.schedule.endpoint.EndpointRegistry;
import io.infergate.router.schedule.endpoint.Target;
import io.infergate.router.scrape.ScrapeEndpoint;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A backend compiled for scheduling: its endpoints with live state, and the strategy that picks
 * among them (round robin for Services; for InferencePools the configured profile, the pool's own
 * when {@code poolProfiles} names it).
 *
 * @param backend   the backend from the snapshot
 * @param endpoints its endpoints, in snapshot order, deduplicated by {@code address:port}
 * @param strategy  how an endpoint is chosen
 * @param tls       TLS to the endpoints when a BackendTLSPolicy applies, else empty (plain text)
 */
public record BackendTarget(Backend backend, List<Target> endpoints, Strategy strategy, Optional<UpstreamTls> tls) {
    public BackendTarget {
        endpoints = List.copyOf(endpoints);
        tls = tls == null ? Optional.empty() : tls;
    }

    /** A backend reached in plain text. */
    public BackendTarget(Backend backend, List<Target> endpoints, Strategy strategy) {
        this(backend, endpoints, strategy, Optional.empty());
    }

    /** The backend id. */
    public String id() {
        return backend.id();
    }

    /**
     * Compiles every backend of a snapshot, by id, and tells the scraper which endpoints the
     * InferencePools have (with the pool's TLS, so that TLS-only model servers are scraped over TLS).
     */
    public static Map<String, BackendTarget> compileAll(
            List<Backend> backends, EndpointRegistry registry, PoolProfiles pools) {
        return compileAll(backends, registry, pools, Map.of());
    }

    /** As {@link #compileAll(List, EndpointRegistry, PoolProfiles)}, with the backends' TLS by backend id. */
    public static Map<String, BackendTarget> compileAll(
            List<Backend> backends, EndpointRegistry registry, PoolProfiles pools, Map<String, UpstreamTls> tls) {
        Map<String, BackendTarget> out = new HashMap<>();
        List<ScrapeEndpoint> poolEndpoints = new ArrayList<>();
        for (Backend b : backends) {
            if (b instanceof Backend.InferencePool) {
                Optional<UpstreamTls> poolTls = Optional.ofNullable(tls.get(b.id()));
                for (Endpoint e : b.endpoints()) {
                    poolEndpoints.add(new ScrapeEndpoint(e, poolTls));
                }
            }
            Map<String, Target> unique = new LinkedHashMap<>();
            for (Endpoint e : b.endpoints()) {
                unique.putIfAbsent(e.hostPort(), new Target(e, registry.state(e.hostPort())));
            }
            Strategy strategy = switch (b) {
                case Backend.Service s -> new RoundRobin();
                case Backend.External x -> new RoundRobin(); // one endpoint: the provider's host
                case Backend.InferencePool p ->
                    new PoolStrategy(pools.profileOf(p), pools.metrics(), pools.staleAfter(), pools.timer());
            };
            out.put(
                    b.id(),
                    new BackendTarget(b, List.copyOf(unique.values()), strategy, Optional.ofNullable(tls.get(b.id()))));
        }
        pools.poolEndpoints().accept(poolEndpoints);
        return out;
    }
}
