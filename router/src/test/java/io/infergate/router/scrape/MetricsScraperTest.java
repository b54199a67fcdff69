package io.infergate.router.scrape;

import io.infergate.common.snapshot.Endpoint;
import io.infergate.router.schedule.endpoint.EndpointRegistry;
import io.infergate.router.schedule.endpoint.Target;
import io.infergate.router.schedule.framework.Profile;
import io.infergate.simulator.SimulatedPod;
import io.infergate.simulator.SimulatorConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scrapes real simulator pods; targets follow the endpoint set. */
class MetricsScraperTest {

    private static Endpoint of(SimulatedPod pod) {
        return new Endpoint("127.0.0.1", pod.port(), Optional.of(pod.podName()), Map.of());
    }

    @Test
    void scrapesEveryEndpointAndFollowsTheSet() {
        try (SimulatedPod a = SimulatedPod.start(SimulatorConfig.builder()
                        .podName("scrape-a")
                        .blockSize(16)
                        .kvCacheBlocks(512)
                        .build());
                SimulatedPod b = SimulatedPod.start(
                        SimulatorConfig.builder().podName("scrape-b").build());
                MetricsScraper scraper = new MetricsScraper(ScrapeSettings.defaults())) {
            Endpoint ea = of(a);
            Endpoint eb = of(b);
            scraper.follow(List.of(ea, eb));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> scraper.latest(ea.hostPort()).isPresent()
                            && scraper.latest(eb.hostPort()).isPresent());
            Metrics m = scraper.latest(ea.hostPort()).orElseThrow();
            assertEquals(16, m.blockSize());
            assertEquals(512, m.blocks());
            assertEquals(0, m.waiting());
            long first = m.scrapedAtNanos();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> scraper.latest(ea.hostPort()).orElseThrow().scrapedAtNanos() > first);

            scraper.follow(List.of(eb));
            assertEquals(Set.of(eb.hostPort()), scraper.targets());
            assertTrue(scraper.latest(ea.hostPort()).isEmpty(), "a removed endpoint's sample is dropped");
        }
    }

    @Test
    void aPodThatStopsAnsweringGoesStale() {
        SimulatedPod pod = SimulatedPod.start(
                SimulatorConfig.builder().podName("scrape-gone").build());
        try (MetricsScraper scraper = new MetricsScraper(ScrapeSettings.defaults())) {
            Endpoint e = of(pod);
            scraper.follow(List.of(e));
            var targets = List.of(new Target(e, new EndpointRegistry().state(e.hostPort())));
            Duration staleAfter = ScrapeSettings.defaults().staleAfter();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                var v = Profile.views(targets, scraper, staleAfter, System::nanoTime)
                        .getFirst();
                return v.metrics().isPresent() && !v.stale();
            });
            pod.close();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Profile.views(targets, scraper, staleAfter, System::nanoTime)
                            .getFirst()
                            .stale());
        } finally {
            pod.close();
        }
    }
}
