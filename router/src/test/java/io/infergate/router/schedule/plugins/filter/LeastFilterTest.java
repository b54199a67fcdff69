package io.infergate.router.schedule.plugins.filter;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.Parameters;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.framework.PluginHandle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static io.infergate.router.testing.Views.metrics;
import static io.infergate.router.testing.Views.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code least-queue-filter} and {@code least-kv-cache-filter}: which endpoints (by number) each keeps, and why. */
class LeastFilterTest {

    private static final PickContext PLAIN = new PickContext("r", Optional.of("base"));
    private static final PluginHandle HANDLE = PluginHandle.alone(new SplittableRandom(1));

    static Stream<Arguments> rows() {
        Plugin.Filter leastQueue =
                LeastFilter.createQueue(LeastFilter.QUEUE, Parameters.none(LeastFilter.QUEUE), HANDLE);
        Plugin.Filter leastKv =
                LeastFilter.createKvCache(LeastFilter.KV_CACHE, Parameters.none(LeastFilter.KV_CACHE), HANDLE);
        return Stream.of(
                arguments(
                        "least-queue: 0,3,8,12 over 4 → bound 0 + 12/4 = 3 keeps 1,2",
                        leastQueue,
                        List.of(
                                view(1, 0, metrics(0, 0, 0)), view(2, 0, metrics(3, 0, 0)),
                                view(3, 0, metrics(8, 0, 0)), view(4, 0, metrics(12, 0, 0))),
                        List.of(1, 2)),
                arguments(
                        "least-queue: all equal keeps all",
                        leastQueue,
                        List.of(view(1, 0, metrics(2, 0, 0)), view(2, 0, metrics(2, 0, 0))),
                        List.of(1, 2)),
                arguments(
                        "least-kv: .1,.3,.5 over 3 → bound .1 + .4/3 ≈ .233 keeps 1",
                        leastKv,
                        List.of(
                                view(1, 0, metrics(0, 0, 0.1)),
                                view(2, 0, metrics(0, 0, 0.3)),
                                view(3, 0, metrics(0, 0, 0.5))),
                        List.of(1)));
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
}
