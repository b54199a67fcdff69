package io.infergate.router.schedule.framework;

import io.infergate.router.schedule.plugins.picker.MaxScorePicker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static io.infergate.router.testing.Views.metrics;
import static io.infergate.router.testing.Views.stale;
import static io.infergate.router.testing.Views.view;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ProfileTest {

    private static final PickContext CTX = new PickContext("r", Optional.empty());

    /** A scorer returning fixed raw scores, to see what the framework does with them. */
    private record Fixed(String name, double[] raw) implements Plugin.Scorer {
        @Override
        public String type() {
            return "fixed";
        }

        @Override
        public double[] score(PickContext request, List<EndpointView> candidates) {
            return raw;
        }
    }

    @Test
    void scoresAreClampedWeightedSummedAndEveryCallTimed() {
        List<String> timed = new ArrayList<>();
        // raw 5 → 1, −3 → 0, NaN → 0: totals 2×1 + 1×0 = 2 vs 2×0 + 1×1 = 1 vs 0 + 0.5 = 0.5
        Profile p = new Profile(
                "p",
                List.of(),
                List.of(
                        new Profile.Weighted(new Fixed("a", new double[] {5, -3, Double.NaN}), 2),
                        new Profile.Weighted(new Fixed("b", new double[] {0, 1, 0.5}), 1)),
                new MaxScorePicker("pick", new SplittableRandom(1)));
        List<EndpointView> three = List.of(view(1, 0, null), view(2, 0, null), view(3, 0, null));
        assertEquals(
                "10.0.0.1:8000",
                p.run(CTX, three, (type, name, nanos) -> timed.add(type + "/" + name))
                        .key());
        assertEquals(List.of("fixed/a", "fixed/b", "max-score-picker/pick"), timed);
    }

    @Test
    void staleEndpointsAreAvoidedWhileAFreshOneIsLeft() {
        Profile p = new Profile(
                "p",
                List.of(),
                List.of(new Profile.Weighted(new Fixed("a", new double[] {1, 0}), 1)),
                new MaxScorePicker("pick", new SplittableRandom(1)));
        // the stale one would win on score; it is filtered, so the fresh one (now index 0) is picked
        List<EndpointView> views = List.of(stale(view(1, 0, metrics(0, 0, 0))), view(2, 0, metrics(9, 0, 0)));
        assertEquals("10.0.0.2:8000", p.run(CTX, views, PluginTimer.none()).key());
        // all stale: all stay candidates
        assertEquals(
                "10.0.0.1:8000",
                p.run(CTX, List.of(views.get(0), stale(views.get(1))), PluginTimer.none())
                        .key());
    }

    @Test
    void anEndpointThatNeverAnsweredAScrapeIsNotTrustedAsIdle() {
        Profile p = new Profile(
                "p",
                List.of(),
                List.of(new Profile.Weighted(new io.infergate.router.schedule.plugins.scorer.QueueScorer("queue"), 1)),
                new MaxScorePicker("pick", new SplittableRandom(1)));
        io.infergate.router.schedule.endpoint.Target silent = view(1, 0, null).target();
        io.infergate.router.schedule.endpoint.Target busy = view(2, 0, null).target();
        io.infergate.router.scrape.Metrics sample = metrics(9, 4, 0.5);
        io.infergate.router.scrape.EndpointMetrics scraped =
                key -> key.equals(busy.key()) ? java.util.Optional.of(sample) : java.util.Optional.empty();
        List<EndpointView> views =
                Profile.views(List.of(silent, busy), scraped, java.time.Duration.ofSeconds(60), System::nanoTime);
        assertEquals(
                List.of(true, false), views.stream().map(EndpointView::stale).toList());
        // an unknown queue would score as empty (best); it is left out while a scraped endpoint exists
        assertEquals(busy.key(), p.run(CTX, views, PluginTimer.none()).key());
        // nothing ever scraped (servers without /metrics): every endpoint stays a candidate
        List<EndpointView> none = Profile.views(
                List.of(silent, busy),
                io.infergate.router.scrape.EndpointMetrics.none(),
                java.time.Duration.ofSeconds(60),
                System::nanoTime);
        assertEquals(2, none.stream().filter(EndpointView::stale).count());
        p.run(CTX, none, PluginTimer.none());
    }
}
