package io.infergate.router.schedule;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A backend compiled for scheduling: its endpoints with live state, and the profile that picks
 * among them (round robin for Services, least outstanding for InferencePools).
 *
 * @param backend   the backend from the snapshot
 * @param endpoints its endpoints, in snapshot order, deduplicated by {@code address:port}
 * @param profile   how an endpoint is chosen
 */
public record BackendTarget(Backend backend, List<Target> endpoints, Profile profile) {
    public BackendTarget {
        endpoints = List.copyOf(endpoints);
    }

    /** The backend id. */
    public String id() {
        return backend.id();
    }

    /** Compiles every backend of a snapshot, by id. */
    public static Map<String, BackendTarget> compileAll(List<Backend> backends, EndpointRegistry registry,
                                                        RandomGenerator random) {
        Map<String, BackendTarget> out = new HashMap<>();
        for (Backend b : backends) {
            Map<String, Target> unique = new LinkedHashMap<>();
            for (Endpoint e : b.endpoints()) {
                unique.putIfAbsent(e.hostPort(), new Target(e, registry.state(e.hostPort())));
            }
            Profile profile = switch (b) {
                case Backend.Service s -> new RoundRobin();
                case Backend.InferencePool p -> new LeastOutstanding(random);
            };
            out.put(b.id(), new BackendTarget(b, List.copyOf(unique.values()), profile));
        }
        return out;
    }
}
