package io.infergate.router.schedule;

import io.infergate.router.schedule.endpoint.Target;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.PluginTimer;
import io.infergate.router.schedule.framework.Profile;
import io.infergate.router.scrape.EndpointMetrics;

import java.time.Duration;
import java.util.List;

/**
 * InferencePool backends: the pool's {@link Profile} run over the candidates' live views.
 *
 * @param profile    the configured plugins
 * @param metrics    the scraped metrics lookup
 * @param staleAfter a sample older than this is stale
 * @param timer      where plugin call durations go
 */
public record PoolStrategy(Profile profile, EndpointMetrics metrics, Duration staleAfter, PluginTimer timer)
        implements Strategy {

    @Override
    public Target choose(List<Target> candidates, PickContext context) {
        return profile.run(context, Profile.views(candidates, metrics, staleAfter, System::nanoTime), timer)
                .target();
    }

    @Override
    public void served(Target served, PickContext context) {
        profile.served(
                context,
                Profile.views(List.of(served), metrics, staleAfter, System::nanoTime)
                        .getFirst());
    }
}
