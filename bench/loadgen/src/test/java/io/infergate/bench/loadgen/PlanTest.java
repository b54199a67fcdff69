package io.infergate.bench.loadgen;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlanTest {

    @Test
    void theSameWorkloadGivesTheSameRequests() {
        assertEquals(Plan.of(WorkloadTest.small(), 3), Plan.of(WorkloadTest.small(), 3));
    }

    @Test
    void anotherSeedGivesOtherRequests() {
        Workload w = WorkloadTest.small();
        Workload other = new Workload(
                8,
                w.groups(),
                w.systemPromptTokens(),
                w.questionTokens(),
                w.outputTokensMin(),
                w.outputTokensMax(),
                w.model(),
                w.pods(),
                w.rates(),
                w.stepSeconds(),
                w.requestTimeoutSeconds(),
                w.completeMinSuccess());
        assertNotEquals(Plan.of(w, 1), Plan.of(other, 1));
    }

    @Test
    void theRouterCountChangesOnlyTheRouterOfEachRequest() {
        List<List<Plan.Request>> one = Plan.of(WorkloadTest.small(), 1);
        List<List<Plan.Request>> three = Plan.of(WorkloadTest.small(), 3);
        int k = 0;
        for (int s = 0; s < one.size(); s++) {
            for (int i = 0; i < one.get(s).size(); i++) {
                Plan.Request a = one.get(s).get(i);
                Plan.Request b = three.get(s).get(i);
                assertEquals(
                        new Plan.Request(a.step(), a.atNanos(), a.group(), a.question(), a.maxTokens(), b.router()), b);
                assertEquals(k++ % 3, b.router(), "routers in turn");
            }
        }
    }

    @Test
    void arrivalsArePoissonAtTheStepRateWithinTheWindow() {
        // one long step: 20 req/s for 500 s → 10,000 arrivals expected (σ = 100)
        Workload w = new Workload(1, 10, 5, 5, 1, 1, "m", 1, List.of(20.0), 500, 30, 0.99);
        List<Plan.Request> step = Plan.of(w, 1).getFirst();
        assertTrue(Math.abs(step.size() - 10_000) < 500, "arrivals: " + step.size());
        long previous = -1;
        double sum = 0;
        double sumSq = 0;
        for (Plan.Request r : step) {
            assertTrue(r.atNanos() > previous && r.atNanos() < 500_000_000_000L);
            double gap = (r.atNanos() - Math.max(0, previous)) / 1e9;
            sum += gap;
            sumSq += gap * gap;
            previous = r.atNanos();
            assertTrue(r.group() >= 0 && r.group() < 10 && r.maxTokens() == 1);
        }
        double mean = sum / step.size();
        double cv = Math.sqrt(sumSq / step.size() - mean * mean) / mean;
        assertEquals(0.05, mean, 0.005, "mean gap 1/rate");
        assertEquals(1.0, cv, 0.05, "exponential gaps have a coefficient of variation of 1");
    }

    @Test
    void outputLengthsAndGroupsCoverTheirRanges() {
        Workload w = new Workload(3, 4, 5, 5, 64, 256, "m", 1, List.of(50.0), 100, 30, 0.99);
        List<Plan.Request> step = Plan.of(w, 1).getFirst();
        assertEquals(64, step.stream().mapToInt(Plan.Request::maxTokens).min().orElseThrow());
        assertEquals(256, step.stream().mapToInt(Plan.Request::maxTokens).max().orElseThrow());
        assertEquals(4, step.stream().mapToInt(Plan.Request::group).distinct().count());
    }
}
