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

import static io.infergate.router.testing.Views.view;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code outstanding-requests-scorer}: one row per case, the arithmetic in the name. */
class OutstandingRequestsScorerTest {

    private static final PickContext PLAIN = new PickContext("r", Optional.of("base"));

    static Stream<Arguments> rows() {
        Plugin.Scorer out = OutstandingRequestsScorer.create(
                "o", Parameters.none("o"), PluginHandle.alone(new SplittableRandom(1)));
        return Stream.of(arguments(
                "outstanding: 2,4,6 → (6−o)/4 = 1, .5, 0",
                out,
                PLAIN,
                List.of(view(1, 2, null), view(2, 4, null), view(3, 6, null)),
                new double[] {1, 0.5, 0}));
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
