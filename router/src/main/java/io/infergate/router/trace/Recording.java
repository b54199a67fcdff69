package io.infergate.router.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;

import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The spans of one traced request: the server span from arrival to the last byte, and as its
 * children {@code auth} and {@code rate_limit} (only when a policy applied), {@code queue} (time in
 * the InferencePool's admission queue), {@code pick} (choosing the endpoint) and {@code upstream}
 * (client span, from sending to the model server to the end of the response; its id is the
 * {@code traceparent} the model server gets). Child spans are made when the request ends, from the
 * timestamps it recorded; only the upstream span must exist earlier, for its id. Confined to the
 * request's thread.
 */
final class Recording implements RequestTrace {

    static final AttributeKey<String> TENANT = AttributeKey.stringKey("infergate.tenant");
    static final AttributeKey<String> FLOW = AttributeKey.stringKey("infergate.flow");
    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("infergate.request_id");
    private static final AttributeKey<String> RULE = AttributeKey.stringKey("infergate.rule");
    private static final AttributeKey<String> BACKEND = AttributeKey.stringKey("infergate.backend");
    private static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("infergate.endpoint");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> MODEL = AttributeKey.stringKey("gen_ai.request.model");
    private static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    private static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    private static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    private static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");

    private final Tracing tracing;
    private final Span server;
    private final Context context;
    private Span upstream;

    Recording(Tracing tracing, Span server) {
        this.tracing = tracing;
        this.server = server;
        this.context = Context.root().with(server);
    }

    @Override
    public boolean on() {
        return true;
    }

    @Override
    public long clock() {
        return System.nanoTime();
    }

    @Override
    public void toUpstream(Consumer<String> remove, BiConsumer<String, String> set) {
        if (upstream == null) {
            upstream = child("upstream", System.nanoTime())
                    .setSpanKind(SpanKind.CLIENT)
                    .startSpan();
        }
        remove.accept("traceparent");
        remove.accept("tracestate");
        W3CTraceContextPropagator.getInstance().inject(context.with(upstream), set, BiConsumer::accept);
    }

    @Override
    public void finish(SpanFacts f) {
        if (f.authEnd() != 0) {
            child("auth", f.authStart()).startSpan().end(epoch(f.authEnd()), TimeUnit.NANOSECONDS);
        }
        if (f.limitEnd() != 0) {
            child("rate_limit", f.limitStart()).startSpan().end(epoch(f.limitEnd()), TimeUnit.NANOSECONDS);
        }
        if (f.pickEnd() != 0) {
            long admitted = f.pickStart() + Math.max(0, f.queuedNanos());
            if (f.queuedNanos() >= 0) {
                Span queue = child("queue", f.pickStart())
                        .setAttribute(BACKEND, f.backend())
                        .startSpan();
                if (!f.flow().isEmpty()) {
                    queue.setAttribute(FLOW, f.flow());
                }
                queue.end(epoch(Math.min(admitted, f.pickEnd())), TimeUnit.NANOSECONDS);
            }
            Span pick = child("pick", Math.min(admitted, f.pickEnd())).startSpan();
            if (!f.endpoint().isEmpty()) {
                pick.setAttribute(ENDPOINT, f.endpoint());
            }
            pick.end(epoch(f.pickEnd()), TimeUnit.NANOSECONDS);
        }
        if (upstream != null) {
            int colon = f.endpoint().lastIndexOf(':');
            if (colon > 0) {
                upstream.setAttribute(SERVER_ADDRESS, f.endpoint().substring(0, colon));
                try {
                    upstream.setAttribute(
                            SERVER_PORT, Long.parseLong(f.endpoint().substring(colon + 1)));
                } catch (NumberFormatException e) {
                    // not address:port: the address attribute says enough
                }
            }
            upstream.setAttribute(STATUS, (long) f.status());
            upstream.end(epoch(f.end()), TimeUnit.NANOSECONDS);
        }
        server.setAttribute(REQUEST_ID, f.requestId());
        server.setAttribute(STATUS, (long) f.status());
        set(server, RULE, f.rule());
        set(server, BACKEND, f.backend());
        set(server, ENDPOINT, f.endpoint());
        set(server, TENANT, f.tenant());
        set(server, FLOW, f.flow());
        set(server, MODEL, f.model());
        f.promptTokens().ifPresent(n -> server.setAttribute(INPUT_TOKENS, n));
        f.completionTokens().ifPresent(n -> server.setAttribute(OUTPUT_TOKENS, n));
        if (f.status() >= 500) {
            server.setStatus(StatusCode.ERROR);
        }
        server.end(epoch(f.end()), TimeUnit.NANOSECONDS);
    }

    private SpanBuilder child(String name, long startNanos) {
        return tracing.tracer()
                .spanBuilder(name)
                .setParent(context)
                .setStartTimestamp(epoch(startNanos), TimeUnit.NANOSECONDS);
    }

    private long epoch(long nanoTime) {
        return tracing.epochNanos(nanoTime);
    }

    private static void set(Span span, AttributeKey<String> key, String value) {
        if (!value.isEmpty()) {
            span.setAttribute(key, value);
        }
    }
}
