package io.infergate.router.schedule.plugins.lora;

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
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static io.infergate.router.testing.Views.lora;
import static io.infergate.router.testing.Views.view;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code lora-affinity-scorer}: one row per case, the arithmetic in the name. */
class LoraAffinityScorerTest {

    private static final PickContext PLAIN = new PickContext("r", Optional.of("base"));
    private static final PickContext ADAPTER = new PickContext("r", Optional.of("sql-lora"));

    static Stream<Arguments> rows() {
        Plugin.Scorer lo =
                LoraAffinityScorer.create("l", Parameters.none("l"), PluginHandle.alone(new SplittableRandom(1)));
        return Stream.of(
                arguments(
                        "lora: running 1, room .8, waiting-only .6, full 0, no metrics 0",
                        lo,
                        ADAPTER,
                        List.of(
                                view(1, 0, lora(Set.of("sql-lora"), Set.of(), 1)),
                                view(2, 0, lora(Set.of("x"), Set.of(), 2)),
                                view(3, 0, lora(Set.of("x"), Set.of("sql-lora"), 1)),
                                view(4, 0, lora(Set.of("x"), Set.of(), 1)),
                                view(5, 0, null)),
                        new double[] {1, 0.8, 0.6, 0, 0}),
                arguments(
                        "lora: a model no endpoint lists as adapter → 1 everywhere",
                        lo,
                        PLAIN,
                        List.of(view(1, 0, lora(Set.of("sql-lora"), Set.of(), 1)), view(2, 0, null)),
                        new double[] {1, 1}));
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
