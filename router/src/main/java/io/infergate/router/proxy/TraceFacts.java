package io.infergate.router.proxy;

import io.infergate.router.trace.SpanFacts;

import java.util.OptionalLong;

/** What a finished request's record tells its spans (only built when the request is traced). */
final class TraceFacts {

    private TraceFacts() {}

    static SpanFacts of(RequestRecord r, long endNanos) {
        InferenceCall call = r.inference;
        return new SpanFacts(
                r.requestId,
                r.rule,
                r.backend,
                r.endpoint,
                r.status,
                r.tenant,
                r.flow,
                call == null ? "" : call.model,
                r.authStartNanos,
                r.authEndNanos,
                r.limitStartNanos,
                r.limitEndNanos,
                r.pickStartNanos,
                r.queuedNanos,
                r.pickEndNanos,
                endNanos,
                call == null ? OptionalLong.empty() : call.response.usage().promptTokens(),
                call == null ? OptionalLong.empty() : call.response.usage().completionTokens());
    }
}
