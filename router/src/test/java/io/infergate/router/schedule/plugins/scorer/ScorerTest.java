package io.infergate.router.schedule.plugins.scorer;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.Plugin;
import io.infergate.router.schedule.plugins.lora.LoraAffinityScorer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static io.infergate.router.testing.Views.lora;
import static io.infergate.router.testing.Views.metrics;
import static io.infergate.router.testing.Views.view;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** One row per case: the arithmetic is in the name. */
class ScorerTest {

    private static final PickContext PLAIN = new PickContext("r", Optional.of("base"));
    private static final PickContext ADAPTER = new PickContext("r", Optional.of("sql-lora"));

    static Stream<Arguments> rows() {
        Plugin.Scorer queue = new QueueScorer("q");
        Plugin.Scorer kv = new KvCacheUtilizationScorer("kv");
        Plugin.Scorer out = new OutstandingRequestsScorer("o");
        Plugin.Scorer lo = new LoraAffinityScorer("l");
        return Stream.of(
                arguments("queue: waiting 0,5,10 → (10−w)/10 = 1, .5, 0", queue, PLAIN,
                        List.of(view(1, 0, metrics(0, 0, 0)), view(2, 0, metrics(5, 0, 0)), view(3, 0, metrics(10, 0, 0))),
                        new double[]{1, 0.5, 0}),
                arguments("queue: all equal → 1 each", queue, PLAIN,
                        List.of(view(1, 0, metrics(3, 0, 0)), view(2, 0, metrics(3, 0, 0))), new double[]{1, 1}),
                arguments("queue: no metrics counts as 0 waiting → 1, (4−4)/4 = 0", queue, PLAIN,
                        List.of(view(1, 0, null), view(2, 0, metrics(4, 0, 0))), new double[]{1, 0}),
                arguments("kv: 1 − 0.25 = .75, 1 − 1 = 0, no metrics = 1", kv, PLAIN,
                        List.of(view(1, 0, metrics(0, 0, 0.25)), view(2, 0, metrics(0, 0, 1))), new double[]{0.75, 0}),
                arguments("kv: no metrics → 1 − 0 = 1", kv, PLAIN, List.of(view(1, 0, null)), new double[]{1}),
                arguments("outstanding: 2,4,6 → (6−o)/4 = 1, .5, 0", out, PLAIN,
                        List.of(view(1, 2, null), view(2, 4, null), view(3, 6, null)), new double[]{1, 0.5, 0}),
                arguments("lora: running 1, room .8, waiting-only .6, full 0, no metrics 0", lo, ADAPTER,
                        List.of(view(1, 0, lora(Set.of("sql-lora"), Set.of(), 1)),
                                view(2, 0, lora(Set.of("x"), Set.of(), 2)),
                                view(3, 0, lora(Set.of("x"), Set.of("sql-lora"), 1)),
                                view(4, 0, lora(Set.of("x"), Set.of(), 1)),
                                view(5, 0, null)),
                        new double[]{1, 0.8, 0.6, 0, 0}),
                arguments("lora: a model no endpoint lists as adapter → 1 everywhere", lo, PLAIN,
                        List.of(view(1, 0, lora(Set.of("sql-lora"), Set.of(), 1)), view(2, 0, null)),
                        new double[]{1, 1}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void scores(String reason, Plugin.Scorer scorer, PickContext request, List<EndpointView> candidates, double[] expected) {
        assertArrayEquals(expected, scorer.score(request, candidates), 1e-9, reason);
    }
}
