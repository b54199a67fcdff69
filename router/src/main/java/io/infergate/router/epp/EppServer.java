package io.infergate.router.epp;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.okhttp.OkHttpServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.helidon.metrics.api.MeterRegistry;
import io.infergate.router.extproc.GrpcHealth;
import io.infergate.router.observe.InferenceMetrics;
import io.infergate.router.schedule.Scheduler;
import io.infergate.router.snapshot.CompiledSnapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * The picker's two sockets (docs/adr/0025): the ext_proc port (TLS by default) with the ext_proc
 * and gRPC health services, and a plaintext health port with the health service alone, as the
 * reference picker has them (9002, 9003). Health answers for {@code liveness} (the process runs),
 * {@code readiness} and the ext_proc service name (a snapshot is served); other names are unknown.
 */
public final class EppServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EppServer.class.getName());
    static final Set<String> READY_SERVICES = Set.of("", "readiness", GrpcHealth.EXT_PROC_SERVICE);

    private final Server extProc;
    private final Server health;
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "picker-body-timeouts");
        t.setDaemon(true);
        return t;
    });
    private final EppMetrics metrics;
    private final EppService service;

    /**
     * Opens both ports.
     *
     * @param snapshots the served snapshot (pools, endpoints, objectives, rewrites)
     * @param scheduler the router's scheduler (shared admission queue and endpoint bounds)
     * @param inference the router's per-model meters
     */
    public EppServer(
            EppSettings settings,
            Supplier<Optional<CompiledSnapshot>> snapshots,
            Scheduler scheduler,
            InferenceMetrics inference,
            MeterRegistry registry,
            RandomGenerator random) {
        metrics = new EppMetrics(registry);
        service = new EppService(
                new PoolPicker(snapshots, scheduler, settings.pool(), inference, metrics, random),
                settings,
                metrics,
                timers);
        BooleanSupplier ready = () -> snapshots.get().isPresent();
        try {
            extProc = OkHttpServerBuilder.forPort(
                            new InetSocketAddress(settings.host(), settings.port()), PickerCredentials.of(settings))
                    .executor(calls)
                    .maxInboundMessageSize(settings.maxMessageBytes())
                    .maxInboundMetadataSize(64 * 1024)
                    // no per-connection stream limit: HTTP/2 would make the gateway queue streams
                    // behind it; the picker's own bound (EppService) refuses them at once instead
                    .addService(service)
                    .addService(healthService(ready))
                    .build()
                    .start();
            health = OkHttpServerBuilder.forPort(
                            new InetSocketAddress(settings.host(), settings.healthPort()),
                            InsecureServerCredentials.create())
                    .executor(calls)
                    .maxInboundMessageSize(64 * 1024)
                    .addService(healthService(ready))
                    .build()
                    .start();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(
                    "picker ports " + settings.host() + ":" + settings.port() + "/" + settings.healthPort()
                            + " could not be opened",
                    e);
        }
        LOG.info(() -> "picker: ext_proc on " + settings.host() + ":" + port() + " (" + settings.tls()
                + "), gRPC health on " + healthPort());
    }

    /** The bound ext_proc port. */
    public int port() {
        return extProc.getPort();
    }

    /** The bound health port. */
    public int healthPort() {
        return health.getPort();
    }

    /** ext_proc streams open now (tests). */
    public int openStreams() {
        return service.open();
    }

    private static ServerServiceDefinition healthService(BooleanSupplier ready) {
        return ServerServiceDefinition.builder("grpc.health.v1.Health")
                .addMethod(
                        GrpcHealth.CHECK, ServerCalls.asyncUnaryCall((String name, StreamObserver<Integer> answer) -> {
                            int status;
                            if (name.equals("liveness")) {
                                status = GrpcHealth.SERVING;
                            } else if (READY_SERVICES.contains(name)) {
                                status = ready.getAsBoolean() ? GrpcHealth.SERVING : GrpcHealth.NOT_SERVING;
                            } else {
                                status = GrpcHealth.SERVICE_UNKNOWN;
                            }
                            answer.onNext(status);
                            answer.onCompleted();
                        }))
                .build();
    }

    @Override
    public void close() {
        for (Server s : new Server[] {extProc, health}) {
            if (s != null) {
                s.shutdown();
            }
        }
        try {
            for (Server s : new Server[] {extProc, health}) {
                if (s != null && !s.awaitTermination(2, TimeUnit.SECONDS)) {
                    s.shutdownNow();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timers.shutdownNow();
        calls.shutdownNow();
        metrics.close();
    }
}
