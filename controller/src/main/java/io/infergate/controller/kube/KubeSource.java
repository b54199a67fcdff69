package io.infergate.controller.kube;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.infergate.controller.lifecycle.BackgroundThreads;
import io.infergate.controller.model.ClusterState;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Cluster mode's source: informers on every kind the translator reads ({@link Informers}, kept in
 * step with CRD discovery, which runs at start and every {@code discoveryPeriod}), each event
 * leading to one debounced whole rebuild of {@link Inputs} ({@link InformerInputs}, decoding
 * through the same decoder as manifests, cached per resourceVersion by {@link DecodeCache}).
 *
 * <p>No rebuild happens until discovery has settled every kind and every running informer has
 * listed once, so the translator never sees a half-read cluster (which would push a snapshot
 * without routes, or write wrong status), e.g. when discovery fails at start. Events arriving
 * within {@code debounce} of each other make one rebuild (at most {@value #MAX_DEBOUNCE_ROUNDS}
 * quiet periods are waited for, so a steady stream of events still rebuilds).
 */
public final class KubeSource implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KubeSource.class.getName());
    private static final int MAX_DEBOUNCE_ROUNDS = 10;

    private final ApiClient watchClient;
    private final Settings settings;
    private final Consumer<Inputs> sink;
    private final Signal changed = new Signal();
    private final Informers informers;
    private final DecodeCache decoder = new DecodeCache();
    private volatile ResourceInformer secret;
    private volatile boolean running;
    private Thread rebuilder;
    private Thread discoverer;

    /**
     * What the source is told.
     *
     * @param namespace          the controller's namespace (routers, their Service, the token Secret)
     * @param gatewayApi         watch the Gateway API kinds
     * @param inferenceExtension watch the Inference Extension kinds
     * @param routerService      the router Service's name, whose addresses Gateways report
     * @param routerSelector     labels every router Pod carries
     * @param tokenSecret        the Secret holding the snapshot API token under key {@code token}
     * @param debounce           how long the informers must be quiet before a rebuild
     * @param discoveryPeriod    how often missing CRDs are looked for again
     */
    public record Settings(
            String namespace,
            boolean gatewayApi,
            boolean inferenceExtension,
            String routerService,
            Map<String, String> routerSelector,
            String tokenSecret,
            Duration debounce,
            Duration discoveryPeriod) {
        public Settings {
            routerSelector = Map.copyOf(routerSelector);
        }
    }

    /**
     * One rebuild's inputs.
     *
     * @param state            every object the translator reads
     * @param gatewayAddresses the router Service's addresses
     * @param routers          router pods to push to
     * @param token            the snapshot API token from the Secret's {@code data.token}
     * @param tokenKnown       whether the Secret has been listed, so that absence is real
     * @param secretExists     whether the Secret exists (with or without a usable token)
     * @param gatewayServices  per Gateway ({@code ns/name}), the addresses of the Service the
     *                         controller maintains for it ({@link GatewayServices}), once it has any
     */
    public record Inputs(
            ClusterState state,
            List<String> gatewayAddresses,
            List<RouterDiscovery.RouterPod> routers,
            Optional<String> token,
            boolean tokenKnown,
            boolean secretExists,
            Map<String, List<String>> gatewayServices) {
        public Inputs {
            gatewayAddresses = List.copyOf(gatewayAddresses);
            routers = List.copyOf(routers);
            gatewayServices = Map.copyOf(gatewayServices);
        }
    }

    /** How one kind is being read. */
    public enum State {
        WATCHING,
        MISSING,
        DISABLED
    }

    /**
     * Whether one watched kind is served by the API server, for status and the admin API.
     *
     * @param apiVersion the version watched (or looked for)
     * @param message    what to do about a missing kind
     */
    public record SourceState(String kind, String apiVersion, State state, String message) {}

    static {
        ClientLogs.quietShutdown();
    }

    public KubeSource(KubeClients clients, Settings settings, Consumer<Inputs> sink) {
        this.watchClient = clients.watches();
        this.settings = settings;
        this.sink = sink;
        this.informers = new Informers(clients, settings, changed::raise);
    }

    /** Discovers what is served and starts the informers; the first rebuild follows once they have listed. */
    public void start() {
        synchronized (this) {
            if (running) {
                return;
            }
            running = true;
        }
        informers.discover();
        secret = new ResourceInformer(
                watchClient,
                Resource.SECRET,
                "v1",
                Optional.of(settings.namespace()),
                Optional.of("metadata.name=" + settings.tokenSecret()),
                changed::raise);
        secret.start();
        rebuilder = Thread.ofVirtual().name("kube-rebuild").start(this::rebuildLoop);
        discoverer = Thread.ofVirtual().name("kube-discovery").start(this::discoveryLoop);
        changed.raise();
    }

    /** How each kind is being read, in a fixed order. */
    public List<SourceState> sources() {
        return informers.sources();
    }

    /**
     * Whether a rebuild would see the whole cluster: discovery has settled every kind (watched,
     * missing or disabled) and every running informer has listed once. (The token Secret is not
     * waited for: a Secret that cannot be read must not stop routing from being updated.)
     */
    public boolean synced() {
        return informers.synced();
    }

    /** The cached object of a kind, as a tree; empty when not cached or the kind is not watched. */
    public Optional<Map<String, Object>> lookup(String kind, String namespace, String name) {
        return informers.of(kind).flatMap(i -> i.get(namespace, name));
    }

    @Override
    public void close() {
        synchronized (this) {
            running = false;
        }
        BackgroundThreads.stop(rebuilder, discoverer);
        informers.stop();
        if (secret != null) {
            secret.stop();
        }
    }

    // ---- discovery ------------------------------------------------------------------------------

    private void discoveryLoop() {
        while (running) {
            try {
                Thread.sleep(settings.discoveryPeriod());
                if (informers.discover()) {
                    changed.raise();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "discovery failed", e);
            }
        }
    }

    // ---- rebuilds -------------------------------------------------------------------------------

    private void rebuildLoop() {
        while (running) {
            try {
                changed.await();
                for (int i = 0; i < MAX_DEBOUNCE_ROUNDS && changed.await(settings.debounce()); i++) {
                    // quiet period: drained
                }
                if (!synced()) {
                    // Not every informer has listed yet: look again shortly.
                    Thread.sleep(settings.debounce());
                    changed.raise();
                    continue;
                }
                sink.accept(build());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "rebuilding from the API failed", e);
            }
        }
    }

    /** Everything the informers hold now, as the pure step's input. */
    private Inputs build() {
        List<Listed> listed = new ArrayList<>();
        for (ResourceInformer informer : informers.running()) {
            String kind = informer.resource().kind();
            for (DynamicKubernetesObject o : informer.list()) {
                JsonObject meta = o.getRaw().getAsJsonObject("metadata");
                listed.add(new Listed(
                        kind,
                        text(meta, "namespace"),
                        text(meta, "name"),
                        text(meta, "resourceVersion"),
                        () -> informer.tree(o)));
            }
        }
        return InformerInputs.inputs(
                listed,
                secret.get(settings.namespace(), settings.tokenSecret()),
                secret.hasSynced(),
                settings,
                decoder);
    }

    private static String text(JsonObject o, String field) {
        JsonElement e = o == null ? null : o.get(field);
        return e == null || e.isJsonNull() ? "" : e.getAsString();
    }
}
