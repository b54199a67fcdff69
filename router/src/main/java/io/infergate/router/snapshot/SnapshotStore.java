package io.infergate.router.snapshot;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.Endpoint;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.snapshot.SnapshotDecoder;
import io.infergate.common.snapshot.SnapshotValidator;
import io.infergate.common.snapshot.Violation;
import io.infergate.router.backendtls.UpstreamTlsCache;
import io.infergate.router.listen.PublicSockets;
import io.infergate.router.match.RouteTable;
import io.infergate.router.match.RouteTableCompiler;
import io.infergate.router.match.SocketKey;
import io.infergate.router.observe.RouterMetrics;
import io.infergate.router.provider.ProviderTls;
import io.infergate.router.schedule.BackendTarget;
import io.infergate.router.schedule.PoolProfiles;
import io.infergate.router.schedule.endpoint.EndpointRegistry;
import io.infergate.router.schedule.framework.RouterCount;
import io.infergate.router.tls.SocketCertificates;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies snapshots: decode, validate, compile, open the sockets the new snapshot needs, swap it in,
 * then close the sockets it no longer needs.
 *
 * <p>Rules: a snapshot with any violation (decoding, {@link SnapshotValidator}, or what this router
 * cannot serve) is rejected whole and the current one keeps serving; a snapshot whose content id
 * equals the current one is acknowledged without redoing anything; a socket that fails to bind is
 * not a violation (it depends on the machine, not the content) and the rest still serves. Applies
 * are serialized; requests never wait for them.
 */
public final class SnapshotStore {

    private static final Logger LOG = Logger.getLogger(SnapshotStore.class.getName());

    /** The outcome of one apply. */
    public sealed interface Outcome {
        /**
         * The snapshot is being served.
         *
         * @param changed false when it was already being served (nothing was redone)
         */
        record Applied(String id, int schemaVersion, boolean changed) implements Outcome {}

        /** The snapshot was refused; the previous one (if any) keeps serving. */
        record Rejected(List<Violation> violations) implements Outcome {
            public Rejected {
                violations = List.copyOf(violations);
            }
        }
    }

    private final Serving serving;
    private final PublicSockets sockets;
    /** Client TLS of the backends BackendTLSPolicies apply to, kept across snapshots while unchanged. */
    private final UpstreamTlsCache backendTls = new UpstreamTlsCache();

    private final EndpointRegistry endpoints;
    private final RouterMetrics metrics;
    private final String bindAddress;
    private final PoolProfiles pools;
    private final RouterCount routers;
    private final Consumer<Snapshot> applied;
    private final ReentrantLock applyLock = new ReentrantLock();

    /**
     * @param serving     the reference requests read
     * @param sockets     the public sockets to open and close
     * @param endpoints   live endpoint state, kept across snapshots
     * @param pools       how InferencePool backends are compiled (profiles, metrics, the scraper)
     * @param metrics     apply and rejection counters
     * @param bindAddress where listeners of Gateways without addresses are served
     * @param routers     set to each applied snapshot's router count, for the plugins that read it
     * @param applied     told of each snapshot once it is served (e.g. to connect to the endpoint
     *                    pickers it names before the first request needs them); must not block
     */
    public SnapshotStore(
            Serving serving,
            PublicSockets sockets,
            EndpointRegistry endpoints,
            PoolProfiles pools,
            RouterMetrics metrics,
            String bindAddress,
            RouterCount routers,
            Consumer<Snapshot> applied) {
        this.routers = routers;
        this.applied = applied;
        this.serving = serving;
        this.sockets = sockets;
        this.endpoints = endpoints;
        this.metrics = metrics;
        this.bindAddress = bindAddress;
        this.pools = pools;
    }

    /** Applies the wire form of a snapshot. */
    public Outcome apply(String json) {
        applyLock.lock();
        try {
            return switch (SnapshotDecoder.decode(json)) {
                case SnapshotDecoder.Result.Invalid invalid -> reject(invalid.violations());
                case SnapshotDecoder.Result.Ok ok -> apply(ok.snapshot(), ok.id());
            };
        } finally {
            applyLock.unlock();
        }
    }

    private Outcome apply(Snapshot snapshot, String id) {
        var current = serving.current();
        if (current.isPresent() && current.get().id().equals(id)) {
            return new Outcome.Applied(id, snapshot.schemaVersion(), false);
        }
        List<Violation> violations = SnapshotValidator.validate(snapshot);
        if (!violations.isEmpty()) {
            return reject(violations);
        }
        return switch (RouteTableCompiler.compile(snapshot, bindAddress)) {
            case RouteTableCompiler.Result.Rejected r -> reject(r.violations());
            case RouteTableCompiler.Result.Compiled c -> swapIn(snapshot, id, c.table());
        };
    }

    private Outcome swapIn(Snapshot snapshot, String id, RouteTable routes) {
        Map<SocketKey, SocketCertificates> certificates;
        try {
            certificates = SocketCertificates.of(snapshot, routes);
        } catch (IllegalArgumentException e) { // the validator parsed the same material: not expected
            return reject(List.of(new Violation("/certificates", e.getMessage())));
        }
        CompiledSnapshot compiled = new CompiledSnapshot(
                id,
                snapshot,
                routes,
                BackendTarget.compileAll(
                        snapshot.backends(), endpoints, pools, backendTls.compile(ProviderTls.entries(snapshot))));
        Set<SocketKey> needed = routes.socketKeys();
        // certificates first: a rotated Secret reaches open TLS sockets before the new routes do
        Set<SocketKey> failed = sockets.openAll(needed, certificates);
        routers.set(snapshot.routers());
        serving.set(compiled);
        sockets.closeAllExcept(needed);
        endpoints.retainOnly(endpointKeys(snapshot));
        applied.accept(snapshot);
        metrics.snapshotApplied(id, snapshot.schemaVersion());
        LOG.info(() -> "snapshot applied: " + id + " (" + snapshot.gateways().size() + " gateways, "
                + snapshot.routes().size() + " routes, " + snapshot.backends().size() + " backends, "
                + snapshot.routers() + " router(s), sockets "
                + sockets.openSockets() + (failed.isEmpty() ? "" : ", FAILED sockets " + failed) + ")");
        return new Outcome.Applied(id, snapshot.schemaVersion(), true);
    }

    private Outcome reject(List<Violation> violations) {
        metrics.snapshotRejected();
        LOG.log(
                Level.WARNING,
                () -> "snapshot rejected with " + violations.size() + " violations, first: " + violations.getFirst()
                        + "; still serving "
                        + serving.current().map(CompiledSnapshot::id).orElse("nothing"));
        return new Outcome.Rejected(violations);
    }

    private static Set<String> endpointKeys(Snapshot snapshot) {
        Set<String> keys = new HashSet<>();
        for (Backend b : snapshot.backends()) {
            for (Endpoint e : b.endpoints()) {
                keys.add(e.hostPort());
            }
        }
        return keys;
    }
}
