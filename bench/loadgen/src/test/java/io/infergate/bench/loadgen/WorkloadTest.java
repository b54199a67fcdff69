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
