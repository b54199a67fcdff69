package io.infergate.router.ratelimit;

import io.infergate.common.snapshot.RateLimitPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class QuotasTest {
    private static final long NOW = 1_700_000_123_456L; // 23.456 s into a minute

    private static RateLimitPolicy policy(RateLimitPolicy.Limit... limits) {
        return new RateLimitPolicy(
                "ratelimitpolicy/default/p",
                List.of("httproute/default/r"),
                RateLimitPolicy.FailureMode.OPEN,
                List.of(limits));
    }

    private static RateLimitPolicy.Limit limit(long tokens, long requests, List<String> tenants, List<String> models) {
        return new RateLimitPolicy.Limit(
                RateLimitPolicy.Scope.GLOBAL, RateLimitPolicy.Unit.MINUTE, tokens, requests, tenants, models);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "every tenant, every model: one token and one request draw |            |          | 2",
                "listed tenant matches                                     | team-a     |          | 2",
                "other tenant is not limited                               | team-b     |          | 0",
                "listed model matches                                      |            | llama    | 2",
                "other model is not limited                                |            | qwen     | 0",
                "both listed, both match                                   | team-a     | llama    | 2",
            })
    void aLimitAppliesWhenItsTenantsAndModelsMatch(String reason, String tenants, String models, int draws) {
        RateLimitPolicy p = policy(limit(
                100, 10, tenants == null ? List.of() : List.of(tenants), models == null ? List.of() : List.of(models)));
        assertEquals(draws, Quotas.plan(p, "team-a", "llama", 7, NOW).size(), reason);
    }

    @Test
    void drawsCountPerTenantAndModelInEpochAlignedWindows() {
        RateLimitPolicy p = policy(limit(100, 0, List.of(), List.of()), limit(0, 5, List.of(), List.of("llama")));
        List<Quotas.Planned> planned = Quotas.plan(p, "team-a", "llama", 7, NOW);
        assertEquals(2, planned.size());
        Draw tokens = planned.get(0).draw();
        long window = NOW / 60_000;
        assertEquals("infergate:rl:ratelimitpolicy/default/p/limit/0|team-a|t:" + window, tokens.key());
        assertEquals(7, tokens.cost());
        assertEquals(60_000 - NOW % 60_000, tokens.resetMillis(), "until the minute ends");
        Draw requests = planned.get(1).draw();
        assertEquals("infergate:rl:ratelimitpolicy/default/p/limit/1|team-a|llama|r:" + window, requests.key());
        assertEquals(1, requests.cost(), "a request limit takes one per request");
        assertEquals(
                "infergate:rl:ratelimitpolicy/default/p/limit/0|team-b|t:" + window,
                Quotas.plan(p, "team-b", "llama", 7, NOW).get(0).draw().key(),
                "another tenant has its own counter");
        assertEquals(
                "infergate:rl:ratelimitpolicy/default/p/limit/0|team-a|t:" + (window + 1),
                Quotas.plan(p, "team-a", "llama", 7, NOW + 60_000).get(0).draw().key(),
                "the next minute is a new window");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "empty prompt, no max_tokens: nothing                 | ''        | -1 | 0",
                "4 characters are one token                           | abcd      | -1 | 1",
                "5 characters round up to two                         | abcde     | -1 | 2",
                "max_tokens is reserved on top                        | abcd      | 20 | 21",
            })
    void theReservationIsThePromptEstimatePlusMaxTokens(String reason, String prompt, long maxTokens, long expected) {
        assertEquals(expected, Quotas.reservation(prompt, maxTokens), reason);
    }

    @Test
    void openAiResetDurations() {
        assertEquals("250ms", Decision.openAiDuration(250));
        assertEquals("1s", Decision.openAiDuration(1000));
        assertEquals("2s", Decision.openAiDuration(1001)); // rounded up: retrying earlier would be refused
        assertEquals("6m0s", Decision.openAiDuration(360_000));
        assertEquals("1h0m1s", Decision.openAiDuration(3_601_000));
    }
}
