package io.infergate.bench.loadgen;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    private static StepStats row(
            String strategy, int routers, double rate, double p90, double tokS, double hit, boolean completes) {
        return new StepStats(
                strategy,
                routers,
                rate,
                100,
                completes ? 100 : 50,
                0,
                completes ? 0 : 50,
                p90 / 2,
                p90,
                p90 * 2,
                9,
                tokS,
                hit,
                completes);
    }

    private static final List<StepStats> ROWS = List.of(
            row("random", 1, 10, 400, 1000, 0.30, true),
            row("random", 1, 20, 2000, 1500, 0.30, true),
            row("random", 1, 30, 9000, 1600, 0.30, false),
            row("ours", 1, 10, 100, 1000, 0.80, true),
            row("ours", 1, 20, 400, 3000, 0.80, true),
            row("ours", 3, 20, 420, 3000, 0.76, true),
            row("epp-default", 1, 20, 700, 2000, 0.70, true),
            row("epp-default", 3, 20, 1400, 1800, 0.35, true));

    @Test
    void theReferenceIsTheHighestRateWhereRandomCompletes() {
        assertEquals(Optional.of(20.0), Report.highestCompleting(ROWS, "random", 1));
        assertEquals(Optional.empty(), Report.highestCompleting(ROWS, "random", 3));
    }

    @Test
    void doneWhenRatiosAtTheReferenceRate() {
        String s = Report.doneWhen(ROWS);
        assertTrue(s.contains("1 router(s), 20 req/s: ours p90 TTFT = 0.20 × random's (goal ≤ 0.35): met"), s);
        assertTrue(s.contains("ours, 3 routers vs 1: hit rate 76.0% vs 80.0% at 20 req/s (95.0%)"), s);
        assertTrue(s.contains("epp-default, 3 routers vs 1: hit rate 35.0% vs 70.0% at 20 req/s (50.0%)"), s);
    }

    /** A capacity run (closed loop) judges output tokens/s at random's highest completing concurrency. */
    @Test
    void aClosedLoopRunJudgesTokensPerSecond() {
        String s = Report.doneWhen(ROWS, true);
        assertTrue(
                s.contains("1 router(s), 20 clients (capacity): ours output tok/s = 2.00 × random's (goal ≥ 1.3): met"),
                s);
        assertTrue(Report.markdown(ROWS, true).contains("| strategy | routers | clients |"));
    }

    @Test
    void theTableListsEveryRowAndMarksIncompleteSteps() {
        String md = Report.markdown(ROWS);
        assertEquals(
                ROWS.size(),
                md.lines()
                        .filter(l -> l.matches("\\| [a-z-]+ \\| \\d \\| \\d+ \\| 100 \\|.*"))
                        .count(),
                md);
        assertTrue(
                md.contains(
                        "| random | 1 | 30 | 100 | 4,500 | 9,000 | 18,000 | – | 9.0 | 1,600 | 30.0% | 0.0% | 50 | **no** | – | – |"),
                md);
        assertTrue(md.contains("With 3 router(s), random completes at no rate"), md);
        assertTrue(md.contains("| ours | 0.20 | 2.00 | 80.0% | yes |"), md);
    }

    @Test
    void runHitRateWeighsStepsByOkRequests() {
        assertEquals(0.80, Report.runHitRate(ROWS, "ours", 1), 1e-9);
        assertTrue(Double.isNaN(Report.runHitRate(ROWS, "nobody", 1)));
    }
}
