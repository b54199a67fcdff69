package io.infergate.router.schedule.plugins.scorer;

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
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code kv-cache-utilization-scorer}: one row per case, the arithmetic in the name. */
class KvCacheUtilizationScorerTest {

    private static final PickContext PLAIN = new PickContext("r", Optional.of("base"));

    static Stream<Arguments> rows() {
        Plugin.Scorer kv = KvCacheUtilizationScorer.create(
                "kv", Parameters.none("kv"), PluginHandle.alone(new SplittableRandom(1)));
        return Stream.of(
                arguments(
                        "kv: 1 − 0.25 = .75, 1 − 1 = 0, no metrics = 1",
                        kv,
                        PLAIN,
                        List.of(view(1, 0, metrics(0, 0, 0.25)), view(2, 0, metrics(0, 0, 1))),
                        new double[] {0.75, 0}),
                arguments("kv: no metrics → 1 − 0 = 1", kv, PLAIN, List.of(view(1, 0, null)), new double[] {1}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void scores(
            String reason,
            Plugin.Scorer scorer,
            PickContext request,
            List<EndpointView> candidates,
            double[] expected) {
        assertArrayEquals(expected, scorer.score(request, candidates), 1e-9, reason);
    }
}
