package io.infergate.router.schedule.endpoint;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link EndpointState} of every endpoint, keyed by {@code address:port}, shared by all
 * backends and kept across snapshots. Endpoints that leave the snapshot are forgotten once idle.
 */
public final class EndpointRegistry {

    private final ConcurrentHashMap<String, EndpointState> states = new ConcurrentHashMap<>();

    /** The state of an endpoint, created on first use. */
    public EndpointState state(String key) {
        return states.computeIfAbsent(key, EndpointState::new);
    }

    /**
     * Forgets endpoints not in {@code keep} that have nothing in flight. One still serving keeps
     * its entry until a later snapshot finds it idle, so its counter never splits in two.
     */
    public void retainOnly(Set<String> keep) {
        states.entrySet()
                .removeIf(e -> !keep.contains(e.getKey()) && e.getValue().outstanding() == 0);
    }

    /** How many endpoints are tracked (for tests and debugging). */
    public int size() {
        return states.size();
    }
}
