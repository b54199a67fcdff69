package io.infergate.controller.kube;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.infergate.controller.model.ClusterState;
import io.infergate.controller.model.KubeObject;
import io.infergate.controller.source.Decoded;
import io.infergate.controller.source.ObjectDecoder;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1APIResource;
import io.kubernetes.client.openapi.models.V1APIResourceList;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Cluster mode's source: informers on every kind the translator reads, each event leading to
 * one debounced whole rebuild of {@link Inputs}.
 *
 * <p>Rules:
 * <ul>
 *   <li>Objects are decoded by the same {@link ObjectDecoder} as manifests, from the same kind of
 *       generic tree (the client's JSON); a decoded object is reused while its resourceVersion is
 *       unchanged. An object that does not decode is logged once per version and left out.</li>
 *   <li>CRD kinds are watched only when discovery says the API server serves them; discovery runs
 *       at start and every {@code discoveryPeriod}, so a CRD installed later is picked up (and one
 *       removed is dropped). A missing kind is reported ({@link #sources()}), everything else keeps
 *       working. A family turned off by its flag is not watched at all.</li>
 *   <li>No rebuild happens until discovery has settled every kind and every running informer has
 *       listed once, so the translator never sees a half-read cluster (which would push a snapshot
 *       without routes, or write wrong status), e.g. when discovery fails at start.</li>
 * </ul>
 */
public final class KubeSource implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KubeSource.class.getName());
    private static final int MAX_DEBOUNCE_ROUNDS = 10;
    private static final String STAND_IN_TIME = "1970-01-01T00:00:00Z";

    private final ApiClient watchClient;
    private final CustomObjectsApi discovery;
    private final Settings settings;
    private final Consumer<Inputs> sink;
    private final Signal changed = new Signal();
    private final Map<Resource, ResourceInformer> informers = new LinkedHashMap<>();
    private final Map<Resource, SourceState> states = new LinkedHashMap<>();
    private final Map<String, Cached> decoded = new HashMap<>();
    private final Set<String> reported = new HashSet<>();
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
    public record Settings(String namespace, boolean gatewayApi, boolean inferenceExtension, String routerService,
                           Map<String, String> routerSelector, String tokenSecret, Duration debounce,
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
    public record Inputs(ClusterState state, List<String> gatewayAddresses, List<RouterDiscovery.RouterPod> routers,
                         Optional<String> token, boolean tokenKnown, boolean secretExists,
                         Map<String, List<String>> gatewayServices) {
        public Inputs {
            gatewayAddresses = List.copyOf(gatewayAddresses);
            routers = List.copyOf(routers);
            gatewayServices = Map.copyOf(gatewayServices);
        }
    }

    /** How one kind is being read. */
    public enum State { WATCHING, MISSING, DISABLED }

    /**
     * @param apiVersion the version watched (or looked for)
     * @param message    what to do about a missing kind
     */
    public record SourceState(String kind, String apiVersion, State state, String message) {
    }

    private record Cached(String resourceVersion, KubeObject object) {
    }

    static {
        ClientLogs.quietShutdown();
    }

    public KubeSource(KubeClients clients, Settings settings, Consumer<Inputs> sink) {
        this.watchClient = clients.watches();
        this.discovery = new CustomObjectsApi(clients.requests());
        this.settings = settings;
        this.sink = sink;
    }

    /** Discovers what is served and starts the informers; the first rebuild follows once they have listed. */
    public void start() {
        synchronized (this) {
            if (running) {
                return;
            }
            running = true;
        }
        discover();
        secret = new ResourceInformer(watchClient, Resource.SECRET, "v1", Optional.of(settings.namespace()),
                Optional.of("metadata.name=" + settings.tokenSecret()), changed::raise);
        secret.start();
        rebuilder = Thread.ofVirtual().name("kube-rebuild").start(this::rebuildLoop);
        discoverer = Thread.ofVirtual().name("kube-discovery").start(this::discoveryLoop);
        changed.raise();
    }

    /** How each kind is being read, in a fixed order. */
    public synchronized List<SourceState> sources() {
        return List.copyOf(states.values());
    }

    /**
     * Whether a rebuild would see the whole cluster: discovery has settled every kind (watched,
     * missing or disabled) and every running informer has listed once. (The token Secret is not
     * waited for: a Secret that cannot be read must not stop routing from being updated.)
     */
    public synchronized boolean synced() {
        return states.keySet().containsAll(Resource.INPUTS) && informers.values().stream().allMatch(ResourceInformer::hasSynced);
    }

    /** The cached object of a kind, as a tree; empty when not cached or the kind is not watched. */
    public Optional<Map<String, Object>> lookup(String kind, String namespace, String name) {
        ResourceInformer informer;
        synchronized (this) {
            informer = informers.values().stream().filter(i -> i.resource().kind().equals(kind)).findFirst().orElse(null);
        }
        return informer == null ? Optional.empty() : informer.get(namespace, name);
    }

    @Override
    public void close() {
        List<ResourceInformer> all;
        synchronized (this) {
            running = false;
            all = new ArrayList<>(informers.values());
            informers.clear();
            if (secret != null) {
                all.add(secret);
            }
        }
        for (Thread t : new Thread[]{rebuilder, discoverer}) {
            if (t != null) {
                t.interrupt();
                try {
                    t.join(Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        all.forEach(ResourceInformer::stop);
    }

    // ---- discovery ------------------------------------------------------------------------------

    private void discoveryLoop() {
        while (running) {
            try {
                Thread.sleep(settings.discoveryPeriod());
                if (discover()) {
                    changed.raise();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "discovery failed", e);
            }
        }
    }

    /**
     * Starts and stops informers to match what is served; true when something changed. The API
     * is asked first, outside the lock; then the informers are adjusted under it.
     */
    private boolean discover() {
        Map<String, Optional<Set<String>>> served = new HashMap<>();
        for (Resource r : Resource.INPUTS) {
            if (enabled(r) && r.optional()) {
                r.versions().forEach(v -> served.computeIfAbsent(r.group() + "/" + v, gv -> resources(r.group(), v)));
            }
        }
        return apply(served);
    }

    private synchronized boolean apply(Map<String, Optional<Set<String>>> served) {
        if (!running) {
            return false;
        }
        boolean changedAny = false;
        for (Resource r : Resource.INPUTS) {
            ResourceInformer current = informers.get(r);
            if (!enabled(r)) {
                states.put(r, new SourceState(r.kind(), r.apiVersion(r.versions().getFirst()), State.DISABLED,
                        "turned off by " + flag(r) + "=false"));
                continue;
            }
            Optional<String> version;
            if (!r.optional()) {
                version = Optional.of(r.versions().getFirst());
            } else {
                version = Optional.empty();
                boolean unknown = false;
                for (String v : r.versions()) {
                    Optional<Set<String>> plurals = served.get(r.group() + "/" + v);
                    if (plurals.isEmpty()) {
                        unknown = true; // discovery failed: keep whatever runs now
                        break;
                    }
                    if (plurals.get().contains(r.plural())) {
                        version = Optional.of(v);
                        break;
                    }
                }
                if (unknown) {
                    continue;
                }
            }
            if (version.isPresent()) {
                if (current != null && current.version().equals(version.get())) {
                    continue;
                }
                if (current != null) {
                    current.stop();
                }
                ResourceInformer informer = new ResourceInformer(watchClient, r, version.get(), Optional.empty(),
                        Optional.empty(), changed::raise);
                informers.put(r, informer);
                informer.start();
                states.put(r, new SourceState(r.kind(), r.apiVersion(version.get()), State.WATCHING, "watching"));
                if (r.optional()) {
                    LOG.info(() -> "watching " + informer.describe());
                }
                changedAny = true;
            } else {
                String message = r.kind() + " (" + r.apiVersion(r.versions().getFirst()) + ") is not served by the API server: "
                        + "install the " + crds(r) + " CRDs; checking again every " + settings.discoveryPeriod().toSeconds() + " s";
                if (current != null) {
                    current.stop();
                    informers.remove(r);
                    changedAny = true;
                }
                SourceState before = states.put(r, new SourceState(r.kind(), r.apiVersion(r.versions().getFirst()),
                        State.MISSING, message));
                if (before == null || before.state() != State.MISSING) {
                    LOG.warning(message);
                }
            }
        }
        return changedAny;
    }

    /** The resource names served at a group/version; an empty set when not served, empty when unknown. */
    private Optional<Set<String>> resources(String group, String version) {
        try {
            V1APIResourceList list = discovery.getAPIResources(group, version).execute();
            Set<String> names = new HashSet<>();
            for (V1APIResource r : list.getResources()) {
                names.add(r.getName());
            }
            return Optional.of(names);
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return Optional.of(Set.of());
            }
            LOG.warning(() -> "discovery of " + group + "/" + version + " failed: HTTP " + e.getCode() + " " + e.getMessage());
            return Optional.empty();
        }
    }

    private boolean enabled(Resource r) {
        return switch (r.family()) {
            case CORE -> true;
            case GATEWAY_API -> settings.gatewayApi();
            case INFERENCE_EXTENSION -> settings.inferenceExtension();
        };
    }

    private static String flag(Resource r) {
        return r.family() == Resource.Family.GATEWAY_API ? "--enable-gateway-api" : "--enable-gateway-api-inference-extension";
    }

    private static String crds(Resource r) {
        return r.family() == Resource.Family.GATEWAY_API ? "Gateway API (standard channel)" : "Gateway API Inference Extension";
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

    private Inputs build() {
        List<ResourceInformer> running;
        synchronized (this) {
            running = List.copyOf(informers.values());
        }
        List<KubeObject> objects = new ArrayList<>();
        List<RouterDiscovery.RouterPod> routers = new ArrayList<>();
        List<String> addresses = List.of();
        Map<String, List<String>> gatewayServices = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (ResourceInformer informer : running) {
            String kind = informer.resource().kind();
            for (DynamicKubernetesObject o : informer.list()) {
                JsonObject meta = o.getRaw().getAsJsonObject("metadata");
                String namespace = text(meta, "namespace");
                String name = text(meta, "name");
                String key = kind + " " + namespace + "/" + name;
                seen.add(key);
                String rv = text(meta, "resourceVersion");
                Cached cached = decoded.get(key);
                if (cached == null || !cached.resourceVersion().equals(rv)) {
                    cached = new Cached(rv, decode(informer.tree(o), key, rv));
                    decoded.put(key, cached);
                }
                if (cached.object() != null) {
                    objects.add(cached.object());
                }
                if (namespace.equals(settings.namespace())) {
                    if (kind.equals("Pod")) {
                        RouterDiscovery.routerPod(informer.tree(o), settings.namespace(), settings.routerSelector())
                                .ifPresent(routers::add);
                    } else if (kind.equals("Service") && name.equals(settings.routerService())) {
                        addresses = RouterDiscovery.gatewayAddresses(informer.tree(o));
                    } else if (kind.equals("Service")) {
                        Map<String, Object> tree = informer.tree(o);
                        GatewayServices.gatewayOf(tree).ifPresent(gw -> {
                            List<String> a = RouterDiscovery.gatewayAddresses(tree);
                            if (!a.isEmpty()) {
                                gatewayServices.put(gw, a);
                            }
                        });
                    }
                }
            }
        }
        decoded.keySet().retainAll(seen);
        reported.removeIf(r -> !seen.contains(r.substring(0, r.lastIndexOf('@'))));
        Optional<Map<String, Object>> tokenSecret = secret.get(settings.namespace(), settings.tokenSecret());
        return new Inputs(ClusterState.of(dedupe(objects)), addresses, routers, tokenSecret.flatMap(KubeSource::token),
                secret.hasSynced(), tokenSecret.isPresent(), gatewayServices);
    }

    private KubeObject decode(Map<String, Object> tree, String key, String rv) {
        return switch (ObjectDecoder.decode(tree, STAND_IN_TIME)) {
            case Decoded.Ok ok -> ok.object();
            case Decoded.Unknown u -> null;
            case Decoded.Invalid bad -> {
                if (reported.add(key + "@" + rv)) {
                    LOG.warning(() -> key + " cannot be read, left out: " + bad.reason());
                }
                yield null;
            }
        };
    }

    /** One object per kind, namespace and name (the API guarantees it; a kind watched at two versions would not). */
    private static List<KubeObject> dedupe(List<KubeObject> objects) {
        Map<String, KubeObject> out = new LinkedHashMap<>();
        objects.forEach(o -> out.putIfAbsent(o.key(), o));
        return List.copyOf(out.values());
    }

    /** The Secret's {@code data.token}, base64-decoded and trimmed; empty when absent or blank. */
    private static Optional<String> token(Map<String, Object> secret) {
        Map<String, Object> data = Trees.map(secret, "data");
        if (data == null || !(data.get("token") instanceof String encoded)) {
            return Optional.empty();
        }
        try {
            String value = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).strip();
            return value.isEmpty() ? Optional.empty() : Optional.of(value);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String text(JsonObject o, String field) {
        JsonElement e = o == null ? null : o.get(field);
        return e == null || e.isJsonNull() ? "" : e.getAsString();
    }
}
