package io.infergate.router.schedule;

import io.infergate.common.snapshot.Endpoint;
import io.infergate.router.endpoints.EndpointMetrics;

import java.time.Duration;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * What InferencePool backends are compiled with: the profile, the metrics lookup, the staleness
 * bound, the plugin timer, and who to tell which pool endpoints the snapshot has (the scraper).
 */
public record PoolScheduling(SchedulingProfile profile, EndpointMetrics metrics, Duration staleAfter,
                             PluginTimer timer, Consumer<Collection<Endpoint>> poolEndpoints) {
}
