package io.infergate.router.schedule;

import io.infergate.common.snapshot.Backend;
import io.infergate.router.schedule.framework.PluginTimer;
import io.infergate.router.schedule.framework.Profile;
import io.infergate.router.scrape.EndpointMetrics;
import io.infergate.router.scrape.ScrapeEndpoint;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What InferencePool backends are compiled with: the profile, the metrics lookup, the staleness
 * bound, the plugin timer, who to tell which pool endpoints the snapshot has (the scraper), and
 * the profiles of pools configured to use another one ({@code poolProfiles}).
 *
 * @param profile the primary profile, for every pool not in {@code byPool}
 * @param byPool  profiles by the pool's {@code namespace/name}
 */
public record PoolProfiles(
        Profile profile,
        EndpointMetrics metrics,
        Duration staleAfter,
        PluginTimer timer,
        Consumer<Collection<ScrapeEndpoint>> poolEndpoints,
        Map<String, Profile> byPool) {
    public PoolProfiles {
        byPool = Map.copyOf(byPool);
    }

    /** Every pool uses {@code profile}. */
    public PoolProfiles(
            Profile profile,
            EndpointMetrics metrics,
            Duration staleAfter,
            PluginTimer timer,
            Consumer<Collection<ScrapeEndpoint>> poolEndpoints) {
        this(profile, metrics, staleAfter, timer, poolEndpoints, Map.of());
    }

    /** The profile of this pool. */
    public Profile profileOf(Backend.InferencePool pool) {
        return byPool.getOrDefault(pool.namespace() + "/" + pool.name(), profile);
    }
}
