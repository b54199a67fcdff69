package io.infergate.controller.kube;

import io.infergate.controller.lifecycle.BackgroundThreads;
import io.infergate.controller.translate.GatewayService;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Services of Gateways served on reserved router ports (docs/adr/0006-gateway-isolation.md),
 * kept equal to the translator's list by the leader: created when missing, their ports and selector
 * replaced when they differ, deleted when no Gateway needs them any more. Each lives in the
 * controller's namespace (a selector only selects pods of its own namespace), selects the router
 * pods, maps every listener port of its Gateway to the router port that serves it, and carries the
 * Gateway's {@code namespace/name} in annotation {@value #GATEWAY_ANNOTATION} (a Gateway name can be
 * longer than a label value may be). Names are {@code infergate-gw-<10 hex of sha256(ns/name)>}.
 *
 * <p>Level-triggered: every change of the list or of leadership, and every
 * {@code resync}, compares the whole set again; failures are logged and retried on the next pass.
 */
public final class GatewayServices implements AutoCloseable {

    /** Annotation naming the Gateway ({@code namespace/name}) a Service serves. */
    public static final String GATEWAY_ANNOTATION = "infergate.io/gateway";
    /** Label marking the Services this class owns (it never touches others). */
    public static final String MANAGED_LABEL = "infergate.io/gateway-service";

    private static final Logger LOG = Logger.getLogger(GatewayServices.class.getName());

    private final CoreV1Api api;
    private final String namespace;
    private final Map<String, String> routerSelector;
    private final BooleanSupplier leader;
    private final Duration resync;
    private final Signal changed = new Signal();
    private volatile List<GatewayService> desired = List.of();
    private volatile boolean running = true;
    private final Thread loop;

    public GatewayServices(
            ApiClient client,
            String namespace,
            Map<String, String> routerSelector,
            BooleanSupplier leader,
            Duration resync) {
        this.api = new CoreV1Api(client);
        this.namespace = namespace;
        this.routerSelector = Map.copyOf(routerSelector);
        this.leader = leader;
        this.resync = resync;
        this.loop = Thread.ofVirtual().name("gateway-services").start(this::run);
    }

    /** The Services the current translation needs. */
    public void apply(List<GatewayService> services) {
        if (!services.equals(desired)) {
            desired = List.copyOf(services);
            changed.raise();
        }
    }

    /** Compare again now (leadership changed). */
    public void signal() {
        changed.raise();
    }

    /** The Service name for a Gateway. */
    public static String serviceName(String gatewayNamespace, String gatewayName) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((gatewayNamespace + "/" + gatewayName).getBytes(StandardCharsets.UTF_8));
            return "infergate-gw-" + HexFormat.of().formatHex(h).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Gateway ({@code ns/name}) a Service tree serves, when it is one of ours. */
    public static Optional<String> gatewayOf(Map<String, Object> service) {
        Map<String, Object> meta = Trees.map(service, "metadata");
        Map<String, Object> labels = Trees.map(meta, "labels");
        Map<String, Object> annotations = Trees.map(meta, "annotations");
        if (labels == null
                || !"true".equals(labels.get(MANAGED_LABEL))
                || annotations == null
                || !(annotations.get(GATEWAY_ANNOTATION) instanceof String gw)) {
            return Optional.empty();
        }
        return Optional.of(gw);
    }

    private void run() {
        while (running) {
            try {
                changed.await(resync);
                if (running && leader.getAsBoolean()) {
                    reconcile(desired);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "reconciling Gateway Services failed; retrying", e);
            }
        }
    }

