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
 * usage at the end; a streamed one is read event by event and never kept. When the request went
 * upstream under another model name (a rewrite), the client gets its own name back in the response,
 * as on the router's own listeners and as the reference picker does: each complete SSE event is
 * rewritten as it passes; a JSON body is held to its end and rewritten whole (over the bound it
 * is released unchanged).
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
    /** The JSON body outgrew {@link #MAX_JSON_BYTES}: passed on unchanged, usage not read. */
    private boolean jsonOverflow;

    private boolean bodyEnded;
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
        // the client's name when the request went upstream as another; the upstream name lets
        // streamed events be spliced instead of parsed
        Optional<String> clientModel = request.map(OpenAiRequest::model)
                .filter(m -> rewrite.isPresent() && !rewrite.get().equals(m));
        this.response = request.isPresent()
                ? new InferenceResponse(clientModel, clientModel.flatMap(m -> rewrite), () -> {})
                : null;
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
    public boolean rewrites() {
        return response != null && response.rewrites();
    }

    @Override
    public byte[] pass(byte[] chunk, boolean end) {
        if (response == null || bodyEnded) {
            return chunk;
        }
        bodyEnded = end;
        if (stream) {
            if (!response.rewrites()) {
                response.observe(chunk, chunk.length);
                return chunk;
            }
            byte[] now = response.rewrite(chunk, chunk.length);
            return end ? concat(now, response.end()) : now;
        }
        if (jsonOverflow) {
            return chunk;
        }
        if (json == null) {
            json = new ByteArrayOutputStream();
        }
        if (json.size() + (long) chunk.length > MAX_JSON_BYTES) {
            jsonOverflow = true;
            byte[] held = response.rewrites() ? json.toByteArray() : new byte[0];
            json = null;
            return concat(held, chunk);
        }
        json.writeBytes(chunk);
        if (!response.rewrites()) {
            return chunk;
        }
        if (!end) {
            return new byte[0];
        }
        byte[] whole = response.json(json.toByteArray());
        json = null; // usage read
        return whole;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a.length == 0) {
            return b;
        }
        if (b.length == 0) {
            return a;
        }
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
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
