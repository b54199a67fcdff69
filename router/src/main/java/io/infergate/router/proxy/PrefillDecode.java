package io.infergate.router.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.common.snapshot.BackendRef;
import io.infergate.common.snapshot.Filter;
import io.infergate.router.disagg.PdBodies;
import io.infergate.router.disagg.PdSplit;
import io.infergate.router.extproc.ResponsePhase;
import io.infergate.router.inference.ErrorBody;
import io.infergate.router.inference.InferenceResponse;
import io.infergate.router.match.Candidate;
import io.infergate.router.schedule.BackendTarget;
import io.infergate.router.schedule.LeastOutstanding;
import io.infergate.router.schedule.Pick;
import io.infergate.router.schedule.Scheduler;
import io.infergate.router.schedule.endpoint.Lease;
import io.infergate.router.schedule.framework.PickContext;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * A disaggregated pool's request (docs/adr/0034-prefill-decode-disaggregation.md): the prompt goes
 * to a prefill endpoint first (picked by the pool's own profile, so prefix affinity applies) as a
 * one-token, non-streaming request asking for a remote decode; the answer's
 * {@code kv_transfer_params} go with the client's request to a decode endpoint (of the prefill
 * endpoint's group, if it has one; picked by fewest requests in flight), whose answer streams to the client through the usual {@link Exchange}
 * (timeouts, retries among decode endpoints, model restore, usage).
 *
 * <p>Failures of the prefill phase: no prefill endpoint with room is answered as any pick refusal
 * (429/503); a prefill endpoint that cannot be reached or answers nothing is a 502
 * {@code prefill_failed}; a prefill answer with an error status is passed to the client as it is
 * (the decode would fail the same way). The prefill answer is read up to the inference body bound.
 */
final class PrefillDecode {

    private static final Logger LOG = Logger.getLogger(PrefillDecode.class.getName());
    /** The prefill phase failed before an answer: 502. */
    static final String PREFILL_FAILED = "prefill_failed";

    private final Upstream upstream;
    private final ProxySettings settings;
    private final Scheduler scheduler;
    private final Exchange exchange;
    private final LeastOutstanding decodePick = new LeastOutstanding();

    PrefillDecode(Upstream upstream, ProxySettings settings, Scheduler scheduler, Exchange exchange) {
        this.upstream = upstream;
        this.settings = settings;
        this.scheduler = scheduler;
        this.exchange = exchange;
    }

    /** Serves the request; {@code body} is the parsed inference body (model rewrites applied). */
    void serve(
            ServerRequest req,
            ServerResponse res,
            RequestRecord record,
            BackendTarget pool,
            PdSplit split,
            Candidate matched,
            BackendRef ref,
            String host,
            Upstream.Body.Bytes body,
            boolean stream,
            Optional<InferenceResponse> inference,
            PickContext context,
            Function<String, Optional<BackendTarget>> backends) {
        BackendTarget prefill = new BackendTarget(pool.backend(), split.prefill(), pool.strategy(), pool.tls());
        Optional<JsonValue> kv;
        BackendTarget decode;
        Pick first = scheduler.pick(prefill, context);
        if (!(first instanceof Pick.Picked picked)) {
            refuse(res, record, first, pool.id());
            return;
        }
        try (Lease lease = picked.lease()) {
            record.endpoint = lease.target().key();
            decode = new BackendTarget(pool.backend(), split.decodeFor(lease.target()), decodePick, pool.tls());
            Optional<Optional<JsonValue>> answer = prefill(req, res, record, prefill, lease, matched, ref, host, body);
            if (answer.isEmpty()) {
                return; // answered
            }
            kv = answer.get();
        }
        Pick second = scheduler.pick(decode, context);
        if (!(second instanceof Pick.Picked decodeLease)) {
            refuse(res, record, second, pool.id());
            return;
        }
        try (Lease lease = decodeLease.lease()) {
            record.endpoint = lease.target().key();
            exchange.run(
                    req,
                    res,
                    new Exchange.Plan(
                            record,
                            decode,
                            matched,
                            ref,
                            host,
                            new Upstream.Body.Bytes(PdBodies.decode(body.bytes(), kv)),
                            stream,
                            true,
                            inference,
                            backends,
                            ResponsePhase.NONE),
                    lease,
                    tried -> scheduler.another(decode, context, tried));
        }
    }

    /**
     * Sends the prefill request and returns the answer's transfer parameters (possibly none), or
     * empty when the client was answered (an error).
     */
    private Optional<Optional<JsonValue>> prefill(
            ServerRequest req,
            ServerResponse res,
            RequestRecord record,
            BackendTarget prefill,
            Lease lease,
            Candidate matched,
            BackendRef ref,
            String host,
            Upstream.Body.Bytes body) {
        List<Filter> filters = new ArrayList<>();
        if (record.identityHeaders != null) {
            filters.add(record.identityHeaders);
        }
        filters.addAll(matched.rule().filters());
        filters.addAll(ref.filters());
        UpstreamRequest request = UpstreamRequest.build(
                Exchange.inbound(req, host), filters, matched.match().path(), record.requestId);
        String endpoint = lease.target().key();
        try (UpstreamResponse answer = upstream.send(
                lease.target().endpoint(),
                prefill.backend().appProtocol(),
                prefill.tls(),
                request.method(),
                request.target(),
                request.headers(),
                new Upstream.Body.Bytes(PdBodies.prefill(body.bytes())),
                settings.readTimeout())) {
            byte[] bytes = readBounded(answer.inputStream());
            int code = answer.status().code();
            if (code / 100 != 2) {
                record.status = code;
                res.status(Status.create(code));
                res.header(HeaderValues.CONTENT_TYPE_JSON);
                res.send(bytes);
                return Optional.empty();
            }
            Optional<JsonValue> kv = PdBodies.kvTransferParams(bytes);
            if (kv.isEmpty()) {
                LOG.fine(() -> "request " + record.requestId + ": prefill answer of " + endpoint
                        + " has no kv_transfer_params; the decode endpoint prefills itself");
            }
            return Optional.of(kv);
        } catch (Upstream.UpstreamException | IOException | RuntimeException e) {
            LOG.warning("request " + record.requestId + ": prefill on " + endpoint + " failed: " + e.getMessage());
            Responses.error(
                    res,
                    record,
                    ErrorBody.of(
                            502,
                            PREFILL_FAILED,
                            "the prefill endpoint " + endpoint + " of " + prefill.id() + " gave no answer"));
            return Optional.empty();
        }
    }

    private byte[] readBounded(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBodyBytes() + 1));
        if (bytes.length > settings.maxBodyBytes()) {
            throw new IOException("the prefill answer exceeds " + settings.maxBodyBytes() + " bytes");
        }
        return bytes;
    }

    private static void refuse(ServerResponse res, RequestRecord record, Pick pick, String poolId) {
        EndpointChoice.Refusal refusal = EndpointChoice.refusal(pick, poolId);
        refusal.retryAfter()
                .ifPresent(after -> res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, after.toSeconds()))));
        Responses.error(res, record, refusal.error());
    }
}
