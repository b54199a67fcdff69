package io.infergate.router.trace;

import java.util.OptionalLong;

/**
 * What a finished request tells its spans. Timestamps are {@link System#nanoTime()} values, 0 for
 * a step that did not run.
 *
 * @param requestId      the router's request id
 * @param rule           the matched rule's id ("" when none)
 * @param backend        the chosen backend's id ("" when none)
 * @param endpoint       the endpoint served by, {@code address:port} ("" when none)
 * @param status         the status the client got
 * @param tenant         the tenant an AuthPolicy authenticated ("" when none); never a credential
 * @param flow           the fair-queueing flow: the tenant, else the client's fairness id ("" when neither)
 * @param model          the requested model ("" for a non-inference request)
 * @param authStart      an AuthPolicy was applied from here ...
 * @param authEnd        ... to here
 * @param limitStart     a RateLimitPolicy was applied from here ...
 * @param limitEnd       ... to here
 * @param pickStart      the endpoint step (admission queue, then pick) began
 * @param queuedNanos    of which this long in the admission queue; -1 when the request passed none
 * @param pickEnd        the endpoint step ended
 * @param end            the response was complete
 * @param promptTokens   {@code usage.prompt_tokens}, when the model server reported it
 * @param completionTokens {@code usage.completion_tokens}, when reported
 */
public record SpanFacts(
        String requestId,
        String rule,
        String backend,
        String endpoint,
        int status,
        String tenant,
        String flow,
        String model,
        long authStart,
        long authEnd,
        long limitStart,
        long limitEnd,
        long pickStart,
        long queuedNanos,
        long pickEnd,
        long end,
        OptionalLong promptTokens,
        OptionalLong completionTokens) {}
