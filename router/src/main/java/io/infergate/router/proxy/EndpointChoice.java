package io.infergate.router.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.BackendRef;
import io.infergate.router.extproc.ExternalPickers;
import io.infergate.router.extproc.ResponsePhase;
import io.infergate.router.inference.ErrorBody;
import io.infergate.router.schedule.BackendTarget;
import io.infergate.router.schedule.Pick;
import io.infergate.router.schedule.Scheduler;
import io.infergate.router.schedule.endpoint.Lease;
import io.infergate.router.schedule.framework.PickContext;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The endpoint step of the request path: a pool with an endpointPickerRef asks its picker
 * ({@link PickerRouting}), and only a FailOpen fallback (or a backend without a picker) is picked
 * natively by the {@link Scheduler}. A scheduler refusal is answered here ({@link #refusal}).
 */
final class EndpointChoice {

    static final String POOL_SATURATED = "pool_saturated";
    static final String QUEUE_TIMEOUT = "queue_timeout";
    static final String QUEUE_FULL = "queue_full";

    /** What the request path does next. */
    sealed interface Outcome {
        /**
         * Run the exchange on {@code first}; {@code another} gives a fallback not among the tried
         * keys. Close {@code response} when the exchange ends.
         */
        record Run(
                Lease first,
                Function<Set<String>, Optional<Lease>> another,
                BackendRef ref,
                Upstream.Body body,
                ResponsePhase response)
                implements Outcome {}

        /** The client was answered. */
        record Answered() implements Outcome {}
    }

    /**
     * A scheduler decision that sends no request upstream.
     *
     * @param retryAfter the Retry-After to send (429 only)
     */
    record Refusal(ErrorBody error, Optional<Duration> retryAfter) {}

    private final Scheduler scheduler;
    private final PickerRouting pickerRouting;

    EndpointChoice(Scheduler scheduler, PickerRouting pickerRouting) {
        this.scheduler = scheduler;
        this.pickerRouting = pickerRouting;
    }

    Outcome choose(
            ServerRequest req,
            ServerResponse res,
            RequestRecord record,
            BackendTarget backend,
            BackendRef ref,
            String host,
            Upstream.Body body,
            PickContext context) {
        Optional<Backend.EndpointPicker> picker = ExternalPickers.pickerOf(backend);
        Upstream.Body sent = body;
        if (picker.isPresent()) {
            switch (pickerRouting.route(req, res, record, backend, picker.get(), ref, host, body)) {
                case PickerRouting.Outcome.Answered a -> {
                    return new Outcome.Answered();
                }
                case PickerRouting.Outcome.Route r -> {
                    return new Outcome.Run(r.first(), r::next, r.ref(), r.body(), r.response());
                }
                case PickerRouting.Outcome.Native n -> sent = n.body();
            }
        }
        Pick pick = scheduler.pick(backend, context);
        if (pick instanceof Pick.Picked p) {
            record.queuedNanos = p.queuedNanos();
            return new Outcome.Run(
                    p.lease(), tried -> scheduler.another(backend, context, tried), ref, sent, ResponsePhase.NONE);
        }
        if (pick instanceof Pick.QueueTimeout t) {
            record.queuedNanos = t.waited().toNanos();
        }
        Refusal refusal = refusal(pick, backend.id());
        refusal.retryAfter()
                .ifPresent(after -> res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, after.toSeconds()))));
        Responses.error(res, record, refusal.error());
        return new Outcome.Answered();
    }

    /** The answer to a scheduler decision other than {@link Pick.Picked}. */
    static Refusal refusal(Pick pick, String backendId) {
        return switch (pick) {
            case Pick.Shed s ->
                new Refusal(
                        ErrorBody.of(
                                429,
                                POOL_SATURATED,
                                "pool " + backendId + " is saturated and the request's objective is sheddable"),
                        Optional.of(s.retryAfter()));
            case Pick.QueueTimeout t ->
                new Refusal(
                        ErrorBody.of(
                                503,
                                QUEUE_TIMEOUT,
                                "pool " + backendId + " stayed saturated for "
                                        + t.waited().toMillis() + " ms"),
                        Optional.empty());
            case Pick.QueueFull f ->
                new Refusal(
                        ErrorBody.of(
                                503,
                                QUEUE_FULL,
                                "pool " + backendId + " is saturated and its queue holds " + f.length() + " requests"),
                        Optional.empty());
            case Pick.NoEndpoints n ->
                new Refusal(
                        ErrorBody.of(
                                503, ErrorBody.NO_HEALTHY_UPSTREAM, "backend " + backendId + " has no ready endpoints"),
                        Optional.empty());
            case Pick.Saturated s ->
                new Refusal(
                        ErrorBody.of(
                                503,
                                ErrorBody.UPSTREAM_SATURATED,
                                "every endpoint of " + backendId + " has " + s.limit() + " requests in flight"),
                        Optional.empty());
            case Pick.Picked p -> throw new IllegalArgumentException("a picked endpoint is no refusal");
        };
    }
}
