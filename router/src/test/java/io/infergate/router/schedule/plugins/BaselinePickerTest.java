package io.infergate.router.schedule.plugins;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.schedule.framework.PluginHandle;
import io.infergate.router.schedule.plugins.picker.RandomPicker;
import io.infergate.router.schedule.plugins.picker.RoundRobinPicker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static io.infergate.router.testing.Views.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark baselines: random-picker and round-robin-picker ignore the scores. */
class BaselinePickerTest {

    private static final PickContext CTX = new PickContext("r", Optional.empty());
    private static final List<EndpointView> THREE = List.of(view(1, 0, null), view(2, 0, null), view(3, 0, null));

    @Test
    void randomIsUniformAndIgnoresScores() {
        RandomPicker p = new RandomPicker("r", new SplittableRandom(5));
        Map<String, Integer> c = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            c.merge(p.pick(CTX, THREE, new double[]{100, 0, 0}).key(), 1, Integer::sum);
        }
        assertEquals(3, c.size(), c.toString());
        // seeded: binomial 3000 × ⅓, σ ≈ 26; ±150 is > 5 σ
        c.values().forEach(v -> assertTrue(Math.abs(v - 1000) < 150, c.toString()));
    }

    @Test
    void roundRobinCyclesInCandidateOrderIgnoringScores() {
        RoundRobinPicker p = new RoundRobinPicker("rr");
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            picked.add(p.pick(CTX, THREE, new double[]{0, 9, 0}).key());
        }
        assertEquals(List.of("10.0.0.1:8000", "10.0.0.2:8000", "10.0.0.3:8000", "10.0.0.1:8000",
                "10.0.0.2:8000", "10.0.0.3:8000", "10.0.0.1:8000"), picked);
    }

    @Test
    void roundRobinContinuesOverFewerCandidates() {
        RoundRobinPicker p = new RoundRobinPicker("rr");
        p.pick(CTX, THREE, new double[3]);                      // k = 0
        List<EndpointView> two = THREE.subList(0, 2);
        assertEquals("10.0.0.2:8000", p.pick(CTX, two, new double[2]).key()); // k = 1 → 1 mod 2
        assertEquals("10.0.0.1:8000", p.pick(CTX, two, new double[2]).key()); // k = 2 → 0
    }

    @Test
    void bothAreRegistered() {
        var registry = BuiltInPlugins.registry(PluginHandle.alone(new SplittableRandom(1)));
        assertTrue(registry.factory(RandomPicker.TYPE).isPresent());
        assertTrue(registry.factory(RoundRobinPicker.TYPE).isPresent());
    }
}
