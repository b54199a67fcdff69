package io.infergate.bench.loadgen;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StepStatsTest {

    private static final double NaN = Double.NaN;

    private static final Plan.Request R = new Plan.Request(0, 0, 0, 0, 4, 0);
    private static final long MS = 1_000_000;

    private static Outcome ok(long start, long end, long ttftMs, int tokens, int prompt, int hits) {
        long[] gaps = new long[tokens - 1];
        java.util.Arrays.fill(gaps, 10 * MS);
        return new Outcome(R, 200, Outcome.Result.OK, start, end, ttftMs * MS, gaps, tokens, prompt, hits, "p");
    }

    @Test
    void aggregatesOneStep() {
        List<Outcome> step = List.of(
                ok(0, 2_000 * MS, 100, 4, 100, 50),
                ok(500 * MS, 3_000 * MS, 300, 4, 100, 0),
                new Outcome(R, 429, Outcome.Result.SHED, 600 * MS, 601 * MS, -1, new long[0], 0, -1, -1, ""),
                new Outcome(
                        R, 200, Outcome.Result.ERROR, 700 * MS, 4_000 * MS, 20 * MS, new long[] {1}, 2, 100, 100, "p"));
        StepStats s = StepStats.of("ours", 3, 12, step, 0.5);
        assertEquals(4, s.requests());
        assertEquals(2, s.ok());
        assertEquals(1, s.shed());
        assertEquals(1, s.errors());
        assertEquals(100, s.ttftP50Ms(), 1e-9, "TTFT over OK requests only");
        assertEquals(300, s.ttftP90Ms(), 1e-9);
        assertEquals(10, s.itlP50Ms(), 1e-9);
        assertEquals(10 / 4.0, s.outputTokensPerSecond(), 1e-9, "4 + 4 + 2 tokens over 0 … 4 s");
        assertEquals(0.25, s.hitRate(), 1e-9, "50 of 200 prompt tokens of the OK requests");
        assertEquals(0.25, s.shedRate(), 1e-9);
        assertTrue(s.completes(), "2 of 4 OK with 0.5 required");
        assertFalse(StepStats.of("ours", 3, 12, step, 0.99).completes());
    }

    @Test
    void tsvRoundTrips() {
        StepStats s = new StepStats("epp-default", 3, 24, 240, 239, 1, 0, 12.5, 80.25, 900, 8.5, 4000.125, 0.75, true);
        assertEquals(s, StepStats.parse(s.tsv()));
        StepStats pods = new StepStats(
                "ours",
                1,
                24,
                240,
                239,
                1,
                0,
                12.5,
                80.25,
                900,
                8.5,
                4000.125,
                0.75,
                true,
                "60/59/60/60",
                NaN,
                NaN,
                NaN);
        assertEquals(pods, StepStats.parse(pods.tsv()));
        assertEquals(18, StepStats.HEADER.split("\t").length);
        StepStats latency = new StepStats(
                "ours",
                1,
                24,
                240,
                239,
                1,
                0,
                12.5,
                80.25,
                900,
                8.5,
                4000.125,
                0.75,
                true,
                "60/59/60/60",
                1234.5,
                NaN,
                NaN);
        assertEquals(latency, StepStats.parse(latency.tsv()));
        String noLatency =
                String.join("\t", java.util.Arrays.copyOf(latency.tsv().split("\t"), 15));
        assertEquals(pods, StepStats.parse(noLatency), "a row of the second format (15 fields) still reads");
        String old = String.join("\t", java.util.Arrays.copyOf(s.tsv().split("\t"), 14));
        assertEquals(s, StepStats.parse(old), "a row of the first format (14 fields) still reads");
    }

    @Test
    void countsOkRequestsPerPodInPodNameOrder() {
        List<Outcome> step = List.of(ok("b"), ok("a"), ok("b"), ok("c"));
        assertEquals("1/2/1", StepStats.of("ours", 1, 12, step, 0.5).pods());
    }

    private static Outcome ok(String pod) {
        return new Outcome(R, 200, Outcome.Result.OK, 0, MS, MS, new long[0], 1, 10, 5, pod);
    }
}
