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

/** {@code queue-scorer}: one row per case, the arithmetic in the name. */
class QueueScorerTest {

    private static final PickContext PLAIN = new PickContext("r", Optional.of("base"));

    static Stream<Arguments> rows() {
        Plugin.Scorer queue =
                QueueScorer.create("q", Parameters.none("q"), PluginHandle.alone(new SplittableRandom(1)));
        return Stream.of(
                arguments(
                        "queue: waiting 0,5,10 → (10−w)/10 = 1, .5, 0",
                        queue,
                        PLAIN,
                        List.of(
                                view(1, 0, metrics(0, 0, 0)),
                                view(2, 0, metrics(5, 0, 0)),
                                view(3, 0, metrics(10, 0, 0))),
                        new double[] {1, 0.5, 0}),
                arguments(
                        "queue: all equal → 1 each",
                        queue,
                        PLAIN,
                        List.of(view(1, 0, metrics(3, 0, 0)), view(2, 0, metrics(3, 0, 0))),
                        new double[] {1, 1}),
                arguments(
                        "queue: no metrics counts as 0 waiting → 1, (4−4)/4 = 0",
                        queue,
                        PLAIN,
                        List.of(view(1, 0, null), view(2, 0, metrics(4, 0, 0))),
                        new double[] {1, 0}));
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
