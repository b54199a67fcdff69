package io.infergate.router.schedule.framework;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What a plugin factory gets besides its name and parameters: the router-wide inputs that some
 * plugins read (the EPP calls this the plugin handle). Passed explicitly, never looked up.
 *
 * @param random  thread-safe randomness for pickers and tie-breaks (seeded in tests)
 * @param routers how many routers share the pools, kept current by the snapshot store
 */
public record PluginHandle(RandomGenerator random, RouterCount routers) {
    public PluginHandle {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(routers, "routers");
    }

    /** A router alone ({@link RouterCount} 1), e.g. to validate a configuration or in tests. */
    public static PluginHandle alone(RandomGenerator random) {
        return new PluginHandle(random, new RouterCount());
    }
}
