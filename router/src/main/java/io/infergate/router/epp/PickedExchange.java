package io.infergate.router.epp;

import io.infergate.router.inference.InferenceResponse;
import io.infergate.router.inference.OpenAiRequest;
import io.infergate.router.observe.InferenceMetrics;
import io.infergate.router.schedule.BackendTarget;
import io.infergate.router.schedule.endpoint.Lease;
import io.infergate.router.schedule.endpoint.Target;
import io.infergate.router.schedule.framework.PickContext;

import java.io.ByteArrayOutputStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request the picker routed, until its stream ends: the endpoint's slot (so the next picks see
 * it busy), the served endpoint fed back to the pool's stateful plugins when the gateway served
 * the request elsewhere, usage read from the response as the router reads it, and the
 * Inference Extension's per-model meters at the end.
 *
 * <p>Rule: a non-streamed response is kept (up to {@value #MAX_JSON_BYTES} bytes) to read its
 * usage at the end; a streamed one is read event by event and never kept.
 */
final class PickedExchange implements Verdict.Routed {

    static final int MAX_JSON_BYTES = 4 * 1024 * 1024;

    private final Lease lease;
    private final BackendTarget pool;
    private final PickContext context;
    private final boolean stream;
    private final InferenceResponse response;
    private final String modelLabel;
    private final String target;
    private final int priority;
    private final InferenceMetrics inference;
    private final EppMetrics metrics;
    private final long startNanos;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private ByteArrayOutputStream json;
    private volatile int status;

    PickedExchange(
            Lease lease,
            BackendTarget pool,
            PickContext context,
            Optional<OpenAiRequest> request,
            Optional<String> rewrite,
            int priority,
            InferenceMetrics inference,
            EppMetrics metrics,
            long startNanos) {
        this.lease = lease;
        this.pool = pool;
        this.context = context;
        this.stream = request.map(OpenAiRequest::stream).orElse(false);
        this.response = request.isPresent() ? new InferenceResponse(Optional.empty(), () -> {}) : null;
        this.modelLabel = request.map(r -> inference.started(r.model())).orElse(null);
        this.target = request.map(r -> rewrite.orElse(r.model())).orElse(null);
        this.priority = priority;
        this.inference = inference;
        this.metrics = metrics;
        this.startNanos = startNanos;
    }

    @Override
    public void responded(int status, Optional<String> served) {
        this.status = status;
        if (served.isEmpty() || served.get().equals(lease.target().key())) {
            return;
        }
        for (Target t : pool.endpoints()) {
            if (t.key().equals(served.get())) {
                pool.strategy().served(t, context);
                metrics.servedElsewhere();
                return;
            }
        }
    }

    @Override
    public void observe(byte[] chunk) {
        if (response == null) {
            return;
        }
        if (stream) {
            response.observe(chunk, chunk.length);
            return;
        }
        if (json == null) {
            json = new ByteArrayOutputStream();
        }
        if (json.size() + (long) chunk.length <= MAX_JSON_BYTES) {
            json.writeBytes(chunk);
        }
    }

    @Override
    public void finish() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        try {
            if (response != null) {
                if (json != null) {
                    response.json(json.toByteArray());
                }
                // no response headers seen: the gateway could not reach the endpoint, or the client left
                int s = status == 0 ? 502 : status;
                inference.finished(
                        modelLabel,
                        target,
                        priority,
                        s,
                        System.nanoTime() - startNanos,
                        response.usage().promptTokens(),
                        response.usage().completionTokens());
            }
        } finally {
            lease.close();
        }
    }
}
