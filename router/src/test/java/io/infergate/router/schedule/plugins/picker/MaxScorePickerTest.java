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

/** {@code max-score-picker}. */
class MaxScorePickerTest {

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
    void takesTheHighest() {
        MaxScorePicker p = new MaxScorePicker("m", new SplittableRandom(1));
        assertEquals("10.0.0.2:8000", p.pick(CTX, THREE, new double[] {1, 3, 2}).key());
    }

    @Test
    void breaksTiesAtRandomAmongTheTiedOnly() {
        MaxScorePicker p = new MaxScorePicker("m", new SplittableRandom(7));
        Map<String, Integer> c = counts(() -> p.pick(CTX, THREE, new double[] {5, 1, 5}), 1000);
        assertEquals(null, c.get("10.0.0.2:8000"));
        // seeded: both tied endpoints win a fair share (binomial 1000 × ½; ±100 is > 6 σ)
        assertTrue(Math.abs(c.get("10.0.0.1:8000") - 500) < 100, c.toString());
    }
}
