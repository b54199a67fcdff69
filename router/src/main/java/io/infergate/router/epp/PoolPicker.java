package io.infergate.router.epp;

import io.infergate.router.inference.ErrorBody;
import io.infergate.router.inference.ModelRewriter;
import io.infergate.router.inference.Objectives;
import io.infergate.router.inference.OpenAiParser;
import io.infergate.router.inference.OpenAiRequest;
import io.infergate.router.inference.RequestRewrite;
import io.infergate.router.observe.InferenceMetrics;
import io.infergate.router.schedule.Pick;
import io.infergate.router.schedule.Scheduler;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.snapshot.CompiledSnapshot;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The picker's decision for one request, made by the router's own request steps: the pool
 * ({@link PoolLookup}), the body parsed as the router parses it ({@link OpenAiParser}), the
 * objective's priority, the model rewrite ({@link ModelRewriter}), and the pick by the same
 * {@link Scheduler} and pool profiles as the router's listeners (shared endpoint state, scraped
 * metrics, prefix index and admission queue). The picked endpoint's slot is held until the
 * stream ends ({@link PickedExchange}).
 */
final class PoolPicker implements Function<Inbound, Verdict> {

    static final String OBJECTIVE = "x-gateway-inference-objective";
    static final String MODEL_REWRITE = "x-gateway-model-name-rewrite";
    /** Request headers meant for the gateway and the picker, never for the model server. */
    static final List<String> CONTROL_HEADERS = List.of(OBJECTIVE, MODEL_REWRITE, Messages.SUBSET);

    private final Supplier<Optional<CompiledSnapshot>> snapshots;
    private final Scheduler scheduler;
    private final Optional<String> pool;
    private final InferenceMetrics inference;
    private final EppMetrics metrics;
    private final RandomGenerator random;
    private final AtomicLong ids = new AtomicLong();

    PoolPicker(
            Supplier<Optional<CompiledSnapshot>> snapshots,
            Scheduler scheduler,
            Optional<String> pool,
            InferenceMetrics inference,
            EppMetrics metrics,
            RandomGenerator random) {
        this.snapshots = snapshots;
        this.scheduler = scheduler;
        this.pool = pool;
        this.inference = inference;
        this.metrics = metrics;
        this.random = random;
    }

    @Override
    public Verdict apply(Inbound in) {
        long start = System.nanoTime();
        Verdict v = decide(in, start);
        metrics.decided(v, System.nanoTime() - start);
        return v;
    }

    private Verdict decide(Inbound in, long start) {
        Optional<CompiledSnapshot> snapshot = snapshots.get();
        if (snapshot.isEmpty()) {
            return reject(503, ErrorBody.NO_HEALTHY_UPSTREAM, "the picker has no snapshot yet");
        }
        PoolLookup.Found found = PoolLookup.find(snapshot.get().backends().values(), pool, in.subset());
        if (!(found instanceof PoolLookup.Found.Pool p)) {
            return reject(503, ErrorBody.NO_HEALTHY_UPSTREAM, ((PoolLookup.Found.None) found).reason());
        }
        if (p.candidates().endpoints().isEmpty()) {
            return reject(503, ErrorBody.NO_HEALTHY_UPSTREAM, "pool " + p.pool().id() + " has no ready endpoints");
        }
        String method = in.header(":method").orElse("GET");
        String path = in.header(":path").orElse("/");
        int q = path.indexOf('?');
        Optional<OpenAiRequest> request = Optional.empty();
        if (in.hasBody() && OpenAiRequest.isInference(method, q < 0 ? path : path.substring(0, q))) {
            switch (OpenAiParser.parse(in.body())) {
                case OpenAiParser.Result.Invalid invalid -> {
                    return new Verdict.Reject(
                            new ErrorBody(400, ErrorBody.INVALID_REQUEST, invalid.message(), invalid.param()),
                            Optional.empty());
                }
                case OpenAiParser.Result.Ok ok -> request = Optional.of(ok.request());
            }
        }
        int priority = Objectives.priority(
                in.header(OBJECTIVE),
                snapshot.get().snapshot().objectives(),
                p.pool().id());
        Optional<String> rewrite = request.flatMap(r -> ModelRewriter.target(
                r.model(), in.header(MODEL_REWRITE), p.pool().modelRewrites(), random));
        byte[] body = rewrite.isPresent() ? RequestRewrite.withModel(in.body(), rewrite.get()) : in.body();
        String requestId = in.header("x-request-id").orElseGet(() -> "picker-" + ids.incrementAndGet());
        // the scheduler sees the model that goes upstream, as on the router's own path
        PickContext context = new PickContext(
                requestId,
                request.map(r -> rewrite.orElse(r.model())),
                request.map(OpenAiRequest::promptText).orElse(""),
                priority,
                Optional.empty());
        Pick pick = scheduler.pick(p.candidates(), context);
        if (pick instanceof Pick.Picked picked) {
            PickedExchange exchange = new PickedExchange(
                    picked.lease(), p.candidates(), context, request, rewrite, priority, inference, metrics, start);
            return new Verdict.Route(
                    List.of(picked.lease().target().key()), body, present(in, CONTROL_HEADERS), exchange);
        }
        return refusal(pick, p.pool().id());
    }

    /** The control headers the request carries (only those are named for removal). */
    private static List<String> present(Inbound in, List<String> names) {
        return names.stream().filter(n -> in.headers().containsKey(n)).toList();
    }

    /** A scheduler refusal as the router's listeners answer it. */
    static Verdict.Reject refusal(Pick pick, String poolId) {
        return switch (pick) {
            case Pick.Shed s ->
                new Verdict.Reject(
                        ErrorBody.of(
                                429,
                                "pool_saturated",
                                "pool " + poolId + " is saturated and the request's objective is sheddable"),
                        Optional.of(s.retryAfter()));
            case Pick.QueueTimeout t ->
                reject(
                        503,
                        "queue_timeout",
                        "pool " + poolId + " stayed saturated for " + t.waited().toMillis() + " ms");
            case Pick.QueueFull f ->
                reject(
                        503,
                        "queue_full",
                        "pool " + poolId + " is saturated and its queue holds " + f.length() + " requests");
            case Pick.NoEndpoints n ->
                reject(503, ErrorBody.NO_HEALTHY_UPSTREAM, "pool " + poolId + " has no ready endpoints");
            case Pick.Saturated s ->
                reject(
                        503,
                        ErrorBody.UPSTREAM_SATURATED,
                        "every endpoint of " + poolId + " has " + s.limit() + " requests in flight");
            case Pick.Picked p -> throw new IllegalArgumentException("a picked endpoint is no refusal");
        };
    }

    private static Verdict.Reject reject(int status, String code, String message) {
        return new Verdict.Reject(ErrorBody.of(status, code, message), Optional.<Duration>empty());
    }
}
