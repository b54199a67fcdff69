package io.infergate.bench.loadgen;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadTest {

    private static final List<String> FILE = List.of(
            "# comment",
            "seed: 7",
            "groups: 3   # three prompts",
            "system-prompt-tokens: 20",
            "question-tokens: 5",
            "output-tokens-min: 4",
            "output-tokens-max: 9",
            "model: m",
            "pods: 2",
            "rates: 5, 10,20",
            "step-seconds: 4",
            "request-timeout-seconds: 30",
            "complete-min-success: 0.99",
            "");

    static Workload small() {
        return Workload.parse(Workload.flat(FILE));
    }

    @Test
    void parsesTheFlatFile() {
        Workload w = small();
        assertEquals(7, w.seed());
        assertEquals(3, w.groups());
        assertEquals(List.of(5.0, 10.0, 20.0), w.rates());
        assertEquals(0.99, w.completeMinSuccess());
    }

    @Test
    void optionalKeysDefaultToTheFirstShapeAndOpenLoop() {
        Workload w = small();
        assertEquals("shared-prefix", w.shape());
        assertEquals(false, w.closedLoop());
        java.util.Map<String, String> kv = new java.util.LinkedHashMap<>(Workload.flat(FILE));
        kv.put("shape", "multi-turn");
        kv.put("mode", "closed");
        kv.put("turn-tokens", "30");
        kv.put("max-turns", "6");
        Workload m = Workload.parse(kv);
        assertEquals("multi-turn", m.shape());
        assertTrue(m.closedLoop());
        assertEquals(30, m.turnTokens());
        assertEquals(6, m.maxTurns());
        kv.put("mode", "sometimes");
        assertThrows(IllegalArgumentException.class, () -> Workload.parse(kv));
        kv.put("mode", "closed");
        kv.put("rates", "2.5");
        assertThrows(IllegalArgumentException.class, () -> Workload.parse(kv), "a concurrency is whole");
    }

    /** Multi-turn: a group's requests are its conversation's turns, in order, restarting after max-turns. */
    @Test
    void multiTurnRequestsCountTheirConversationsTurns() {
        java.util.Map<String, String> kv = new java.util.LinkedHashMap<>(Workload.flat(FILE));
        kv.put("shape", "multi-turn");
        kv.put("max-turns", "3");
        Workload m = Workload.parse(kv);
        java.util.Map<Integer, Integer> seen = new java.util.HashMap<>();
        for (List<Plan.Request> step : Plan.of(m, 1)) {
            for (Plan.Request r : step) {
                int n = seen.merge(r.group(), 1, Integer::sum) - 1;
                assertEquals(n % 3, r.turn(), "group " + r.group());
                assertEquals(n / 3, r.epoch(), "group " + r.group());
            }
        }
    }

    /** Closed loop: each step holds plenty of requests for its clients, all at time 0. */
    @Test
    void closedLoopStepsHoldRequestsForEveryClient() {
        java.util.Map<String, String> kv = new java.util.LinkedHashMap<>(Workload.flat(FILE));
        kv.put("mode", "closed");
        kv.put("rates", "4,8");
        List<List<Plan.Request>> steps = Plan.of(Workload.parse(kv), 1);
        assertEquals(4 * 4 * 20, steps.get(0).size());
        assertEquals(8 * 4 * 20, steps.get(1).size());
        assertTrue(steps.get(1).stream().allMatch(r -> r.atNanos() == 0));
    }

    @Test
    void rejectsUnknownMissingAndBadKeys() {
        Map<String, String> kv = new java.util.HashMap<>(Workload.flat(FILE));
        kv.put("colour", "red");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Workload.parse(kv))
                .getMessage()
                .contains("colour"));
        kv.remove("colour");
        kv.remove("groups");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Workload.parse(kv))
                .getMessage()
                .contains("groups"));
        kv.put("groups", "x");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Workload.parse(kv))
                .getMessage()
                .contains("groups"));
        kv.put("groups", "3");
        kv.put("output-tokens-max", "2");
        assertThrows(IllegalArgumentException.class, () -> Workload.parse(kv));
        assertThrows(IllegalArgumentException.class, () -> Workload.flat(List.of("seed: 1", "seed: 2")));
    }

    @Test
    void theCommittedWorkloadIsValidAndSizedAsDocumented() throws Exception {
        Workload w = Workload.read(Path.of("../scheduling/workload.yaml"));
        // 70% sizing (workload.yaml): groups × prefix blocks ≈ 0.7 × pods × 4,096 blocks (simulator.yaml)
        double share = w.groups() * (w.systemPromptTokens() / 16.0) / (w.pods() * 4096.0);
        assertEquals(0.70, share, 0.01);
        String sim = java.nio.file.Files.readString(Path.of("../scheduling/simulator.yaml"));
        assertTrue(sim.contains("kv-cache-blocks: 4096") && sim.contains("block-size: 16"), sim);
    }
}
