package io.infergate.bench.loadgen;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediansTest {

    private static StepStats row(String strategy, int routers, double rate, double p90, double tokS, double hit) {
        return new StepStats(strategy, routers, rate, 100, 100, 0, 0, p90 / 2, p90, p90 * 2, 9, tokS, hit, true);
    }

    @Test
    void oneLuckyRandomRunDoesNotDecideTheRatio() {
        // ours steady; random's p90 4,000 / 4,000 / 2,000 (one lucky run): per-run ratios would be
        // 0.35, 0.35, 0.70; the ratio of medians is 1,400 / 4,000
        List<List<StepStats>> runs = List.of(
                List.of(row("random", 1, 24, 4000, 2000, 0.25), row("ours", 1, 24, 1400, 3000, 0.80)),
                List.of(row("random", 1, 24, 4000, 2500, 0.25), row("ours", 1, 24, 1500, 2900, 0.78)),
                List.of(row("random", 1, 24, 2000, 2600, 0.25), row("ours", 1, 24, 1300, 3100, 0.82)));
        String md = Medians.markdown(runs, false);
        assertTrue(md.startsWith("3 runs;"), md);
        assertTrue(
                md.contains("| 1 | 24 | ours | 1,400, 1,500, 1,300 | 1,400 | 0.35 | 3,000 | 1.20 | 80.0% | 3 of 3 |"),
                md);
        assertTrue(md.contains("| 1 | 24 | random | 4,000, 4,000, 2,000 | 4,000 | 1.00 | 2,500 | 1.00 | 25.0% |"), md);
    }

    @Test
    void aStepMissingFromARunIsLeftOutOfItsMedian() {
        List<List<StepStats>> runs = List.of(
                List.of(row("ours", 3, 96, 3000, 3000, 0.7), row("ours", 3, 64, 1200, 2900, 0.7)),
                List.of(row("ours", 3, 96, 2000, 2000, 0.7)));
        String md = Medians.markdown(runs, true);
        assertTrue(md.contains("| routers | clients |"), md);
        assertTrue(md.contains("| 3 | 64 | ours | 1,200, – | 1,200 | – |"), md);
        assertTrue(md.contains("| 3 | 96 | ours | 3,000, 2,000 | 2,500 | – |"), md);
        // rows by router count, then step
        assertTrue(md.indexOf("| 3 | 64 |") < md.indexOf("| 3 | 96 |"), md);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        StepStats[] rows = {
            row("a", 1, 1, 10, 0, 0), null, row("a", 1, 1, 40, 0, 0), row("a", 1, 1, 20, 0, 0), row("a", 1, 1, 30, 0, 0)
        };
        assertEquals(25, Medians.median(rows, StepStats::ttftP90Ms));
        assertTrue(Double.isNaN(Medians.median(new StepStats[] {null}, StepStats::ttftP90Ms)));
    }

    @Test
    void noRunsIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Medians.markdown(List.of(), false));
    }
}
