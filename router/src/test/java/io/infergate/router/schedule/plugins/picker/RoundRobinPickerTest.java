package io.infergate.router.schedule.plugins.picker;

import io.infergate.router.schedule.framework.EndpointView;
import io.infergate.router.schedule.framework.PickContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.infergate.router.testing.Views.view;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code round-robin-picker}, a benchmark baseline: ignores the scores. */
class RoundRobinPickerTest {

    private static final PickContext CTX = new PickContext("r", Optional.empty());
    private static final List<EndpointView> THREE = List.of(view(1, 0, null), view(2, 0, null), view(3, 0, null));

    @Test
    void cyclesInCandidateOrderIgnoringScores() {
        RoundRobinPicker p = new RoundRobinPicker("rr");
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            picked.add(p.pick(CTX, THREE, new double[] {0, 9, 0}).key());
        }
        assertEquals(
                List.of(
                        "10.0.0.1:8000",
                        "10.0.0.2:8000",
                        "10.0.0.3:8000",
                        "10.0.0.1:8000",
                        "10.0.0.2:8000",
                        "10.0.0.3:8000",
                        "10.0.0.1:8000"),
                picked);
    }

    @Test
    void continuesOverFewerCandidates() {
        RoundRobinPicker p = new RoundRobinPicker("rr");
        p.pick(CTX, THREE, new double[3]); // k = 0
        List<EndpointView> two = THREE.subList(0, 2);
        assertEquals("10.0.0.2:8000", p.pick(CTX, two, new double[2]).key()); // k = 1 → 1 mod 2
        assertEquals("10.0.0.1:8000", p.pick(CTX, two, new double[2]).key()); // k = 2 → 0
    }
}
