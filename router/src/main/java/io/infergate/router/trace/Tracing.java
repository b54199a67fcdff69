package io.infergate.router.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The router's tracer: {@link #off()} (the default) makes nothing at all, {@link #start} builds an
 * OpenTelemetry SDK tracer whose spans a batch processor exports over OTLP/HTTP (protobuf) with
 * the JDK's HTTP client (docs/adr/0031). The SDK is built here, never registered globally: the
 * router owns its tracer and closes it (a last flush) on shutdown.
 *
 * <p>Rule: export never blocks a request. Finished spans go to a bounded queue; a full queue
 * drops spans (the SDK counts them), an unreachable collector costs only the export thread.
 */
public final class Tracing implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Tracing.class.getName());
    private static final Tracing OFF = new Tracing(null, null, 0, 0, null);

    private static final TextMapGetter<Function<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final long epochAnchor;
    private final long nanoAnchor;
    private final TraceSettings settings;

    private Tracing(
            SdkTracerProvider provider, Tracer tracer, long epochAnchor, long nanoAnchor, TraceSettings settings) {
        this.provider = provider;
        this.tracer = tracer;
        this.epochAnchor = epochAnchor;
        this.nanoAnchor = nanoAnchor;
        this.settings = settings;
    }

    /** No tracing: {@link #begin} is never to be called ({@link #on()} is false). */
    public static Tracing off() {
        return OFF;
    }

    /** Tracing as {@code settings} say: {@link #off()} unless enabled. */
    public static Tracing start(TraceSettings settings) {
        if (!settings.enabled()) {
            return OFF;
        }
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(settings.endpoint().toString())
                .setTimeout(settings.exportTimeout())
                .build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault()
                        .merge(Resource.create(
                                Attributes.of(AttributeKey.stringKey("service.name"), settings.serviceName()))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio())))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter)
                        .setScheduleDelay(settings.batchDelay())
                        .setExporterTimeout(settings.exportTimeout())
                        .setMaxQueueSize(settings.maxQueue())
                        .build())
                .build();
        Instant now = Instant.now();
        long epoch = TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
        LOG.info(() -> "tracing on: OTLP/HTTP to " + settings.endpoint() + ", sample ratio " + settings.sampleRatio());
        return new Tracing(provider, provider.get("io.infergate.router"), epoch, System.nanoTime(), settings);
    }

    /** Whether spans are made. */
    public boolean on() {
        return tracer != null;
    }

    /**
     * Starts the trace of a request that arrived at {@code startNanos}: continues the client's
     * {@code traceparent} when it is valid, else starts a trace.
     *
     * @param header the request's first value of a header, null when absent
     * @param method the request method, the server span's name
     */
    public RequestTrace begin(Function<String, String> header, long startNanos, String method) {
        if (tracer == null) {
            return RequestTrace.OFF;
        }
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), header, HEADERS);
        return new Recording(
                this,
                tracer.spanBuilder(method)
                        .setParent(parent)
                        .setSpanKind(SpanKind.SERVER)
                        .setStartTimestamp(epochNanos(startNanos), TimeUnit.NANOSECONDS)
                        .startSpan());
    }

    Tracer tracer() {
        return tracer;
    }

    /** A {@link System#nanoTime()} value as nanoseconds since the epoch, for span timestamps. */
    long epochNanos(long nanoTime) {
        return epochAnchor + (nanoTime - nanoAnchor);
    }

    /** Exports what is queued (at most the export timeout), then stops. */
    @Override
    public void close() {
        if (provider != null) {
            provider.shutdown().join(settings.exportTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
