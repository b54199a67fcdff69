package io.infergate.router.schedule.plugins.lora;

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
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

import static io.infergate.router.testing.Views.lora;
import static io.infergate.router.testing.Views.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code lora-affinity-filter}: which endpoints (by number) it keeps, and why. */
class LoraAffinityFilterTest {

    private static final PickContext PLAIN = new PickContext("r", Optional.of("base"));
    private static final PickContext ADAPTER =
            new PickContext("r", Optional.of("base"), "", 0, Optional.of("sql-lora"));

    /** A constant draw: nextDouble() is 0.25, below threshold 1 and not below threshold 0. */
    private static final RandomGenerator HALF = () -> Long.MIN_VALUE >>> 1;

    static Stream<Arguments> rows() {
        Plugin.Filter loraAlways = new LoraAffinityFilter("l", 1, HALF);
        Plugin.Filter loraNever = new LoraAffinityFilter("l", 0, HALF);
        return Stream.of(
                arguments(
                        "lora: having (running or waiting) beats room; full and unscraped are out",
                        loraAlways,
                        ADAPTER,
                        List.of(
                                view(1, 0, lora(Set.of("sql-lora"), Set.of(), 1)),
                                view(2, 0, lora(Set.of("x"), Set.of(), 2)),
                                view(3, 0, lora(Set.of("x"), Set.of("sql-lora"), 1)),
                                view(4, 0, lora(Set.of("x"), Set.of(), 1)),
                                view(5, 0, null)),
                        List.of(1, 3)),
                arguments(
                        "lora: nobody has it → those with room",
                        loraAlways,
                        ADAPTER,
                        List.of(view(1, 0, lora(Set.of("x"), Set.of(), 1)), view(2, 0, lora(Set.of("x"), Set.of(), 2))),
                        List.of(2)),
                arguments(
                        "lora threshold 0: room even though one has it",
                        loraNever,
                        ADAPTER,
                        List.of(
                                view(1, 0, lora(Set.of("sql-lora"), Set.of(), 1)),
                                view(2, 0, lora(Set.of(), Set.of(), 1))),
                        List.of(2)),
                arguments(
                        "lora threshold 0 but nobody has room → those having it",
                        loraNever,
                        ADAPTER,
                        List.of(
                                view(1, 0, lora(Set.of("sql-lora"), Set.of(), 1)),
                                view(2, 0, lora(Set.of("y"), Set.of(), 1))),
                        List.of(1)),
                arguments(
                        "lora: a base-model request has no opinion",
                        loraAlways,
                        PLAIN,
                        List.of(view(1, 0, lora(Set.of("sql-lora"), Set.of(), 1)), view(2, 0, null)),
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void keeps(
            String reason,
            Plugin.Filter filter,
            PickContext request,
            List<EndpointView> candidates,
            List<Integer> kept) {
        List<String> expected = kept.stream().map(n -> "10.0.0." + n + ":8000").toList();
        assertEquals(
                expected,
                filter.filter(request, candidates).stream()
                        .map(EndpointView::key)
                        .toList(),
                reason);
    }

    @Test
    void spreadsAboutOneMinusThresholdOfRequestsToEndpointsWithRoom() {
        Plugin.Filter f = new LoraAffinityFilter("l", 0.9, new SplittableRandom(5));
        List<EndpointView> pool =
                List.of(view(1, 0, lora(Set.of("sql-lora"), Set.of(), 1)), view(2, 0, lora(Set.of(), Set.of(), 1)));
        int toRoom = 0;
        for (int i = 0; i < 10_000; i++) {
            if (f.filter(ADAPTER, pool).getFirst().key().equals("10.0.0.2:8000")) {
                toRoom++;
            }
        }
        assertTrue(toRoom > 850 && toRoom < 1150, "≈ 10 % to the endpoint with room, got " + toRoom);
    }

    @Test
    void theThresholdIsValidated() {
        assertEquals(
                "plugin 'lora-affinity-filter': parameter 'threshold' must be a number in 0.0..1.0, got '1.5'",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> LoraAffinityFilter.create(
                                        LoraAffinityFilter.TYPE,
                                        new Parameters(LoraAffinityFilter.TYPE, Map.of("threshold", "1.5")),
                                        PluginHandle.alone(new SplittableRandom(1))))
                        .getMessage());
    }
}
