package io.infergate.router.schedule.plugins.picker;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.PickContext;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static io.infergate.router.testing.Views.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code weighted-random-picker}. */
class WeightedRandomPickerTest {

    private static final PickContext CTX = new PickContext("r", Optional.empty());
    private static final List<EndpointView> THREE = List.of(view(1, 0, null), view(2, 0, null), view(3, 0, null));

    private static Map<String, Integer> counts(java.util.function.Supplier<EndpointView> pick, int n) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < n; i++) {
            out.merge(pick.get().key(), 1, Integer::sum);
        }
        return out;
    }

    @Test
    void followsTheScores() {
        WeightedRandomPicker p = new WeightedRandomPicker("w", new SplittableRandom(11));
        Map<String, Integer> c = counts(() -> p.pick(CTX, THREE, new double[] {3, 1, 0}), 4000);
        assertEquals(null, c.get("10.0.0.3:8000"), "a zero score is never picked");
        assertTrue(Math.abs(c.get("10.0.0.1:8000") - 3000) < 200, c.toString()); // 3/4 of 4000, σ ≈ 27
    }

    @Test
    void isUniformWhenAllScoresAreZero() {
        WeightedRandomPicker p = new WeightedRandomPicker("w", new SplittableRandom(3));
        Map<String, Integer> c = counts(() -> p.pick(CTX, THREE, new double[] {0, 0, 0}), 3000);
        assertEquals(3, c.size());
        c.values().forEach(v -> assertTrue(Math.abs(v - 1000) < 150, c.toString()));
    }
}
