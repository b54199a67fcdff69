package io.infergate.bench.loadgen;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mixed workload (issue 17): short and long prompts, streaming and not, LoRA adapters. */
class MixedWorkloadTest {

    private static Map<String, String> mixedKeys() {
        Map<String, String> kv = new LinkedHashMap<>(Workload.flat(List.of(
                "seed: 11",
                "groups: 4",
                "system-prompt-tokens: 50",
                "question-tokens: 5",
                "output-tokens-min: 4",
                "output-tokens-max: 9",
                "model: base",
                "pods: 2",
                "rates: 2000",
                "step-seconds: 2",
                "request-timeout-seconds: 30",
                "complete-min-success: 0.99")));
        kv.put("shape", "mixed");
        kv.put("long-share", "0.25");
        kv.put("short-prompt-tokens", "7");
        kv.put("stream-share", "0.6");
        kv.put("adapters", "lora-a, lora-b");
        return kv;
    }

    @Test
    void parsesTheMix() {
        Workload w = Workload.parse(mixedKeys());
        assertEquals(new Mix(0.25, 7, 0.6, List.of("lora-a", "lora-b")), w.mix());
    }

    @Test
    void theMixKeysNeedTheMixedShapeAndSaneValues() {
        Map<String, String> kv = mixedKeys();
        kv.remove("shape");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Workload.parse(kv), "a mix on shared-prefix");
        assertTrue(e.getMessage().contains("needs shape: mixed"), e.getMessage());
        Map<String, String> share = mixedKeys();
        share.put("stream-share", "1.5");
        assertThrows(IllegalArgumentException.class, () -> Workload.parse(share));
        Map<String, String> name = mixedKeys();
        name.put("adapters", "lora \"a\"");
        assertThrows(IllegalArgumentException.class, () -> Workload.parse(name), "a name that breaks the JSON body");
    }

    /** About 4,000 requests: each share within 3 σ of what the mix asks for, every adapter used. */
    @Test
    void requestsFollowTheShares() {
        Workload w = Workload.parse(mixedKeys());
        List<Plan.Request> step = Plan.of(w, 1).getFirst();
        int n = step.size();
        assertTrue(n > 3_000, "requests: " + n);
        long longOnes = step.stream().filter(Plan.Request::longPrompt).count();
        long streamed = step.stream().filter(Plan.Request::stream).count();
        assertNear(0.25, longOnes, n);
        assertNear(0.6, streamed, n);
        for (int a = 0; a <= 2; a++) {
            int adapter = a;
            assertNear(
                    1.0 / 3, step.stream().filter(r -> r.adapter() == adapter).count(), n);
        }
    }

    private static void assertNear(double p, long count, int n) {
        double sigma = Math.sqrt(n * p * (1 - p));
        assertTrue(Math.abs(count - n * p) < 3 * sigma, count + " of " + n + ", expected share " + p);
    }

    /** Adding the mixed shape left the other shapes' requests as they were: every request long and streamed. */
    @Test
    void otherShapesSendOnlyLongStreamedRequestsToTheBaseModel() {
        for (Plan.Request r : Plan.of(WorkloadTest.small(), 1).getFirst()) {
            assertTrue(r.longPrompt() && r.stream());
            assertEquals(0, r.adapter());
        }
    }

    @Test
    void aNonStreamedBodyAsksForOneAnswer() {
        String body = Client.body("lora-a", "hello", 3, false);
        assertTrue(body.contains("\"stream\":false"), body);
        assertFalse(body.contains("stream_options"), body);
        assertTrue(body.startsWith("{\"model\":\"lora-a\""), body);
    }

    /** Non-streamed answers have no TTFT: the TTFT percentiles are the streamed ones', latency covers both. */
    @Test
    void nonStreamedAnswersCountInLatencyOnly() {
        long ms = 1_000_000;
        Plan.Request r = new Plan.Request(0, 0, 0, 0, 4, 0);
        List<Outcome> outcomes = List.of(
                new Outcome(r, 200, Outcome.Result.OK, 0, 100 * ms, 10 * ms, new long[0], 4, 10, 0, "a"),
                new Outcome(r, 200, Outcome.Result.OK, 0, 900 * ms, -1, new long[0], 4, 10, 0, "b"));
        StepStats s = StepStats.of("x", 1, 1, outcomes, 0.99);
        assertEquals(10, s.ttftP90Ms(), 1e-9);
        assertEquals(900, s.latencyP90Ms(), 1e-9);
        assertEquals(900, StepStats.parse(s.tsv()).latencyP90Ms(), 1e-9);
    }
}
