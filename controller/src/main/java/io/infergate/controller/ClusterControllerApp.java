package io.infergate.controller;

import io.infergate.controller.admin.AdminServer;
import io.infergate.controller.admin.AdminView;
import io.infergate.controller.admin.ControllerMetrics;
import io.infergate.controller.internalca.InternalCa;
import io.infergate.controller.internalca.RouterTrust;
import io.infergate.controller.kube.GatewayServices;
import io.infergate.controller.kube.InternalTlsSecret;
import io.infergate.controller.kube.KubeClients;
import io.infergate.controller.kube.KubeSource;
import io.infergate.controller.kube.LeaderElection;
import io.infergate.controller.kube.PickerServices;
import io.infergate.controller.kube.Resource;
import io.infergate.controller.kube.RouterDiscovery.RouterPod;
import io.infergate.controller.kube.StatusWriter;
import io.infergate.controller.kube.TokenSecret;
import io.infergate.controller.kube.Trees;
import io.infergate.controller.pickerservice.PickerServicePlan;
import io.infergate.controller.pickerservice.PickerServiceSettings;
import io.infergate.controller.publish.Publisher;
import io.infergate.controller.status.ObjectStatus;
import io.infergate.controller.status.Programmed;
import io.infergate.controller.status.StatusPlan;
import io.infergate.controller.translate.Isolation;
import io.infergate.controller.translate.Translation;
import io.infergate.controller.translate.Translator;
import io.infergate.controller.translate.TranslatorConfig;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * A running controller in cluster mode: informers feed whole rebuilds to the translator; the
 * leader pushes snapshots to every router pod and writes status; followers keep their informers
 * warm and their translation current, so a failover only has to take the Lease.
 *
 * <p>Rules: only routers with a podIP in phase Running are pushed to, and only by the leader,
 * and only once the token Secret holds a token (the leader creates the Secret when it is absent)
 * and, with {@code --router-tls-secret}, only over TLS once the internal CA is known.
 * Only ready routers' acknowledgements make Gateways Programmed. A new leader writes status once
 * every router has answered which snapshot it holds (or {@code ackGrace} after it began pushing to
 * them: {@link StatusGate}), so that Programmed does not flip to Pending on failover. Programmatic entry for in-process tests;
 * {@link Main} is the command-line entry.
 */
