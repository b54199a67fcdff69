package io.infergate.controller.kube;

import io.infergate.controller.lifecycle.BackgroundThreads;
import io.infergate.controller.pickerservice.Changes;
import io.infergate.controller.pickerservice.PickerObjects;
import io.infergate.controller.pickerservice.PickerObjects.Conflict;
import io.infergate.controller.pickerservice.PickerObjects.Port;
import io.infergate.controller.pickerservice.PickerObjects.Slice;
import io.infergate.controller.pickerservice.PickerServicePlan;
import io.infergate.controller.status.Condition;
import io.infergate.controller.status.ObjectKey;
import io.infergate.controller.status.ObjectStatus;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.DiscoveryV1Api;
import io.kubernetes.client.openapi.models.DiscoveryV1EndpointPort;
import io.kubernetes.client.openapi.models.V1Endpoint;
import io.kubernetes.client.openapi.models.V1EndpointConditions;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes the picker Services and EndpointSlices of {@link PickerServicePlan} in the pool
 * namespaces, leader only (docs/adr/0039-picker-services.md): lists what carries
 * {@link PickerObjects#MANAGED_LABEL} cluster-wide, and creates, replaces and deletes only that, so a
 * Service someone else made is never touched (it is reported instead, as a Warning Event
 * {@value PickerServicePlan#NOT_OWNED} on each pool naming it).
 *
 * <p>Cleanup is explicit, not by owner references to the pools: a pool can stop naming the picker
 * without being deleted, several pools share one Service, and the picker can be switched off, so
 * only a comparison with the plan knows when the objects are no longer needed. Each slice names
 * its Service as controlling owner (as the endpointslice controller does), so a deleted Service
 * takes its slices with it on a cluster with a garbage collector.
 *
 * <p>Level-triggered: every new plan, change of leadership and {@code resync} compares the whole
 * set again; a failed write is logged and retried on the next pass.
 */
public final class PickerServices implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PickerServices.class.getName());
    private static final String SELECTOR = PickerObjects.MANAGED_LABEL + "=true";
    private static final String POOL_API = "inference.networking.k8s.io/v1";
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final CoreV1Api core;
    private final DiscoveryV1Api discovery;
    private final BooleanSupplier leader;
    private final Duration resync;
    private final BiFunction<String, String, Optional<String>> poolUid;
    private final KthenaEvents events;
    private final Signal changed = new Signal();
    private volatile PickerServicePlan.Plan desired = new PickerServicePlan.Plan(List.of(), List.of(), List.of());
    private volatile boolean running = true;
    /** A write of the last pass failed (only the loop thread reads and writes it). */
    private boolean failed;

    private final Thread loop;

    /**
     * @param poolUid the uid of a pool ({@code namespace, name}) when known, for its Events
     */
    public PickerServices(
            ApiClient client,
            String controllerName,
            Clock clock,
            BooleanSupplier leader,
            Duration resync,
            BiFunction<String, String, Optional<String>> poolUid) {
        this.core = new CoreV1Api(client);
        this.discovery = new DiscoveryV1Api(client);
        this.leader = leader;
        this.resync = resync;
        this.poolUid = poolUid;
        this.events = new KthenaEvents(client, controllerName, clock);
        this.loop = Thread.ofVirtual().name("picker-services").start(this::run);
    }

    /** What the current inputs need. */
    public void apply(PickerServicePlan.Plan plan) {
        if (!plan.equals(desired)) {
            desired = plan;
            changed.raise();
        }
    }

    /** Compare again now (leadership changed). */
    public void signal() {
        changed.raise();
    }

    private void run() {
        while (running) {
            try {
                // a failed write is tried again soon, not only at the next resync
                changed.await(failed ? RETRY : resync);
                failed = false;
                if (running && leader.getAsBoolean()) {
                    reconcile(desired);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "reconciling picker Services failed; retrying", e);
            }
        }
    }

    private void reconcile(PickerServicePlan.Plan plan) {
        report(plan.conflicts());
        Map<String, V1Service> services = new HashMap<>();
        Map<String, V1EndpointSlice> slices = new HashMap<>();
        try {
            core.listServiceForAllNamespaces()
                    .labelSelector(SELECTOR)
                    .execute()
                    .getItems()
                    .forEach(s -> services.put(key(s.getMetadata()), s));
            discovery
                    .listEndpointSliceForAllNamespaces()
                    .labelSelector(SELECTOR)
                    .execute()
                    .getItems()
                    .forEach(s -> slices.put(key(s.getMetadata()), s));
        } catch (ApiException e) {
            LOG.warning(() -> "listing picker Services failed: HTTP " + e.getCode() + " " + e.getResponseBody());
            failed = true;
            return;
        }
        Changes<PickerObjects.Service> serviceChanges = Changes.between(
                plan.services(),
                services.values().stream().map(PickerServices::service).toList(),
                PickerObjects.Service::key);
        Map<String, String> uids = new HashMap<>();
        services.forEach((k, s) -> uids.put(k, s.getMetadata().getUid()));
        // slices first when deleting (they point at the Service), Services first when creating
        Changes<Slice> sliceChanges = Changes.between(
                plan.slices(),
                slices.values().stream().map(PickerServices::slice).toList(),
                Slice::key);
        for (Slice s : sliceChanges.delete()) {
            write(
                    "deleted",
                    s.key(),
                    () -> discovery
                            .deleteNamespacedEndpointSlice(s.name(), s.namespace())
                            .execute());
        }
        for (PickerObjects.Service s : serviceChanges.delete()) {
            write(
                    "deleted Service",
                    s.key(),
                    () -> core.deleteNamespacedService(s.name(), s.namespace()).execute());
        }
        for (PickerObjects.Service s : serviceChanges.create()) {
            write("created Service", s.key(), () -> {
                V1Service made = core.createNamespacedService(s.namespace(), toService(s))
                        .execute();
                uids.put(s.key(), made.getMetadata().getUid());
                return made;
            });
        }
        for (PickerObjects.Service s : serviceChanges.update()) {
            V1Service have = services.get(s.key());
            have.getSpec().setPorts(toService(s).getSpec().getPorts());
            have.getSpec().setSelector(null);
            write(
                    "updated Service",
                    s.key(),
                    () -> core.replaceNamespacedService(s.name(), s.namespace(), have)
                            .execute());
        }
        for (Slice s : sliceChanges.create()) {
            String uid = uids.get(s.namespace() + "/" + s.service());
            if (uid == null) {
                failed = true;
                continue; // its Service could not be made: next pass
            }
            write(
                    "created EndpointSlice",
                    s.key(),
                    () -> discovery
                            .createNamespacedEndpointSlice(s.namespace(), toSlice(s, uid, null))
                            .execute());
        }
        for (Slice s : sliceChanges.update()) {
            String uid = uids.get(s.namespace() + "/" + s.service());
            V1EndpointSlice have = slices.get(s.key());
            if (uid == null) {
                continue;
            }
            write(
                    "updated EndpointSlice",
                    s.key(),
                    () -> discovery
                            .replaceNamespacedEndpointSlice(
                                    s.name(),
                                    s.namespace(),
                                    toSlice(s, uid, have.getMetadata().getResourceVersion()))
                            .execute());
        }
    }

    /** One Warning Event per conflicting pool and message (again after a restart); the memory follows the plan. */
    private void report(List<Conflict> conflicts) {
        Set<ObjectKey> keys = new HashSet<>();
        for (Conflict c : conflicts) {
            ObjectKey key = new ObjectKey(POOL_API, "InferencePool", c.poolNamespace(), c.poolName());
            keys.add(key);
            boolean ok = events.report(
                    key,
                    new ObjectStatus.EventStatus(
                            List.of(Condition.isFalse("PickerService", c.reason(), c.message(), 0))),
                    poolUid.apply(c.poolNamespace(), c.poolName()));
            if (!ok) {
                LOG.warning(() -> "could not report " + c.reason() + " on InferencePool " + c.poolNamespace() + "/"
                        + c.poolName());
            }
        }
        events.retain(keys);
    }

    private interface Write {
        Object call() throws ApiException;
    }

    private void write(String what, String key, Write w) {
        try {
            w.call();
            LOG.info(() -> "picker: " + what + " " + key);
        } catch (ApiException e) {
            failed |= e.getCode() != 404; // already gone is what a delete wanted
            if (e.getCode() == 409 && what.startsWith("created Service")) {
                LOG.warning(() -> "picker: Service " + key + " appeared meanwhile; it is left alone unless it is ours");
            } else if (e.getCode() != 404) {
                LOG.warning(() ->
                        "picker: " + what + " " + key + " failed: HTTP " + e.getCode() + " " + e.getResponseBody());
            }
        }
    }

    private static String key(V1ObjectMeta meta) {
        return meta.getNamespace() + "/" + meta.getName();
    }

    // ---- between the API's objects and the plan's values ---------------------------------------

    static PickerObjects.Service service(V1Service s) {
        List<Port> ports = s.getSpec() == null || s.getSpec().getPorts() == null
                ? List.of()
                : s.getSpec().getPorts().stream()
                        .map(p -> new Port(p.getName(), p.getPort(), p.getAppProtocol()))
                        .toList();
        // a selector would make the Service select pods of its own namespace: not ours to keep
        boolean selects = s.getSpec() != null
                && s.getSpec().getSelector() != null
                && !s.getSpec().getSelector().isEmpty();
        return new PickerObjects.Service(
                s.getMetadata().getNamespace(), s.getMetadata().getName(), selects ? List.of() : ports);
    }

    static Slice slice(V1EndpointSlice s) {
        Map<String, String> labels =
                s.getMetadata().getLabels() == null ? Map.of() : s.getMetadata().getLabels();
        List<Port> ports = s.getPorts() == null
                ? List.of()
                : s.getPorts().stream()
                        .map(p -> new Port(p.getName(), p.getPort() == null ? 0 : p.getPort(), p.getAppProtocol()))
                        .toList();
        List<PickerObjects.Endpoint> endpoints = s.getEndpoints() == null
                ? List.of()
                : s.getEndpoints().stream()
                        .filter(e ->
                                e.getAddresses() != null && !e.getAddresses().isEmpty())
                        .map(e -> new PickerObjects.Endpoint(
                                e.getAddresses().getFirst(),
                                e.getTargetRef() == null
                                        ? null
                                        : e.getTargetRef().getNamespace(),
                                e.getTargetRef() == null
                                        ? null
                                        : e.getTargetRef().getName()))
                        .toList();
        String service = labels.getOrDefault("kubernetes.io/service-name", "");
        return new PickerObjects.Slice(
                s.getMetadata().getNamespace(),
                s.getMetadata().getName(),
                service,
                s.getAddressType(),
                ports,
                endpoints);
    }

    private static V1Service toService(PickerObjects.Service s) {
        return new V1Service()
                .metadata(new V1ObjectMeta()
                        .name(s.name())
                        .namespace(s.namespace())
                        .labels(Map.of(
                                PickerObjects.MANAGED_LABEL,
                                "true",
                                "app.kubernetes.io/managed-by",
                                "infergate-controller")))
                .spec(new V1ServiceSpec()
                        .type("ClusterIP")
                        .ports(s.ports().stream()
                                .map(p -> new V1ServicePort()
                                        .name(p.name())
                                        .protocol("TCP")
                                        .port(p.port())
                                        .targetPort(new IntOrString(p.port()))
                                        .appProtocol(p.appProtocol()))
                                .toList()));
    }

    private static V1EndpointSlice toSlice(Slice s, String serviceUid, String resourceVersion) {
        return new V1EndpointSlice()
                .metadata(new V1ObjectMeta()
                        .name(s.name())
                        .namespace(s.namespace())
                        .resourceVersion(resourceVersion)
                        .labels(Map.of(
                                "kubernetes.io/service-name",
                                s.service(),
                                PickerObjects.SLICE_MANAGED_BY,
                                PickerObjects.SLICE_MANAGER,
                                PickerObjects.MANAGED_LABEL,
                                "true"))
                        .ownerReferences(List.of(new V1OwnerReference()
                                .apiVersion("v1")
                                .kind("Service")
                                .name(s.service())
                                .uid(serviceUid)
                                .controller(true))))
                .addressType(s.addressType())
                .ports(s.ports().stream()
                        .map(p -> new DiscoveryV1EndpointPort()
                                .name(p.name())
                                .port(p.port())
                                .protocol("TCP")
                                .appProtocol(p.appProtocol()))
                        .toList())
                .endpoints(s.endpoints().stream()
                        .map(e -> new V1Endpoint()
                                .addresses(List.of(e.address()))
                                .conditions(new V1EndpointConditions()
                                        .ready(true)
                                        .serving(true)
                                        .terminating(false))
                                .targetRef(new V1ObjectReference()
                                        .kind("Pod")
                                        .namespace(e.podNamespace())
                                        .name(e.podName())))
                        .toList());
    }

    @Override
    public void close() {
        running = false;
        BackgroundThreads.stop(loop);
    }
}
