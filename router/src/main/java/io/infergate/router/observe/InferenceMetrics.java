package io.infergate.router.observe;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.DistributionStatisticsConfig;
import io.helidon.metrics.api.DistributionSummary;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Per-model meters of inference requests to InferencePools and external providers, under the names the Gateway API
 * Inference Extension's endpoint picker uses, so existing dashboards work unchanged:
 * <ul>
 *   <li>{@code inference_objective_request_total{model_name,target_model_name,priority}}</li>
 *   <li>{@code inference_objective_request_error_total{model_name,target_model_name,error_code}}:
 *       responses with status 400 or more, {@code error_code} the status</li>
 *   <li>{@code inference_objective_request_duration_seconds{model_name,target_model_name}}: histogram</li>
 *   <li>{@code inference_objective_input_tokens}, {@code inference_objective_output_tokens}
 *       {@code {model_name,target_model_name}}: histograms of {@code usage} as the server reported it</li>
 *   <li>{@code inference_objective_running_requests{model_name}}: in flight</li>
 * </ul>
 * and, measured at the gateway on streamed responses (neither the EPP nor Kthena has them):
 * {@code infergate_router_time_to_first_token_seconds{backend}} (request arrival to the first
 * event with choices) and {@code infergate_router_inter_token_latency_seconds{backend}} (between
 * consecutive such events).
 *
 * <p>{@code model_name} comes from request bodies, so its values are capped: after
 * {@value #MAX_MODELS} distinct names, further names are counted as {@code other}.
 */
public final class InferenceMetrics {

    static final int MAX_MODELS = 200;
    static final String OTHER = "other";

    private static final Duration[] SECONDS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)
    };
    private static final Duration[] TOKEN_SECONDS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30)
    };
    private static final double[] TOKEN_BUCKETS = {
        1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072
    };

    private record Models(String model, String target) {}

    private record RequestKey(String model, String target, String priority) {}

    private record ErrorKey(String model, String target, String code) {}

    private final MeterRegistry registry;
    private final Consumer<Meter> track;
    private final Set<String> models = ConcurrentHashMap.newKeySet();
    private final Map<RequestKey, Counter> requests = new ConcurrentHashMap<>();
    private final Map<ErrorKey, Counter> errors = new ConcurrentHashMap<>();
    private final Map<Models, Timer> durations = new ConcurrentHashMap<>();
    private final Map<Models, DistributionSummary> inputTokens = new ConcurrentHashMap<>();
    private final Map<Models, DistributionSummary> outputTokens = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> running = new ConcurrentHashMap<>();
    private final Map<String, Timer> ttft = new ConcurrentHashMap<>();
    private final Map<String, Timer> itl = new ConcurrentHashMap<>();

    /** @param track called with every meter registered, so that its owner can remove them all */
    InferenceMetrics(MeterRegistry registry, Consumer<Meter> track) {
        this.registry = registry;
        this.track = track;
    }

    /** An inference request was sent on to a pool or a provider; returns the label value to pass to {@link #finished}. */
    public String started(String model) {
        String m = label(model);
        running.computeIfAbsent(m, k -> {
                    AtomicLong count = new AtomicLong();
                    track.accept(registry.getOrCreate(io.helidon.metrics.api.Gauge.builder(
                                    "inference_objective_running_requests", count, AtomicLong::get)
                            .description("Inference requests in flight, by model")
                            .tags(List.of(Tag.create("model_name", k)))));
                    return count;
                })
                .incrementAndGet();
        return m;
    }

    /**
     * An inference request started with {@link #started} is counted elsewhere: an endpoint picker
     * routed it, and the picker counts what it routes under these names (Infergate's own picker
     * in its {@code epp} package, the reference picker in its process). Only the in-flight count
     * is taken back; {@link #finished} must not follow.
     */
    public void handedOver(String modelLabel) {
        running.get(modelLabel).decrementAndGet();
    }

    /**
     * An inference request started with {@link #started} finished.
     *
     * @param modelLabel what {@link #started} returned
     * @param target     the model it went upstream as (the same when not rewritten)
     */
    public void finished(
            String modelLabel,
            String target,
            int priority,
            int status,
            long durationNanos,
            OptionalLong promptTokens,
            OptionalLong completionTokens) {
        running.get(modelLabel).decrementAndGet();
        Models key = new Models(modelLabel, label(target));
        requests.computeIfAbsent(
                        new RequestKey(key.model(), key.target(), Integer.toString(priority)),
                        k -> counter(
                                "inference_objective_request",
                                "Inference requests, by model, target model and priority",
                                List.of(
                                        Tag.create("model_name", k.model()),
                                        Tag.create("target_model_name", k.target()),
                                        Tag.create("priority", k.priority()))))
                .increment();
        if (status >= 400) {
            errors.computeIfAbsent(
                            new ErrorKey(key.model(), key.target(), Integer.toString(status)),
                            k -> counter(
                                    "inference_objective_request_error",
                                    "Inference requests answered with an error status",
                                    List.of(
                                            Tag.create("model_name", k.model()),
                                            Tag.create("target_model_name", k.target()),
                                            Tag.create("error_code", k.code()))))
                    .increment();
        }
        durations
                .computeIfAbsent(
                        key,
                        k -> timer(
                                "inference_objective_request_duration",
                                "Inference request duration, arrival to last byte",
                                SECONDS,
                                tags(k)))
                .record(durationNanos, TimeUnit.NANOSECONDS);
        promptTokens.ifPresent(n -> inputTokens
                .computeIfAbsent(
                        key,
                        k -> summary(
                                "inference_objective_input_tokens",
                                "Prompt tokens per request (usage.prompt_tokens)",
                                tags(k)))
                .record((double) n));
        completionTokens.ifPresent(n -> outputTokens
                .computeIfAbsent(
                        key,
                        k -> summary(
                                "inference_objective_output_tokens",
                                "Output tokens per request (usage.completion_tokens)",
                                tags(k)))
                .record((double) n));
    }

    /**
     * A clock for one streamed response: each call marks an event with choices; the first is
     * recorded as time to first token since {@code startNanos}, later ones as inter-token latency.
     */
    public Runnable tokenClock(String backend, long startNanos) {
        return new Runnable() {
            private long last = -1;

            @Override
            public void run() {
                long now = System.nanoTime();
                if (last < 0) {
                    ttft.computeIfAbsent(
                                    backend,
                                    b -> timer(
                                            "infergate_router_time_to_first_token",
                                            "Request arrival to the first streamed event with choices",
                                            SECONDS,
                                            List.of(Tag.create("backend", b))))
                            .record(now - startNanos, TimeUnit.NANOSECONDS);
                } else {
                    itl.computeIfAbsent(
                                    backend,
                                    b -> timer(
                                            "infergate_router_inter_token_latency",
                                            "Time between consecutive streamed events with choices",
                                            TOKEN_SECONDS,
                                            List.of(Tag.create("backend", b))))
                            .record(now - last, TimeUnit.NANOSECONDS);
                }
                last = now;
            }
        };
    }

    /** A bounded label for a client-supplied model name. */
    String label(String model) {
        if (models.contains(model)) {
            return model;
        }
        if (models.size() >= MAX_MODELS) {
            return OTHER;
        }
        models.add(model);
        return model;
    }

    private static List<Tag> tags(Models k) {
        return List.of(Tag.create("model_name", k.model()), Tag.create("target_model_name", k.target()));
    }

    private Counter counter(String name, String description, List<Tag> tags) {
        Counter c = registry.getOrCreate(
                Counter.builder(name).description(description).tags(tags));
        track.accept(c);
        return c;
    }

    private Timer timer(String name, String description, Duration[] buckets, List<Tag> tags) {
        Timer t = registry.getOrCreate(Timer.builder(name)
                .description(description)
                .baseUnit(TimeUnit.SECONDS)
                .percentiles(new double[0]) // no client-side quantiles (RouterMetrics)
                .buckets(buckets)
                .tags(tags));
        track.accept(t);
        return t;
    }

    private DistributionSummary summary(String name, String description, List<Tag> tags) {
        DistributionSummary s = registry.getOrCreate(DistributionSummary.builder(name)
                .description(description)
                .distributionStatisticsConfig(DistributionStatisticsConfig.builder()
                        .percentiles(new double[0]) // no client-side quantiles (RouterMetrics)
                        .buckets(TOKEN_BUCKETS))
                .tags(tags));
        track.accept(s);
        return s;
    }
}
