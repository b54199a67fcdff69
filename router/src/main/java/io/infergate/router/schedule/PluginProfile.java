package io.infergate.router.schedule;

import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.PluginTimer;
import io.infergate.router.schedule.framework.SchedulingProfile;
import io.infergate.router.schedule.endpoint.Target;

import io.infergate.router.scrape.EndpointMetrics;
import java.time.Duration;
import java.util.List;

/**
 * InferencePool backends: a {@link SchedulingProfile} run over the candidates' live views.
 *
 * @param profile    the configured plugins
 * @param metrics    the scraped metrics lookup
 * @param staleAfter a sample older than this is stale
 * @param timer      where plugin call durations go
 */
public record PluginProfile(SchedulingProfile profile, EndpointMetrics metrics, Duration staleAfter, PluginTimer timer)
        implements Profile {

    @Override
    public Target choose(List<Target> candidates, PickContext context) {
        return profile.run(context, SchedulingProfile.views(candidates, metrics, staleAfter, System::nanoTime), timer)
                .target();
    }
}