public final class ClusterControllerApp implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ClusterControllerApp.class.getName());
    /** How often the internal-TLS Secret is read (renewals are due weeks ahead, takeovers signal). */
    private static final java.time.Duration INTERNAL_TLS_PERIOD = java.time.Duration.ofSeconds(30);

    private final ClusterConfig config;
    private final Clock clock;
    private final TranslatorConfig translatorConfig;
    private final AtomicReference<Optional<String>> token = new AtomicReference<>(Optional.empty());
    private final ControllerMetrics metrics;
    private final Publisher publisher;
    private final Reconciler reconciler;
    private final KubeSource source;
    private final StatusWriter writer;
    private final LeaderElection election;
    private final TokenSecret tokenSecret;
    private final GatewayServices gatewayServices;
    private final Optional<PickerServices> pickerServices;
    private final PickerServiceSettings pickerSettings;
    private final Optional<RouterTrust> routerTrust;
    private final Optional<InternalTlsSecret> internalTls;
    private volatile AdminServer admin;
    private volatile KubeSource.Inputs lastInputs;
    private volatile Set<URI> readyRouters = Set.of();
    private final StatusGate gate;

    private volatile boolean closed;

    private ClusterControllerApp(ClusterConfig config, KubeClients clients, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.gate = new StatusGate(config.tuning().ackGrace());
        this.translatorConfig = new TranslatorConfig(
                config.controllerName(), List.of(), TranslatorConfig.ServiceEndpoints.ENDPOINT_SLICES);
        Relay relay = new Relay();
        // docs/adr/0035-internal-api-tls.md: the routers' certificate names <router-service>.<namespace>.svc
        routerTrust = config.routerTlsSecret()
                .map(n -> new RouterTrust(config.routerService() + "." + config.namespace() + ".svc"));
        publisher = new Publisher(
                List.of(),
                token::get,
                routerTrust.map(t -> t::context),
                config.tuning().publisher(),
                relay);
        metrics = new ControllerMetrics(publisher::routers, publisher::inSync);
        relay.app = this;
        reconciler =
                new Reconciler(translatorConfig, clock, publisher::publish, this::readyAcks, metrics, this::restamped);
        source = new KubeSource(
                clients,
                new KubeSource.Settings(
                        config.namespace(),
                        config.gatewayApi(),
                        config.inferenceExtension(),
                        config.routerService(),
                        config.routerSelector(),
                        config.tokenSecret(),
                        config.tuning().debounce(),
                        config.tuning().discoveryPeriod()),
                this::accept);
        writer = new StatusWriter(
                clients.requests(),
                source::lookup,
                () -> reconciler.view().status(),
                this::mayWrite,
                this::holdBack,
                config.controllerName(),
                clock,
                config.tuning().statusResync(),
                metrics::status);
        election = new LeaderElection(
                clients.requests(),
                new LeaderElection.Settings(
                        config.namespace(),
                        config.leaseName(),
                        config.identity(),
                        config.tuning().lease(),
                        config.tuning().renew(),
                        config.tuning().retry()),
                new LeaderElection.Listener() {
                    @Override
                    public void startedLeading() {
                        gate.leading(true, clock.instant());
                        leadershipChanged();
                    }

                    @Override
                    public void stoppedLeading() {
                        gate.leading(false, clock.instant());
                        leadershipChanged();
                    }
                });
        tokenSecret = new TokenSecret(clients.requests(), config.namespace(), config.tokenSecret());
        internalTls = config.routerTlsSecret()
                .map(name -> new InternalTlsSecret(
                        clients.requests(),
                        config.namespace(),
                        name,
                        routerTrust.orElseThrow(),
                        InternalCa.Policy.defaults(),
                        () -> election.isLeader() && !closed,
                        this::applyRouters,
                        clock,
                        INTERNAL_TLS_PERIOD));
        gatewayServices = new GatewayServices(
                clients.requests(),
                config.namespace(),
                config.routerSelector(),
                () -> election.isLeader() && !closed,
                config.tuning().statusResync());
        pickerSettings = PickerServiceSettings.defaults(Translator.OWN_PICKER_SERVICE, config.namespace());
        pickerServices = config.pickerServices()
                ? Optional.of(new PickerServices(
                        clients.requests(),
                        config.controllerName(),
                        clock,
                        () -> election.isLeader() && !closed,
                        config.tuning().statusResync(),
                        (ns, name) -> source.lookup("InferencePool", ns, name).flatMap(ClusterControllerApp::uid)))
                : Optional.empty();
        metrics.cluster(
                () -> election.isLeader() ? 1 : 0,
                Resource.INPUTS.stream().map(Resource::kind).toList(),
                kind -> source.sources().stream()
                                .anyMatch(s -> s.kind().equals(kind) && s.state() == KubeSource.State.WATCHING)
                        ? 1
                        : 0);
    }

    /**
     * Connects (kubeconfig or in-cluster), starts the informers, the election and the admin socket.
     *
     * @throws IOException           when the Kubernetes configuration cannot be read
     * @throws IllegalStateException when the admin socket cannot be bound
     */
    public static ClusterControllerApp start(ClusterConfig config) throws IOException {
        return start(config, Clock.systemUTC());
    }

    /** As {@link #start(ClusterConfig)}, with the clock that stamps condition transition times. */
    public static ClusterControllerApp start(ClusterConfig config, Clock clock) throws IOException {
        KubeClients clients = KubeClients.create(config.kubeconfig());
        ClusterControllerApp app = new ClusterControllerApp(config, clients, clock);
        try {
            app.publisher.start();
            app.internalTls.ifPresent(InternalTlsSecret::start);
            app.writer.start();
            app.source.start();
            app.election.start();
            app.admin = AdminServer.start(config.adminBind(), config.adminPort(), app::view);
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        LOG.info(() -> "controller " + config.identity() + " (" + config.controllerName() + ") on " + clients.server()
                + ", namespace " + config.namespace() + ", admin on " + config.adminBind() + ":" + app.admin.port());
        return app;
    }

    /** The admin socket's bound port. */
    public int adminPort() {
        return admin.port();
    }

    /** The current view, with the sources and leadership. */
    public AdminView view() {
        List<AdminView.Source> sources = source.sources().stream()
                .map(s -> new AdminView.Source(
                        s.kind(), s.apiVersion(), s.state().name().toLowerCase(Locale.ROOT), s.message()))
                .toList();
        return reconciler.view().withCluster(sources, election.isLeader());
    }

    /** Whether this controller holds the Lease. */
    public boolean isLeader() {
        return election.isLeader();
    }

    /** Whole rebuilds (translations) so far. */
    public long rebuilds() {
        return reconciler.rebuilds();
    }

    /** Status writes that reached the API server so far. */
    public long statusWrites() {
        return writer.writes();
    }

    /** Asks the status writer to compare every status now (it also does on every change and periodically). */
    public void resyncStatus() {
        writer.signal();
    }

    /** Complete passes of the status writer over the plan (each compares every status). */
    public long statusPasses() {
        return writer.passes();
    }

    /** 409 conflicts met (and retried) while writing status. */
    public long statusConflicts() {
        return writer.conflicts();
    }

    /**
     * Stops writing and pushing first, then gives up the Lease (so a standby takes over at once),
     * then stops watching and serving. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (AutoCloseable c : new AutoCloseable[] {
            gatewayServices,
            pickerServices.orElse(null),
            writer,
            publisher,
            election,
            source,
            admin,
            metrics,
            internalTls.orElse(null)
        }) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                LOG.warning(() -> "closing " + e.getMessage());
            }
        }
    }

    // ---- wiring ---------------------------------------------------------------------------------

    private void accept(KubeSource.Inputs inputs) {
        lastInputs = inputs;
        token.set(inputs.token());
        // Every router pod discovered, leader or not, so that standbys build the same snapshot id;
        // a pod joining or leaving arrives here as new inputs, so the new count is pushed at once.
        reconciler.routers(
                (int) inputs.routers().stream().map(this::url).distinct().count());
        Translation t = reconciler.accept(
                inputs.state(),
                translatorConfig
                        .withGatewayAddresses(inputs.gatewayAddresses())
                        .withIsolation(new Isolation.PerGateway(
                                config.gatewayPorts(), config.servicePerGateway(), inputs.gatewayServices())));
        gatewayServices.apply(t.services());
        pickerServices.ifPresent(p -> p.apply(PickerServicePlan.plan(
                inputs.state().inferencePools(),
                inputs.state().services(),
                inputs.routers().stream()
                        .map(r -> new PickerServicePlan.Router(r.name(), r.podIP(), r.ready()))
                        .toList(),
                pickerSettings)));
        internalTls.ifPresent(InternalTlsSecret::signal); // e.g. the Secret was deleted: a look is cheap
        applyRouters();
        ensureToken();
    }

    private void leadershipChanged() {
        gatewayServices.signal();
        pickerServices.ifPresent(PickerServices::signal);
        internalTls.ifPresent(InternalTlsSecret::signal);
        applyRouters();
        ensureToken();
        writer.signal();
    }

    /** Routers to push to (leader with a token only) and the ready ones whose acks count. */
    private synchronized void applyRouters() {
        KubeSource.Inputs in = lastInputs;
        List<RouterPod> pods = in == null ? List.of() : in.routers();
        boolean push = election.isLeader()
                && !closed
                && token.get().isPresent()
                && routerTrust.map(RouterTrust::ready).orElse(true);
        publisher.setRouters(push ? pods.stream().map(this::url).toList() : List.of());
        gate.pushing(push, clock.instant());
        Set<URI> ready = pods.stream().filter(RouterPod::ready).map(this::url).collect(Collectors.toUnmodifiableSet());
        if (!ready.equals(readyRouters)) {
            readyRouters = ready;
            reconciler.acksChanged();
        }
    }

    private void ensureToken() {
        KubeSource.Inputs in = lastInputs;
        if (in != null && election.isLeader() && !closed && in.tokenKnown()) {
            tokenSecret.ensure(in.secretExists(), in.token().isPresent());
        }
    }

    private List<Publisher.RouterAck> readyAcks() {
        Set<URI> ready = readyRouters;
        return publisher.acks().stream().filter(a -> ready.contains(a.url())).toList();
    }

    /**
     * Status may be written by the leader once its Programmed conditions rest on the routers'
     * answers ({@link StatusGate}): every router the publisher holds for this leader answered, and
     * every answer is folded into the stamped plan (an ack still on its way to the reconciler
     * would turn a Programmed True into a transient False after a failover); or after the ack grace.
     */
    private boolean mayWrite() {
        if (!election.isLeader() || closed) {
            return false;
        }
        AdminView view = reconciler.view();
        return gate.mayWrite(view.ready(), publisher.settled(), view.routers().equals(readyAcks()), clock.instant());
    }

    /**
     * A Gateway whose Programmed waits for the routers' acknowledgement (Pending) is not written
     * while a ready router's answer is still unknown ({@link StatusGate#holdPending}).
     */
    private boolean holdBack(StatusPlan.Entry entry) {
        if (!(entry.status() instanceof ObjectStatus.GatewayStatus gateway)
                || gateway.conditions().stream()
                        .noneMatch(c ->
                                c.type().equals(Programmed.TYPE) && c.reason().equals(Programmed.PENDING))) {
            return false;
        }
        Set<URI> unanswered = publisher.unanswered();
        boolean unknown = readyRouters.stream().anyMatch(unanswered::contains);
        return gate.holdPending(unknown, clock.instant());
    }

    private static Optional<String> uid(Map<String, Object> tree) {
        return Optional.ofNullable(Trees.string(Trees.map(tree, "metadata"), "uid"));
    }

    private void restamped() {
        writer.signal();
    }

    private URI url(RouterPod pod) {
        String host = pod.podIP().contains(":") ? "[" + pod.podIP() + "]" : pod.podIP();
        return URI.create(
                (routerTrust.isPresent() ? "https://" : "http://") + host + ":" + config.routerInternalPort());
    }

    /** Passes the publisher's events on. */
    private static final class Relay implements Publisher.Events {
        private volatile ClusterControllerApp app;

        @Override
        public void acksChanged(List<Publisher.RouterAck> acks) {
            ClusterControllerApp a = app;
            if (a != null) {
                a.reconciler.acksChanged();
            }
        }

        @Override
        public void pushed(URI router, String outcome) {
            ClusterControllerApp a = app;
            if (a != null) {
                a.metrics.pushed(outcome);
            }
        }
    }
}
