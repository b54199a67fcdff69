package io.infergate.controller.kube;

import com.google.gson.JsonObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.cache.Cache;
import io.kubernetes.client.informer.impl.DefaultSharedIndexInformer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesListObject;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.options.ListOptions;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * One informer (list+watch with a local cache) over one resource at one version, holding
 * objects as JSON. {@code metadata.managedFields} is dropped on arrival: nothing reads it and it
 * is often the largest part of an object.
 */
final class ResourceInformer {

    private static final Logger LOG = Logger.getLogger(ResourceInformer.class.getName());

    private final Resource resource;
    private final String version;
    private final DefaultSharedIndexInformer<DynamicKubernetesObject, DynamicKubernetesListObject> informer;
    private final Cache<DynamicKubernetesObject> cache = new Cache<>();
    private String lastWarning;
    private long lastWarningAt;

    /**
     * @param namespace     only this namespace; empty for all
     * @param fieldSelector e.g. {@code metadata.name=x}; empty for none
     * @param onEvent       called for every add, update and delete (on the informer's thread)
     */
    ResourceInformer(
            ApiClient watchClient,
            Resource resource,
            String version,
            Optional<String> namespace,
            Optional<String> fieldSelector,
            Runnable onEvent) {
        this.resource = resource;
        this.version = version;
        DynamicKubernetesApi api = new DynamicKubernetesApi(resource.group(), version, resource.plural(), watchClient);
        ListerWatcher<DynamicKubernetesObject, DynamicKubernetesListObject> lw = new ListerWatcher<>() {
            @Override
            public DynamicKubernetesListObject list(CallGeneratorParams params) throws ApiException {
                ListOptions o = options(params, fieldSelector);
                return (namespace.isPresent() ? api.list(namespace.get(), o) : api.list(o))
                        .throwsApiException()
                        .getObject();
            }

            @Override
            public Watchable<DynamicKubernetesObject> watch(CallGeneratorParams params) throws ApiException {
                ListOptions o = options(params, fieldSelector);
                return namespace.isPresent() ? api.watch(namespace.get(), o) : api.watch(o);
            }
        };
        informer = new DefaultSharedIndexInformer<>(
                DynamicKubernetesObject.class,
                lw,
                0L,
                cache,
                (type, error) -> warn("watching " + describe() + ": " + brief(error)));
        informer.setTransform(ResourceInformer::dropManagedFields);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(DynamicKubernetesObject obj) {
                onEvent.run();
            }

            @Override
            public void onUpdate(DynamicKubernetesObject oldObj, DynamicKubernetesObject newObj) {
                onEvent.run();
            }

            @Override
            public void onDelete(DynamicKubernetesObject obj, boolean deletedFinalStateUnknown) {
                onEvent.run();
            }
        });
    }

    /** Logs a problem, the same one at most once a minute (the client retries every second or so). */
    private synchronized void warn(String message) {
        long now = System.nanoTime();
        if (!message.equals(lastWarning) || now - lastWarningAt > java.util.concurrent.TimeUnit.MINUTES.toNanos(1)) {
            lastWarning = message;
            lastWarningAt = now;
            LOG.warning(message);
        }
    }

    Resource resource() {
        return resource;
    }

    String version() {
        return version;
    }

    String describe() {
        return resource.kind() + " (" + resource.apiVersion(version) + ")";
    }

    void start() {
        informer.run();
    }

    void stop() {
        informer.stop();
    }

    boolean hasSynced() {
        return informer.hasSynced();
    }

    /** Every cached object, as the API sent it (kind and apiVersion may be missing on listed items). */
    List<DynamicKubernetesObject> list() {
        return cache.list();
    }

    /** One cached object as a tree, with kind and apiVersion set. */
    Optional<Map<String, Object>> get(String namespace, String name) {
        String key = namespace.isEmpty() ? name : namespace + "/" + name;
        DynamicKubernetesObject o = cache.getByKey(key);
        return Optional.ofNullable(o).map(this::tree);
    }

    /** The object as a tree with kind and apiVersion filled in (list items lack them). */
    Map<String, Object> tree(DynamicKubernetesObject o) {
        Map<String, Object> tree = Trees.of(o.getRaw());
        tree.put("apiVersion", resource.apiVersion(version));
        tree.put("kind", resource.kind());
        return tree;
    }

    /** One line: the HTTP status and the API's message rather than the whole Status object. */
    static String brief(Throwable error) {
        if (error instanceof ApiException e) {
            String text = (e.getResponseBody() == null ? "" : e.getResponseBody()) + "\n"
                    + (e.getMessage() == null ? "" : e.getMessage());
            java.util.regex.Matcher json = java.util.regex.Pattern.compile("\"message\"\\s*:\\s*\"([^\"]*)\"")
                    .matcher(text);
            java.util.regex.Matcher status =
                    java.util.regex.Pattern.compile("(?m)^\\s*message: (.+)$").matcher(text);
            String message = json.find()
                    ? json.group(1)
                    : status.find()
                            ? status.group(1)
                            : text.strip().lines().findFirst().orElse("");
            return "HTTP " + e.getCode() + ": " + message;
        }
        return String.valueOf(error);
    }

    private static ListOptions options(CallGeneratorParams params, Optional<String> fieldSelector) {
        ListOptions o = new ListOptions();
        o.setResourceVersion(params.resourceVersion);
        o.setTimeoutSeconds(params.timeoutSeconds);
        fieldSelector.ifPresent(o::setFieldSelector);
        return o;
    }

    private static KubernetesObject dropManagedFields(KubernetesObject o) {
        if (o instanceof DynamicKubernetesObject d && d.getRaw().get("metadata") instanceof JsonObject meta) {
            meta.remove("managedFields");
        }
        return o;
    }
}
