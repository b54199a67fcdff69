package io.infergate.router.proxy;

import io.infergate.common.snapshot.Filter;
import io.infergate.router.ratelimit.Decision;
import io.infergate.router.trace.RequestTrace;

/**
 * What one request turned into, filled in as the pipeline goes and read once at the end for the
 * access log and metrics. Confined to the request's thread.
 */
final class RequestRecord {
    final String requestId;
    final long startNanos;
    String rule = "";
    String backend = "";
    String endpoint = "";
    int status = 500;
    long ttfbNanos = -1;
    /** Set once an inference request to a pool or a provider is on its way (rewrite, usage, per-model meters). */
    InferenceCall inference;
    /** The authenticated tenant, empty when no AuthPolicy applies. */
    String tenant = "";
    /** Strips the credential and sets the tenant and claim headers upstream; null when no AuthPolicy applies. */
    Filter.RequestHeaderModifier identityHeaders;
    /** A HEAD request: the router's own answers carry no body and so no Content-Type (RFC 9110 9.3.2). */
    boolean head;
    /** What rate limits took before proxying, settled from usage at the end; null when none applied. */
    Decision.Reservation reservation;
    /** The tokens {@link #reservation} took (prompt estimate plus max_tokens). */
    long reservedTokens;
    /** The prompt the reservation estimated (settled against usage). */
    String promptText = "";
    /** The matched HTTPRoute's id and its listener's Gateway id (policy lookup). */
    String route = "";

    String gateway = "";
    /** Nanos the request waited in its pool's admission queue; -1 when it did not pass admission. */
    long queuedNanos = -1;
    /** The fair-queueing flow the request was scheduled as ("" when none). */
    String flow = "";
    /** The request's spans; {@link RequestTrace#OFF} when tracing is off. */
    RequestTrace trace = RequestTrace.OFF;
    /** An AuthPolicy / a RateLimitPolicy applied to the request (its span is made). */
    boolean authChecked;

    boolean limitChecked;
    /**
     * {@link RequestTrace#clock()} around the policy checks and the endpoint step (admission queue,
     * then pick): the spans' timestamps, all 0 when tracing is off.
     */
    long authStartNanos;

    long authEndNanos;
    long limitStartNanos;
    long limitEndNanos;
    long pickStartNanos;
    long pickEndNanos;

    RequestRecord(String requestId, long startNanos) {
        this.requestId = requestId;
        this.startNanos = startNanos;
    }
}
