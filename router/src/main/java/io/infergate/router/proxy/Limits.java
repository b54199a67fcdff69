package io.infergate.router.proxy;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.common.snapshot.RateLimitPolicy;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.router.inference.ErrorBody;
import io.infergate.router.inference.OpenAiRequest;
import io.infergate.router.inference.Usage;
import io.infergate.router.ratelimit.Decision;
import io.infergate.router.ratelimit.Quotas;
import io.infergate.router.ratelimit.RateLimiter;

import java.util.Optional;

/**
 * Applies the RateLimitPolicy of a matched request (docs/adr/0026-token-rate-limits.md) once its
 * body is read, and settles the token reservation when it ends. Admitted requests carry OpenAI's
 * {@code x-ratelimit-*} headers; refused ones get 429 with {@code Retry-After}, or 503 when the
 * store is down and the policy fails closed.
 */
final class Limits {

    private Limits() {}

    /** Whether the request may go on; when not, the 429 or 503 has been sent. */
    static boolean admitted(
            RateLimiter limiter,
            ServerResponse res,
            RequestRecord record,
            Snapshot snapshot,
            Optional<OpenAiRequest> inference) {
        if (snapshot.rateLimitPolicies().isEmpty()) {
            return true; // the common case costs one list check
        }
        Optional<RateLimitPolicy> policy = limiter.find(snapshot, record.route, record.gateway);
        if (policy.isEmpty()) {
            return true;
        }
        record.limitChecked = true;
        long tokens = inference
                .map(i -> Quotas.reservation(i.promptText(), i.maxTokens()))
                .orElse(0L);
        String model = inference.map(OpenAiRequest::model).orElse("");
        return switch (limiter.check(policy.get(), record.tenant, model, tokens)) {
            case Decision.Unlimited u -> true;
            case Decision.Admitted a -> {
                a.headers().forEach(res::header);
                record.reservation = a.reservation();
                record.reservedTokens = tokens;
                record.promptText = inference.map(OpenAiRequest::promptText).orElse("");
                yield true;
            }
            case Decision.Limited l -> {
                l.headers().forEach(res::header);
                Responses.error(res, record, ErrorBody.of(429, ErrorBody.RATE_LIMIT_EXCEEDED, l.message()));
                yield false;
            }
            case Decision.Unavailable u -> {
                res.header(HeaderValues.create("retry-after", "1"));
                Responses.error(res, record, ErrorBody.of(503, ErrorBody.RATE_LIMIT_UNAVAILABLE, u.message()));
                yield false;
            }
        };
    }

    /**
     * The tokens a finished request consumed: the server's usage when it reported one; otherwise
     * the prompt estimate plus the streamed token events seen; when the response was not read at
     * all (no inference call), the reservation stands.
     */
    static long consumed(RequestRecord record) {
        if (record.inference == null) {
            return record.reservedTokens;
        }
        Usage usage = record.inference.response.usage();
        long prompt = usage.promptTokens().orElse(Quotas.reservation(record.promptText, 0));
        long completion = usage.completionTokens().orElse(record.inference.response.tokenEvents());
        return prompt + completion;
    }

    /** Settles the reservation off the request's thread: the response has been sent already. */
    static void settle(RateLimiter limiter, RequestRecord record) {
        if (record.reservation == null || record.reservation.tokens().isEmpty()) {
            return;
        }
        Decision.Reservation reservation = record.reservation;
        long consumed = consumed(record);
        Thread.ofVirtual().name("rate-limit-settle").start(() -> limiter.settle(reservation, consumed));
    }
}