    private void reconcile(List<GatewayService> want) {
        Map<String, V1Service> wanted = new LinkedHashMap<>();
        for (GatewayService s : want) {
            V1Service svc = service(s);
            wanted.put(svc.getMetadata().getName(), svc);
        }
        List<V1Service> existing;
        try {
            existing = api.listNamespacedService(namespace)
                    .labelSelector(MANAGED_LABEL + "=true")
                    .execute()
                    .getItems();
        } catch (ApiException e) {
            LOG.warning(() -> "listing Gateway Services in " + namespace + " failed: HTTP " + e.getCode() + " "
                    + e.getResponseBody());
            return;
        }
        for (V1Service have : existing) {
            String name = have.getMetadata().getName();
            V1Service want1 = wanted.remove(name);
            try {
                if (want1 == null) {
                    api.deleteNamespacedService(name, namespace).execute();
                    LOG.info(() ->
                            "deleted Service " + namespace + "/" + name + " (its Gateway needs no reserved ports now)");
                } else if (!same(have, want1)) {
                    have.getSpec().setPorts(want1.getSpec().getPorts());
                    have.getSpec().setSelector(want1.getSpec().getSelector());
                    have.getMetadata().setAnnotations(want1.getMetadata().getAnnotations());
                    api.replaceNamespacedService(name, namespace, have).execute();
                    LOG.info(() -> "updated Service " + namespace + "/" + name + " for Gateway "
                            + want1.getMetadata().getAnnotations().get(GATEWAY_ANNOTATION));
                }
            } catch (ApiException e) {
                if (e.getCode() != 404 && e.getCode() != 409) {
                    LOG.warning(() -> "writing Service " + namespace + "/" + name + " failed: HTTP " + e.getCode() + " "
                            + e.getResponseBody());
                }
            }
        }
        for (V1Service create : wanted.values()) {
            try {
                api.createNamespacedService(namespace, create).execute();
                LOG.info(() -> "created Service " + namespace + "/"
                        + create.getMetadata().getName() + " for Gateway "
                        + create.getMetadata().getAnnotations().get(GATEWAY_ANNOTATION));
            } catch (ApiException e) {
                if (e.getCode() != 409) {
                    LOG.warning(() -> "creating Service " + namespace + "/"
                            + create.getMetadata().getName() + " failed: HTTP " + e.getCode() + " "
                            + e.getResponseBody());
                }
            }
        }
    }

    private V1Service service(GatewayService s) {
        List<V1ServicePort> ports = new ArrayList<>();
        for (GatewayService.Port p : s.ports()) {
            ports.add(new V1ServicePort()
                    .name("port-" + p.port())
                    .protocol("TCP")
                    .port(p.port())
                    .targetPort(new IntOrString(p.routerPort())));
        }
        return new V1Service()
                .metadata(new V1ObjectMeta()
                        .name(serviceName(s.namespace(), s.name()))
                        .namespace(namespace)
                        .labels(Map.of(MANAGED_LABEL, "true", "app.kubernetes.io/managed-by", "infergate-controller"))
                        .annotations(Map.of(GATEWAY_ANNOTATION, s.namespace() + "/" + s.name())))
                .spec(new V1ServiceSpec()
                        .type("ClusterIP")
                        .selector(routerSelector)
                        .ports(ports));
    }

    /** Whether what we own of the Service (ports, selector, annotation) is as wanted. */
    private static boolean same(V1Service have, V1Service want) {
        List<String> a = have.getSpec().getPorts() == null
                ? List.of()
                : have.getSpec().getPorts().stream().map(GatewayServices::key).toList();
        List<String> b =
                want.getSpec().getPorts().stream().map(GatewayServices::key).toList();
        return a.equals(b)
                && Objects.equals(have.getSpec().getSelector(), want.getSpec().getSelector())
                && have.getMetadata().getAnnotations() != null
                && Objects.equals(
                        have.getMetadata().getAnnotations().get(GATEWAY_ANNOTATION),
                        want.getMetadata().getAnnotations().get(GATEWAY_ANNOTATION));
    }

    private static String key(V1ServicePort p) {
        IntOrString t = p.getTargetPort();
        return p.getName() + ":" + p.getPort() + ":"
                + (t == null ? "" : t.isInteger() ? t.getIntValue() : t.getStrValue());
    }

    @Override
    public void close() {
        running = false;
        BackgroundThreads.stop(loop);
    }
}
