package io.infergate.router.schedule.plugins.filter;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.framework.PluginHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static io.infergate.router.testing.Views.metrics;
import static io.infergate.router.testing.Views.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code low-queue-filter} and {@code low-kv-cache-filter}: which endpoints (by number) each keeps, and why. */
class ThresholdFilterTest {

    private static final PickContext PLAIN = new PickContext("r", Optional.of("base"));
    private static final PluginHandle HANDLE = PluginHandle.alone(new SplittableRandom(1));

    private static Plugin.Filter lowQueue(Map<String, String> params) {
        return ThresholdFilter.createQueue(
                ThresholdFilter.QUEUE, new Parameters(ThresholdFilter.QUEUE, params), HANDLE);
    }

    private static Plugin.Filter lowKv(Map<String, String> params) {
        return ThresholdFilter.createKvCache(
                ThresholdFilter.KV_CACHE, new Parameters(ThresholdFilter.KV_CACHE, params), HANDLE);
    }

    static Stream<Arguments> rows() {
        Plugin.Filter lowQueue = lowQueue(Map.of("threshold", "4"));
        Plugin.Filter lowKv = lowKv(Map.of("threshold", "0.5"));
        return Stream.of(
                arguments(
                        "low-queue 4: waiting 0,4,5,9 keeps 1,2 (≤ 4)",
                        lowQueue,
                        List.of(
                                view(1, 0, metrics(0, 0, 0)), view(2, 0, metrics(4, 0, 0)),
                                view(3, 0, metrics(5, 0, 0)), view(4, 0, metrics(9, 0, 0))),
                        List.of(1, 2)),
                arguments(
                        "low-queue 4: all above keeps none (the framework goes on with all)",
                        lowQueue,
                        List.of(view(1, 0, metrics(5, 0, 0)), view(2, 0, metrics(6, 0, 0))),
                        List.of()),
                arguments(
                        "low-queue 4: never scraped counts as 0 waiting",
                        lowQueue,
                        List.of(view(1, 0, null), view(2, 0, metrics(7, 0, 0))),
                        List.of(1)),
                arguments(
                        "low-kv 0.5: kv .2,.5,.51,.9 keeps 1,2",
                        lowKv,
                        List.of(
                                view(1, 0, metrics(0, 0, 0.2)), view(2, 0, metrics(0, 0, 0.5)),
                                view(3, 0, metrics(0, 0, 0.51)), view(4, 0, metrics(0, 0, 0.9))),
                        List.of(1, 2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void keeps(String reason, Plugin.Filter filter, List<EndpointView> candidates, List<Integer> kept) {
        List<String> expected = kept.stream().map(n -> "10.0.0." + n + ":8000").toList();
        assertEquals(
                expected,
                filter.filter(PLAIN, candidates).stream().map(EndpointView::key).toList(),
                reason);
    }

    @Test
    void thresholdsAreValidated() {
        assertEquals(
                "plugin 'low-queue-filter': parameter 'threshold' must be a whole number in 0..2147483647, got '-1'",
                assertThrows(IllegalArgumentException.class, () -> lowQueue(Map.of("threshold", "-1")))
                        .getMessage());
        assertEquals(
                "plugin 'low-kv-cache-filter': parameter 'threshold' must be a number in 0.0..1.0, got '80'",
                assertThrows(IllegalArgumentException.class, () -> lowKv(Map.of("threshold", "80")))
                        .getMessage());
    }
}
