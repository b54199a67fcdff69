package io.infergate.bench.loadgen;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BalanceTest {

    private static final long MS = 1_000_000;

    private static Balance.Sample at(long ms, int[] waiting, int[] running) {
        return new Balance.Sample(ms * MS, waiting, running);
    }

    @Test
    void aSampleIsStuckOnlyWhenAQueueAndAFreeSlotCoexist() {
        assertTrue(Balance.stuck(at(0, new int[] {2, 0}, new int[] {16, 3}), 16), "pod 1 waits, pod 2 has 13 free");
        assertFalse(Balance.stuck(at(0, new int[] {2, 1}, new int[] {16, 3}), 16), "both queue: no free slot taken");
        assertFalse(Balance.stuck(at(0, new int[] {2, 0}, new int[] {16, 16}), 16), "every slot busy");
        assertFalse(Balance.stuck(at(0, new int[] {0, 0}, new int[] {5, 3}), 16), "nothing waits");
        assertFalse(Balance.stuck(at(0, new int[] {2, -1}, new int[] {16, -1}), 16), "an unknown pod is no free slot");
    }

    @Test
    void theLongestSpellCountsConsecutiveStuckSamplesPlusOneInterval() {
        int[] q = {1, 0};
        int[] r = {16, 2};
        int[] calm = {0, 0};
        List<Balance.Sample> samples =
                List.of(at(0, q, r), at(50, q, r), at(100, calm, r), at(150, q, r), at(200, q, r), at(250, q, r));
        Balance b = Balance.of(samples, 16, 50 * MS);
        assertEquals(6, b.samples());
        assertEquals(5, b.stuck());
        assertEquals(150, b.longestMs(), 1e-9, "150..250 ms, plus the interval");
        assertEquals(5.0 / 6, b.stuckShare(), 1e-9);
        assertTrue(Double.isNaN(Balance.of(List.of(), 16, 50 * MS).stuckShare()));
    }

    @Test
    void gaugesSumTheirLabelSetsAndIgnoreLookalikes() {
        String text = """
                # TYPE vllm:num_requests_waiting gauge
                vllm:num_requests_waiting{model_name="m"} 3
                vllm:num_requests_waiting{model_name="lora-a"} 2.0 1733371200000
                vllm:num_requests_waiting_total 99
                vllm:num_requests_running 7
                """;
        assertEquals(5, PodWatch.gauge(text, "vllm:num_requests_waiting"));
        assertEquals(7, PodWatch.gauge(text, "vllm:num_requests_running"));
        assertEquals(-1, PodWatch.gauge(text, "vllm:gpu_cache_usage_perc"));
    }

    @Test
    void aRowCarriesItsBalanceThroughTheResultsFile() {
        StepStats s = new StepStats("ours", 1, 24, 240, 239, 1, 0, 12.5, 80.25, 900, 8.5, 4000.125, 0.75, true)
                .withBalance(new Balance(200, 3, 100));
        StepStats back = StepStats.parse(s.tsv());
        assertEquals(0.015, back.stuckShare(), 1e-9);
        assertEquals(100, back.stuckLongestMs(), 1e-9);
    }
}
