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

/** {@code random-picker}, a benchmark baseline: ignores the scores. */
class RandomPickerTest {

    private static final PickContext CTX = new PickContext("r", Optional.empty());
    private static final List<EndpointView> THREE = List.of(view(1, 0, null), view(2, 0, null), view(3, 0, null));

    @Test
    void isUniformAndIgnoresScores() {
        RandomPicker p = new RandomPicker("r", new SplittableRandom(5));
        Map<String, Integer> c = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            c.merge(p.pick(CTX, THREE, new double[] {100, 0, 0}).key(), 1, Integer::sum);
        }
        assertEquals(3, c.size(), c.toString());
        // seeded: binomial 3000 × ⅓, σ ≈ 26; ±150 is > 5 σ
        c.values().forEach(v -> assertTrue(Math.abs(v - 1000) < 150, c.toString()));
    }
}
