package io.infergate.router.schedule.admission;

import io.infergate.router.schedule.framework.EndpointView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.infergate.router.testing.Views.metrics;
import static io.infergate.router.testing.Views.stale;
import static io.infergate.router.testing.Views.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SaturationDetectorTest {

    static Stream<Arguments> rows() {
        return Stream.of(
                arguments("max(5/5, 0) = 1 → mean 1 ≥ 1", List.of(view(1, 0, metrics(5, 1, 0))), true),
                arguments("max(4/5, .5/.8) = .8 → not saturated", List.of(view(1, 0, metrics(4, 1, 0.5))), false),
                arguments("kv .8/.8 = 1 → saturated", List.of(view(1, 0, metrics(0, 1, 0.8))), true),
                arguments(
                        "(10/5 + 0)/2 = 1 → saturated",
                        List.of(view(1, 0, metrics(10, 1, 0)), view(2, 0, metrics(0, 0, 0))),
                        true),
                arguments(
                        "(5/5 + 0)/2 = .5 → not",
                        List.of(view(1, 0, metrics(5, 1, 0)), view(2, 0, metrics(0, 0, 0))),
                        false),
                arguments(
                        "stale counts as 1 → (1 + 1)/2",
                        List.of(stale(view(1, 0, metrics(0, 0, 0))), view(2, 0, metrics(5, 0, 0))),
                        true),
                arguments(
                        "never scraped is left out → 0/1",
                        List.of(view(1, 0, null), view(2, 0, metrics(0, 0, 0))),
                        false),
                arguments("nothing scraped at all → not saturated", List.of(view(1, 0, null)), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void saturation(String reason, List<EndpointView> endpoints, boolean saturated) {
        assertEquals(saturated, SaturationDetector.defaults().saturated(endpoints), reason);
    }
}
