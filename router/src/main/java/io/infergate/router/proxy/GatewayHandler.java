package io.infergate.router.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.common.http.ClientBody;
import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.BackendRef;
import io.infergate.common.snapshot.Filter;
import io.infergate.common.snapshot.Rule;
import io.infergate.router.auth.Authentication;
import io.infergate.router.auth.HttpFetcher;
import io.infergate.router.auth.JwksSource;
import io.infergate.router.disagg.PdSplit;
import io.infergate.router.extproc.ExternalPickers;
import io.infergate.router.extproc.PickerSettings;
import io.infergate.router.extproc.ResponsePhase;
import io.infergate.router.inference.ErrorBody;
import io.infergate.router.inference.OpenAiRequest;
import io.infergate.router.match.Candidate;
import io.infergate.router.match.HostHeader;
import io.infergate.router.match.MatchResult;
import io.infergate.router.match.RequestFacts;
import io.infergate.router.match.SocketKey;
import io.infergate.router.match.Values;
import io.infergate.router.observe.AccessLog;
import io.infergate.router.observe.RouterMetrics;
import io.infergate.router.outlier.OutlierDetection;
import io.infergate.router.ratelimit.RateLimitSettings;
import io.infergate.router.ratelimit.RateLimiter;
import io.infergate.router.schedule.BackendTarget;
import io.infergate.router.schedule.Scheduler;
import io.infergate.router.schedule.admission.Admission;
import io.infergate.router.schedule.endpoint.Lease;
import io.infergate.router.schedule.framework.PickContext;
import io.infergate.router.snapshot.CompiledSnapshot;
import io.infergate.router.snapshot.Serving;
import io.infergate.router.trace.Tracing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Serves every request of one public socket: request id, match, backendRef choice, inference
 * body parsing, endpoint pick, then the upstream exchange ({@link Exchange}). Each request runs
 * on its own virtual thread (Helidon's default) and reads the served snapshot once, so a snapshot
 * swap never changes a request half way.
 */
public final class GatewayHandler implements Handler {

    static final String X_REQUEST_ID = "x-request-id";
    /** Names the InferenceObjective; read here, never sent upstream. */
    static final String X_OBJECTIVE = "x-gateway-inference-objective";
    /** Forces a model rewrite target; never sent upstream. */
    static final String X_MODEL_REWRITE = "x-gateway-model-name-rewrite";
    /** The Inference Extension's fairness key, used when no AuthPolicy named a tenant. */
    static final String X_FAIRNESS_ID = "x-gateway-inference-fairness-id";

    /** The idempotent methods of RFC 9110 section 9.2.2: sending them twice does no harm. */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private final SocketKey socket;
    private final Serving serving;
    private final Exchange exchange;
    private final RouterMetrics metrics;
    private final AccessLog accessLog;
    private final RandomGenerator random;
    private final PoolModels poolModels;
    private final RequestBodies bodies;
    private final EndpointChoice endpoints;
    private final Authentication authentication;
    private final RateLimiter limiter;
    private final PrefillDecode prefillDecode;
    private final Tracing tracing;

    GatewayHandler(
            SocketKey socket,
            Serving serving,
            Exchange exchange,
            RouterMetrics metrics,
            AccessLog accessLog,
            RandomGenerator random,
            PoolModels poolModels,
            RequestBodies bodies,
            EndpointChoice endpoints,
            Authentication authentication,
            RateLimiter limiter,
            Tracing tracing,
            PrefillDecode prefillDecode) {
        this.socket = socket;
        this.tracing = tracing;
        this.prefillDecode = prefillDecode;
        this.limiter = limiter;
        this.authentication = authentication;
        this.serving = serving;
        this.exchange = exchange;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.random = random;
        this.poolModels = poolModels;
        this.bodies = bodies;
        this.endpoints = endpoints;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        long start = System.nanoTime();
        String requestId = req.headers().first(HeaderNameCache.of(X_REQUEST_ID)).orElseGet(RequestIds::next);
        RequestRecord record = new RequestRecord(requestId, start);
        record.head = req.prologue().method().equals(Method.HEAD);
        if (tracing.on()) {
            record.trace = tracing.begin(
                    name -> req.headers().first(HeaderNameCache.of(name)).orElse(null),
                    start,
                    req.prologue().method().text());
        }
        res.header(X_REQUEST_ID, requestId);
        String host = HostHeader.normalize(req.headers().first(HeaderNames.HOST).orElse(""));
        String path = req.prologue().uriPath().rawPath();
        metrics.requestStarted();
        try {
            serve(req, res, record, host, path);
        } catch (ClientBody.Malformed e) {
            RequestBodies.malformed(res, record, e);
        } finally {
            Limits.settle(limiter, record);
            long nanos = System.nanoTime() - start;
            metrics.requestFinished(record.rule, record.backend, record.status, nanos);
            if (record.queuedNanos >= 0) {
                metrics.queueWait(record.backend, record.queuedNanos);
            }
            if (record.inference != null) {
                record.inference.finished(record.status, nanos);
            }
            metrics.rateLimits()
                    .finished(
                            record.tenant,
                            record.status,
                            record.inference == null
                                    ? java.util.OptionalLong.empty()
                                    : record.inference.response.usage().promptTokens(),
                            record.inference == null
                                    ? java.util.OptionalLong.empty()
                                    : record.inference.response.usage().completionTokens());
            if (record.trace.on()) {
                record.trace.finish(TraceFacts.of(record, System.nanoTime()));
            }
            accessLog.log(new AccessLog.Entry(
                    requestId,
                    req.prologue().method().text(),
                    host,
                    path,
                    record.rule,
                    record.endpoint,
                    record.status,
                    TimeUnit.NANOSECONDS.toMillis(nanos),
                    record.ttfbNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(record.ttfbNanos),
                    record.tenant,
                    record.queuedNanos < 0 ? -1 : record.queuedNanos / 1e6));
        }
    }

    private void serve(ServerRequest req, ServerResponse res, RequestRecord record, String host, String path) {
        Optional<CompiledSnapshot> snapshot = serving.current();
        String method = req.prologue().method().text();
        ReadAhead readAhead = bodies.readAhead(req, path);
        RequestFacts facts = new RequestFacts(
                socket, host, method, path, name -> req.query().all(name, List::of), headerValues(req), readAhead);
        MatchResult result = snapshot.map(s -> s.routes().match(facts)).orElse(new MatchResult.NoListener());
        if (readAhead.tooLarge()) {
            Responses.error(res, record, ErrorBody.of(413, ErrorBody.REQUEST_TOO_LARGE, "request body too large"));
            return;
        }
        switch (result) {
            case MatchResult.NoListener n -> notFound(res, record, host, path);
            case MatchResult.NoRule n
            when readAhead.bytes().isPresent() ->
                // the listener routes by model (Kthena ModelRoutes) and none claims this one
                Responses.error(
                        res,
                        record,
                        ErrorBody.of(
                                404,
                                ErrorBody.MODEL_NOT_FOUND,
                                "no route for model '" + readAhead.get().orElse("") + "' at " + host + path));
            case MatchResult.NoRule n -> notFound(res, record, host, path);
            case MatchResult.Matched m -> routed(req, res, record, snapshot.orElseThrow(), m, host, path, readAhead);
        }
    }

    private void routed(
            ServerRequest req,
            ServerResponse res,
            RequestRecord record,
            CompiledSnapshot snapshot,
            MatchResult.Matched match,
            String host,
            String path,
            ReadAhead readAhead) {
        Candidate matched = match.candidate();
        int clientPort = match.clientPort();
        Rule rule = matched.rule();
        record.rule = rule.id();
        record.route = matched.route().id();
        record.gateway = match.listener().gateway();
        record.authStartNanos = record.trace.clock();
        boolean admitted = Callers.admitted(authentication, req, res, record, snapshot.snapshot(), match);
        record.authEndNanos = record.authChecked ? record.trace.clock() : 0;
        if (!admitted) {
            return; // 401: authentication runs before redirects and backends, as the route's first step
        }
        if (redirected(req, res, record, rule.filters(), matched, clientPort, host, path)) {
            return;
        }
        switch (BackendChoice.choose(rule.backends(), random)) {
            case BackendChoice.Result.NoBackendRefs n ->
                Responses.error(
                        res,
                        record,
                        ErrorBody.of(500, ErrorBody.BACKEND_NOT_FOUND, "rule " + rule.id() + " has no backendRefs"));
            case BackendChoice.Result.AllZeroWeight z ->
                Responses.error(
                        res,
                        record,
                        ErrorBody.of(
                                500,
                                ErrorBody.BACKEND_NOT_FOUND,
                                "every backendRef of rule " + rule.id() + " has weight 0"));
            case BackendChoice.Result.Chosen c -> {
                if (!redirected(req, res, record, c.ref().filters(), matched, clientPort, host, path)) {
                    c.ref()
                            .backend()
                            .flatMap(snapshot::backend)
                            .ifPresentOrElse(
                                    backend -> toBackend(
                                            req, res, record, snapshot, backend, matched, c.ref(), host, path,
                                            readAhead),
                                    () -> Responses.error(
                                            res,
                                            record,
                                            ErrorBody.of(
                                                    500,
                                                    ErrorBody.BACKEND_NOT_FOUND,
                                                    "a backendRef of rule " + rule.id()
                                                            + " does not resolve to a backend")));
                }
            }
        }
    }

    /**
     * Answers with the first RequestRedirect of the filters, if any: a rule's redirect answers
     * every request of the rule, a backendRef's redirect the requests that choose that backendRef.
     * The listener port a Location defaults to is the one clients used ({@code clientPort}), not
     * this socket's: they differ for a Gateway on reserved router ports (docs/adr/0006).
     */
    private boolean redirected(
            ServerRequest req,
            ServerResponse res,
            RequestRecord record,
            List<Filter> filters,
            Candidate matched,
            int clientPort,
            String host,
            String path) {
        for (Filter f : filters) {
            if (f instanceof Filter.RequestRedirect redirect) {
                String location = Rewrites.location(
                        redirect,
                        req.isSecure() ? "https" : "http",
                        host,
                        clientPort,
                        matched.match().path(),
                        path,
                        req.prologue().query().rawValue());
                record.status = redirect.statusCode();
                res.status(Status.create(redirect.statusCode()))
                        .header(HeaderNames.LOCATION, location)
                        .send();
                return true;
            }
        }
        return false;
    }

    private void toBackend(
            ServerRequest req,
            ServerResponse res,
            RequestRecord record,
            CompiledSnapshot snapshot,
            BackendTarget backend,
            Candidate matched,
            BackendRef ref,
            String host,
            String path,
            ReadAhead readAhead) {
        record.backend = backend.id();
        if (backend.endpoints().isEmpty()) {
            Responses.error(
                    res,
                    record,
                    ErrorBody.of(
                            503, ErrorBody.NO_HEALTHY_UPSTREAM, "backend " + backend.id() + " has no ready endpoints"));
            return;
        }
        if (backend.backend() instanceof Backend.InferencePool pool && PoolModels.isModelList(req, path)) {
            poolModels.serve(res, record, pool, backend.tls());
            return;
        }
        Optional<RequestBodies.Prepared> prepared = bodies.prepare(req, res, record, backend, path, readAhead.bytes());
        if (prepared.isEmpty()) {
            return; // answered already (400, 413)
        }
        Optional<OpenAiRequest> inference = prepared.get().inference();
        record.limitStartNanos = record.trace.clock();
        boolean allowed = Limits.admitted(limiter, res, record, snapshot.snapshot(), inference);
        record.limitEndNanos = record.limitChecked ? record.trace.clock() : 0;
        if (!allowed) {
            return; // 429 or 503: counted before the queue and the pick, so a refused request costs no slot
        }
        int priority = backend.backend() instanceof Backend.InferencePool
                ? InferenceCall.priority(
                        req.headers().first(HeaderNameCache.of(X_OBJECTIVE)),
                        snapshot.snapshot().objectives(),
                        backend.id())
                : 0;
        Upstream.Body body = prepared.get().body();
        if (inference.isPresent() && InferenceCall.reads(backend.backend())) {
            record.inference = InferenceCall.start(
                    inference.get(),
                    backend.backend(),
                    req.headers().first(HeaderNameCache.of(X_MODEL_REWRITE)),
                    priority,
                    metrics.inference(),
                    random,
                    record.startNanos);
            body = record.inference.body(body);
        }
        // The scheduler sees the model that goes upstream (LoRA affinity looks for the rewritten adapter).
        PickContext context = new PickContext(
                record.requestId,
                inference.map(i -> record.inference != null ? record.inference.target : i.model()),
                inference.map(OpenAiRequest::promptText).orElse(""),
                priority,
                Optional.empty(),
                flow(req, record));
        Optional<PdSplit> split = inference.isPresent()
                        && backend.backend() instanceof Backend.InferencePool
                        && ExternalPickers.pickerOf(backend).isEmpty()
                        && body instanceof Upstream.Body.Bytes
                ? PdSplit.of(backend.endpoints())
                : Optional.empty();
        if (split.isPresent()) { // a disaggregated pool: prefill on one endpoint, decode on another
            prefillDecode.serve(
                    req,
                    res,
                    record,
                    backend,
                    split.get(),
                    matched,
                    ref,
                    host,
                    (Upstream.Body.Bytes) body,
                    inference.get().stream(),
                    Optional.ofNullable(record.inference).map(i -> i.response),
                    context,
                    snapshot::backend);
            return;
        }
        record.flow = context.flow();
        record.pickStartNanos = record.trace.clock();
        EndpointChoice.Outcome outcome = endpoints.choose(req, res, record, backend, ref, host, body, context);
        record.pickEndNanos = record.trace.clock();
        if (outcome instanceof EndpointChoice.Outcome.Run run) {
            try (ResponsePhase response = run.response();
                    Lease lease = run.first()) {
                record.endpoint = lease.target().key();
                boolean idempotent = inference.isPresent()
                        || IDEMPOTENT.contains(req.prologue().method().text());
                exchange.run(
                        req,
                        res,
                        new Exchange.Plan(
                                record,
                                backend,
                                matched,
                                run.ref(),
                                host,
                                run.body(),
                                inference.map(OpenAiRequest::stream).orElse(false),
                                idempotent,
                                Optional.ofNullable(record.inference).map(i -> i.response),
                                snapshot::backend,
                                response),
                        lease,
                        run.another());
            }
        }
    }

    /**
     * The fair-queueing flow: the authenticated tenant (a fact the gateway asserts), else the
     * Inference Extension's {@code x-gateway-inference-fairness-id} (the client's word; at most
     * 128 characters are used), else "".
     */
    private static String flow(ServerRequest req, RequestRecord record) {
        if (!record.tenant.isEmpty()) {
            return record.tenant;
        }
        String id = req.headers().first(HeaderNameCache.of(X_FAIRNESS_ID)).orElse("");
        return id.length() > 128 ? id.substring(0, 128) : id;
    }

    private static void notFound(ServerResponse res, RequestRecord record, String host, String path) {
        Responses.error(res, record, ErrorBody.of(404, ErrorBody.ROUTE_NOT_FOUND, "no route for " + host + path));
    }

    private static Values headerValues(ServerRequest req) {
        return name -> {
            var headers = req.headers();
            var hn = HeaderNameCache.of(name);
            return headers.contains(hn) ? headers.get(hn).allValues() : List.of();
        };
    }

    /** Makes the handler of each public socket; one shared upstream client and scheduler. */
    public static final class Factory implements AutoCloseable {
        private final Serving serving;
        private final Upstream upstream;
        private final Exchange exchange;
        private final RouterMetrics metrics;
        private final AccessLog accessLog;
        private final RandomGenerator random;
        private final PoolModels poolModels;
        private final ExternalPickers pickers;
        private final RequestBodies bodies;
        private final EndpointChoice endpoints;
        private final Authentication authentication;
        private final HttpFetcher jwksFetcher;
        private final RateLimiter limiter;
        private final PrefillDecode prefillDecode;
        private final Tracing tracing;

        /**
         * @param random         backendRef weights (seeded in tests)
         * @param admission      priority admission of InferencePool requests, when configured
         * @param pickerSettings how external endpoint pickers are asked (pools with an endpointPickerRef)
         */
        public Factory(
                Serving serving,
                ProxySettings settings,
                RouterMetrics metrics,
                AccessLog accessLog,
                RandomGenerator random,
                Optional<Admission> admission,
                PickerSettings pickerSettings) {
            this(serving, settings, metrics, accessLog, random, admission, pickerSettings, JwksSource.Settings.DEFAULT);
        }

        /**
         * A factory whose AuthPolicies cache JWKS documents as {@code jwks} says.
         *
         * @param random         backendRef weights (seeded in tests)
         * @param admission      priority admission of InferencePool requests, when configured
         * @param pickerSettings how external endpoint pickers are asked (pools with an endpointPickerRef)
         * @param jwks           JWKS caching of AuthPolicies with a JWT provider
         */
        public Factory(
                Serving serving,
                ProxySettings settings,
                RouterMetrics metrics,
                AccessLog accessLog,
                RandomGenerator random,
                Optional<Admission> admission,
                PickerSettings pickerSettings,
                JwksSource.Settings jwks) {
            this(
                    serving,
                    settings,
                    metrics,
                    accessLog,
                    random,
                    admission,
                    pickerSettings,
                    jwks,
                    new RateLimiter(
                            RateLimitSettings.DEFAULT,
                            System::currentTimeMillis,
                            System::nanoTime,
                            metrics.rateLimits()));
        }

        /**
         * A factory whose RateLimitPolicies count with {@code limiter}.
         *
         * @param limiter counts RateLimitPolicies' limits (closed with the factory)
         */
        public Factory(
                Serving serving,
                ProxySettings settings,
                RouterMetrics metrics,
                AccessLog accessLog,
                RandomGenerator random,
                Optional<Admission> admission,
                PickerSettings pickerSettings,
                JwksSource.Settings jwks,
                RateLimiter limiter) {
            this(
                    serving,
                    settings,
                    metrics,
                    accessLog,
                    random,
                    admission,
                    pickerSettings,
                    jwks,
                    limiter,
                    Tracing.off());
        }

        /**
         * A factory whose requests are traced by {@code tracing}.
         *
         * @param limiter counts RateLimitPolicies' limits (closed with the factory)
         * @param tracing makes the requests' spans (closed by its owner, after the factory)
         */
        public Factory(
                Serving serving,
                ProxySettings settings,
                RouterMetrics metrics,
                AccessLog accessLog,
                RandomGenerator random,
                Optional<Admission> admission,
                PickerSettings pickerSettings,
                JwksSource.Settings jwks,
                RateLimiter limiter,
                Tracing tracing) {
            this.limiter = limiter;
            this.tracing = tracing;
            this.jwksFetcher = new HttpFetcher(jwks.fetchTimeout());
            this.authentication = new Authentication(jwksFetcher, jwks, System::nanoTime, Instant::now);
            this.serving = serving;
            OutlierDetection outliers = new OutlierDetection(settings.outliers());
            metrics.outliers(outliers, OutlierDetection::ejectionsTotal, OutlierDetection::ejectedNow);
            Scheduler scheduler = new Scheduler(settings.maxConcurrentPerEndpoint(), admission, outliers::ejected);
            this.upstream = new Upstream(settings);
            this.exchange = new Exchange(upstream, settings, metrics, outliers);
            this.prefillDecode = new PrefillDecode(upstream, settings, scheduler, exchange);
            this.poolModels = new PoolModels(upstream);
            this.pickers = new ExternalPickers(pickerSettings, metrics);
            this.bodies = new RequestBodies(settings.maxBodyBytes());
            this.endpoints = new EndpointChoice(
                    scheduler, new PickerRouting(pickers, settings.maxBodyBytes(), outliers::ejected));
            this.metrics = metrics;
            this.accessLog = accessLog;
            this.random = random;
        }

        /** A snapshot is served: connect to the endpoint pickers it names ({@link ExternalPickers#prepare}). */
        public void prepare(io.infergate.common.snapshot.Snapshot snapshot) {
            pickers.prepare(snapshot.backends());
        }

        /** The handler for one socket. */
        public Handler handler(SocketKey socket) {
            return new GatewayHandler(
                    socket,
                    serving,
                    exchange,
                    metrics,
                    accessLog,
                    random,
                    poolModels,
                    bodies,
                    endpoints,
                    authentication,
                    limiter,
                    tracing,
                    prefillDecode);
        }

        @Override
        public void close() {
            upstream.close();
            pickers.close();
            jwksFetcher.close();
            limiter.close();
            accessLog.close(); // writes the lines still queued
        }
    }
}
