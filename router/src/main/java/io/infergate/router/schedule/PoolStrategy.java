package io.infergate.router.schedule;

import io.infergate.router.schedule.admission.Admission;
import io.infergate.router.schedule.endpoint.Target;
import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.PluginTimer;
import io.infergate.router.schedule.framework.Profile;
import io.infergate.router.schedule.framework.SlotGate;
import io.infergate.router.scrape.EndpointMetrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    @Override
    public void finished(Target endpoint) {
        profile.finished(endpoint.key());
    }

    @Override
    public Admission.Gate gate(PickContext context) {
        Optional<SlotGate> configured = profile.gate();
        if (configured.isEmpty()) {
            return Admission.Gate.NONE;
        }
        SlotGate g = configured.get();
        return new Admission.Gate() {
            @Override
            public boolean full(List<Target> endpoints) {
                return g.full(context, views(endpoints));
            }

            @Override
            public Optional<Set<String>> homes(List<Target> endpoints) {
                return g.homes(context, views(endpoints));
            }

            @Override
            public int lineSlack() {
                return g.lineSlack();
            }

            @Override
            public Map<String, Integer> freeSlots(List<Target> endpoints) {
                return g.freeSlots(views(endpoints));
            }

            @Override
            public List<String> spillOrder(List<Target> endpoints) {
                return g.spillOrder(context, views(endpoints));
            }

            @Override
            public Duration maxWait() {
                return g.maxWait();
            }

            @Override
            public boolean fullAt(List<Target> endpoints, String endpoint) {
                return g.fullAt(views(endpoints), endpoint);
            }
        };
    }

    private List<EndpointView> views(List<Target> endpoints) {
        return Profile.views(endpoints, metrics, staleAfter, System::nanoTime);
    }
}
