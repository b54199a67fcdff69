package io.infergate.controller.kube;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1APIResource;
import io.kubernetes.client.openapi.models.V1APIResourceList;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One informer per input kind the API server serves, kept in step with CRD discovery.
 *
 * <p>Rules: CRD kinds are watched only when discovery says the API server serves them, at the
 * first version it serves; a CRD installed later is picked up by the next {@link #discover} and one
 * removed is dropped. A missing kind is reported ({@link #sources()}) with what to install; a family
 * turned off by its flag is not watched at all. When discovery itself fails, whatever runs keeps
 * running.
 */
final class Informers {

    private static final Logger LOG = Logger.getLogger(Informers.class.getName());

    private final ApiClient watchClient;
    private final CustomObjectsApi discovery;
    private final KubeSource.Settings settings;
    private final Runnable onEvent;
    private final Map<Resource, ResourceInformer> informers = new LinkedHashMap<>();
    private final Map<Resource, KubeSource.SourceState> states = new LinkedHashMap<>();
    private boolean stopped;

    Informers(KubeClients clients, KubeSource.Settings settings, Runnable onEvent) {
        this.watchClient = clients.watches();
        this.discovery = new CustomObjectsApi(clients.requests());
        this.settings = settings;
        this.onEvent = onEvent;
    }

    /** How each kind is being read, in a fixed order. */
    synchronized List<KubeSource.SourceState> sources() {
        return List.copyOf(states.values());
    }

    /** Discovery has settled every kind (watched, missing or disabled) and every running informer has listed once. */
    synchronized boolean synced() {
        return states.keySet().containsAll(Resource.INPUTS)
                && informers.values().stream().allMatch(ResourceInformer::hasSynced);
    }

    synchronized List<ResourceInformer> running() {
        return List.copyOf(informers.values());
    }

    synchronized Optional<ResourceInformer> of(String kind) {
        return informers.values().stream()
                .filter(i -> i.resource().kind().equals(kind))
                .findFirst();
    }

    /** Stops every informer; later discoveries start nothing. */
    void stop() {
        List<ResourceInformer> all;
        synchronized (this) {
            stopped = true;
            all = new ArrayList<>(informers.values());
            informers.clear();
        }
        all.forEach(ResourceInformer::stop);
    }

    /**
     * Starts and stops informers to match what is served; true when something changed. The API is
     * asked first, outside the lock; then the informers are adjusted under it.
     */
    boolean discover() {
        Map<String, Optional<Set<String>>> served = new HashMap<>();
        for (Resource r : Resource.INPUTS) {
            if (enabled(r) && r.optional()) {
                r.versions().forEach(v -> served.computeIfAbsent(r.group() + "/" + v, gv -> resources(r.group(), v)));
            }
        }
        return apply(served);
    }

    private synchronized boolean apply(Map<String, Optional<Set<String>>> served) {
        if (stopped) {
            return false;
        }
        boolean changedAny = false;
        for (Resource r : Resource.INPUTS) {
            ResourceInformer current = informers.get(r);
            if (!enabled(r)) {
                states.put(
                        r,
                        new KubeSource.SourceState(
                                r.kind(),
                                r.apiVersion(r.versions().getFirst()),
                                KubeSource.State.DISABLED,
                                "turned off by " + flag(r) + "=false"));
                continue;
            }
            Optional<Optional<String>> version = servedVersion(r, served);
            if (version.isEmpty()) {
                continue; // discovery failed: keep whatever runs now
            }
            if (version.get().isPresent()) {
                changedAny |= watch(r, current, version.get().get());
            } else {
                changedAny |= missing(r, current);
            }
        }
        return changedAny;
    }

    /** The version to watch, none when not served; empty when discovery could not tell. */
    private static Optional<Optional<String>> servedVersion(Resource r, Map<String, Optional<Set<String>>> served) {
        if (!r.optional()) {
            return Optional.of(Optional.of(r.versions().getFirst()));
        }
        for (String v : r.versions()) {
            Optional<Set<String>> plurals = served.get(r.group() + "/" + v);
            if (plurals.isEmpty()) {
                return Optional.empty();
            }
            if (plurals.get().contains(r.plural())) {
                return Optional.of(Optional.of(v));
            }
        }
        return Optional.of(Optional.empty());
    }

    private boolean watch(Resource r, ResourceInformer current, String version) {
        if (current != null && current.version().equals(version)) {
            return false;
        }
        if (current != null) {
            current.stop();
        }
        // Secrets only of the types we read (TLS, API keys), never the others
        Optional<String> selector = r.selector().isEmpty() ? Optional.empty() : Optional.of(r.selector());
        ResourceInformer informer = new ResourceInformer(watchClient, r, version, Optional.empty(), selector, onEvent);
        informers.put(r, informer);
        informer.start();
        states.put(
                r, new KubeSource.SourceState(r.kind(), r.apiVersion(version), KubeSource.State.WATCHING, "watching"));
        if (r.optional()) {
            LOG.info(() -> "watching " + informer.describe());
        }
        return true;
    }

    private boolean missing(Resource r, ResourceInformer current) {
        String message = r.kind() + " (" + r.apiVersion(r.versions().getFirst()) + ") is not served by the API server: "
                + "install the " + crds(r) + " CRDs; checking again every "
                + settings.discoveryPeriod().toSeconds() + " s";
        boolean changed = false;
        if (current != null) {
            current.stop();
            informers.remove(r);
            changed = true;
        }
        KubeSource.SourceState before = states.put(
                r,
                new KubeSource.SourceState(
                        r.kind(), r.apiVersion(r.versions().getFirst()), KubeSource.State.MISSING, message));
        if (before == null || before.state() != KubeSource.State.MISSING) {
            LOG.warning(message);
        }
        return changed;
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
            LOG.warning(() ->
                    "discovery of " + group + "/" + version + " failed: HTTP " + e.getCode() + " " + e.getMessage());
            return Optional.empty();
        }
    }

    private boolean enabled(Resource r) {
        return switch (r.family()) {
            case CORE -> true;
            case GATEWAY_API -> settings.gatewayApi();
            case INFERENCE_EXTENSION -> settings.inferenceExtension();
            case KTHENA -> true;
        };
    }

    private static String flag(Resource r) {
        return r.family() == Resource.Family.GATEWAY_API
                ? "--enable-gateway-api"
                : "--enable-gateway-api-inference-extension";
    }

    private static String crds(Resource r) {
        if (r.group().equals("infergate.io")) {
            return "infergate.io (kustomize/base/crds)";
        }
        if (r.family() == Resource.Family.KTHENA) {
            return "Kthena (networking.serving.volcano.sh, only to serve Kthena's ModelServer and ModelRoute)";
        }
        return r.family() == Resource.Family.GATEWAY_API
                ? "Gateway API (standard channel)"
                : "Gateway API Inference Extension";
    }
}
