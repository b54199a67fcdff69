package io.infergate.simulator;

import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.infergate.simulator.echo.EchoHandler;
import io.infergate.simulator.engine.BatchScheduler;
import io.infergate.simulator.engine.Engine;
import io.infergate.simulator.engine.ModelCatalog;
import io.infergate.simulator.engine.TextGenerator;
import io.infergate.simulator.engine.Ticker;
import io.infergate.simulator.engine.Timing;
import io.infergate.simulator.http.ApiKeyCheck;
import io.infergate.simulator.http.BoundedBody;
import io.infergate.simulator.http.JsonBodies;
import io.infergate.simulator.http.PodHeaders;
import io.infergate.simulator.metrics.EngineMetrics;
import io.infergate.simulator.metrics.MetricsHandler;
import io.infergate.simulator.openai.ApiError;
import io.infergate.simulator.openai.OpenAiRoutes;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One simulated model-server pod: an HTTP server speaking the OpenAI API with vLLM's metrics.
 *
 * <p>Routes: {@code POST /v1/completions}, {@code POST /v1/chat/completions}, {@code GET /v1/models},
 * {@code GET /metrics}, {@code GET /health}, {@code GET /ready} (another method on these paths: 405);
 * every other request gets the Gateway API echo answer. All carry {@code x-inference-pod} and
 * {@code x-inference-port}.
 */
public final class SimulatedPod implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SimulatedPod.class.getName());
    private static final byte[] STATUS_OK = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);

    private final SimulatorConfig config;
    private final WebServer server;
    private final EngineMetrics metrics;
    private final EchoHandler echo;

    private SimulatedPod(SimulatorConfig config, WebServer server, EngineMetrics metrics, EchoHandler echo) {
        this.config = config;
        this.server = server;
        this.metrics = metrics;
        this.echo = echo;
    }

    /**
     * Starts a pod and returns once it accepts connections.
     *
     * @throws IllegalStateException if the address cannot be bound
     */
    public static SimulatedPod start(SimulatorConfig config) {
        ModelCatalog catalog = new ModelCatalog(config.models(), config.loraAdapters());
        BatchScheduler scheduler = new BatchScheduler(
                config.maxRunning(),
                config.maxWaiting(),
                config.maxLoras(),
                config.blockSize(),
                config.kvCacheBlocks(),
                config.prefixCaching(),
                Ticker.SYSTEM);
        EngineMetrics metrics = new EngineMetrics();
        Timing timing = new Timing(
                config.timeToFirstToken(),
                config.interTokenLatency(),
                config.prefillTimePerToken(),
                config.interTokenLatencyPerSequence(),
                config.loraLoadTime(),
                config.parallelPrefill(),
                config.timeFactorUnderLoad(),
                config.kvTransferLatency(),
                config.kvTransferTimePerToken(),
                config.prefillStallsDecode());
        Engine engine = new Engine(scheduler, new TextGenerator(config.seed()), timing, metrics, Ticker.SYSTEM);

        HttpRouting.Builder routing = HttpRouting.builder().addFilter(new PodHeaders(config.podName()));
        config.apiKey().ifPresent(key -> routing.addFilter(new ApiKeyCheck(key)));
        OpenAiRoutes.register(routing, catalog, engine, config.defaultMaxTokens());
        getOnly(
                routing,
                "/metrics",
                new MetricsHandler(catalog.primary(), scheduler, metrics, config.blockSize(), config.maxLoras()));
        getOnly(routing, "/health", SimulatedPod::statusOk);
        getOnly(routing, "/ready", SimulatedPod::statusOk);
        EchoHandler echo = new EchoHandler(config.namespace(), config.podName());
        routing.any(echo);
        // Nothing a client sends may take the process down: anything unforeseen becomes a logged 500.
        routing.error(RuntimeException.class, (req, res, e) -> {
            LOG.log(
                    Level.WARNING,
                    "unexpected failure on " + req.prologue().uriPath().rawPath(),
                    e);
            new ApiError(500, "Internal error: " + e, "server_error", null, null).send(res);
        });

        WebServerConfig.Builder builder = WebServer.builder();
        config.tls().ifPresent(tls -> builder.tls(serverTls(tls)));
        WebServer server = builder.host(config.host())
                .port(config.port())
                // Without TCP_NODELAY the first SSE chunk waits ~40 ms for the delayed ACK (docs/simulator.md,
                // streaming).
                .connectionOptions(options -> options.tcpNoDelay(true))
                .maxPayloadSize(BoundedBody.MAX_BYTES)
                // The owner closes the pod; Main installs one hook for all pods.
                .shutdownHook(false)
                .routing(routing)
                .build();
        try {
            server.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "pod " + config.podName() + " cannot listen on " + config.host() + ":" + config.port() + ": "
                            + e.getMessage(),
                    e);
        }
        return new SimulatedPod(config, server, metrics, echo);
    }

    public String host() {
        return config.host();
    }

    /** The bound port (the chosen one when the configuration asked for port 0). */
    public int port() {
        return server.port();
    }

    public String podName() {
        return config.podName();
    }

    /** {@code http://host:port} ({@code https} when the pod serves TLS), with IPv6 hosts in brackets. */
    public String baseUrl() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return (config.tls().isPresent() ? "https://" : "http://") + host + ":" + port();
    }

    /** HTTPS with the configured certificate; HTTP/1.1 only, as vLLM serves it. */
    private static Tls serverTls(ServingTls tls) {
        Keys keys = Keys.builder()
                .pem(pem -> pem.key(Resource.create("TLS key", tls.privateKeyPem()))
                        .certChain(Resource.create("TLS certificate chain", tls.certificateChainPem())))
                .build();
        return Tls.builder().privateKey(keys).privateKeyCertChain(keys).build();
    }

    public SimulatorConfig config() {
        return config;
    }

    /** Completed OpenAI generation requests (all tokens delivered), counted like {@code vllm:request_success_total}. */
    public long requestsServed() {
        return metrics.requestsServed();
    }

    /** The request targets (path and query) the echo handler answered, oldest first, at most the last 4096. */
    public List<String> echoed() {
        return echo.echoed();
    }

    /** How many requests the echo handler answered since the start (tests that send more than the log keeps). */
    public long echoedTotal() {
        return echo.echoedTotal();
    }

    /** Stops listening; in-flight requests get the server's grace period. Idempotent. */
    @Override
    public void close() {
        if (server.isRunning()) {
            server.stop();
        }
    }

    @Override
    public String toString() {
        return "SimulatedPod[" + config.podName() + " " + baseUrl() + "]";
    }

    private static void getOnly(HttpRouting.Builder routing, String path, Handler handler) {
        routing.route(Method.GET, path, handler);
        routing.any(path, OpenAiRoutes.methodNotAllowed(Method.GET));
    }

    private static void statusOk(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, JsonBodies.CONTENT_TYPE);
        res.send(STATUS_OK);
    }
}
