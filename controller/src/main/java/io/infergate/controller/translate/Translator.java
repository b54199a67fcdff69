package io.infergate.controller.translate;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.BackendRef;
import io.infergate.common.snapshot.Filter;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.common.snapshot.Objective;
import io.infergate.common.snapshot.Rule;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.controller.model.ClusterState;
import io.infergate.controller.model.HttpRouteObject;
import io.infergate.controller.model.InferenceObjective;
import io.infergate.controller.model.InferencePool;
import io.infergate.controller.status.StatusPlan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * ClusterState → Snapshot + StatusPlan. Pure: no clock, no I/O, and the same input always gives
 * the same output (every list is sorted), so the same objects always give the same snapshot id.
 *
 * <p>A bad object fails only itself: it gets a False condition with the precise reason and is
 * left out of the snapshot (or, for an unresolved backendRef, kept as a reference without a
 * backend that answers 500), while everything else still ships.
 */
public final class Translator {

    private Translator() {}

    /**
     * The Service name of Infergate's own endpoint picker (the routers' picker port, docs/adr/0025):
     * a pool whose endpointPickerRef names it is shipped to the routers even when no route of ours
     * references it, since an Envoy-based gateway (Istio) routes to the pool and asks the routers'
     * picker about it.
     */
    public static final String OWN_PICKER_SERVICE = "infergate-picker";

    public static Translation translate(ClusterState state, TranslatorConfig config) {
        Index index = new Index(state);
        Set<String> classes = Gateways.ourClasses(state, config);
        Gateways.Judged judged = Gateways.judge(state, classes, config.isolation(), index);
        Map<String, GatewayView> gateways = judged.views();
        ExternalProviders providers = new ExternalProviders(state, index);
        Backends backends = new Backends(index, config.serviceEndpoints(), providers);

        List<StatusPlan.Entry> statuses = new ArrayList<>(Gateways.classStatuses(state, config));
        List<HttpRoute> routes = new ArrayList<>();
        Map<String, Map<String, Set<String>>> attachments = new HashMap<>();
        Map<String, Map<String, Boolean>> poolParents = new HashMap<>();
        for (HttpRouteObject route : state.httpRoutes()) {
            Routes.Outcome outcome = Routes.translate(route, gateways, index, backends, config);
            statuses.add(outcome.status());
            outcome.served().ifPresent(routes::add);
            String routePath = route.meta().path();
            outcome.attached()
                    .forEach((gw, listeners) -> listeners.forEach(l -> attachments
                            .computeIfAbsent(gw, k -> new HashMap<>())
                            .computeIfAbsent(l, k -> new HashSet<>())
                            .add(routePath)));
            for (String pool : outcome.pools()) {
                outcome.parents()
                        .forEach((gw, accepted) -> poolParents
                                .computeIfAbsent(pool, k -> new TreeMap<>())
                                .merge(gw, accepted, Boolean::logicalOr));
            }
        }

        Map<String, Map<String, Integer>> attachedCounts = Gateways.count(attachments);
        List<io.infergate.common.snapshot.Gateway> snapshotGateways = new ArrayList<>();
        List<GatewayService> services = new ArrayList<>();
        for (GatewayView view : gateways.values()) {
            statuses.add(Gateways.status(
                    view, attachedCounts.getOrDefault(view.gateway().meta().path(), Map.of()), config, judged.ports()));
            if (view.accepted()) {
                snapshotGateways.add(Gateways.snapshot(view, judged.ports()));
            }
            Gateways.service(view, judged.ports()).ifPresent(services::add);
        }
        for (InferencePool pool : state.inferencePools()) {
            statuses.add(PoolStatuses.status(
                    pool, poolParents.getOrDefault(pool.meta().path(), Map.of()), index, config));
        }

        KthenaRoutes.Outcome kthena =
                KthenaRoutes.translate(state.modelServers(), state.modelRoutes(), gateways, index);
        routes.addAll(kthena.routes());
        statuses.addAll(kthena.statuses());
        statuses.addAll(providers.statuses());
        Set<String> pickedByUs = new HashSet<>();
        for (InferencePool pool : state.inferencePools()) {
            if (pool.endpointPickerRef()
                    .filter(r -> r.name().equals(OWN_PICKER_SERVICE))
                    .isPresent()) {
                backends.unreferencedPool(pool).ifPresent(pickedByUs::add);
            }
        }
        List<Backend> used = new ArrayList<>(backends.used());
        used.addAll(kthena.backends());
        List<Backend> served =
                ModelRewrites.attach(servedBackends(routes, used, pickedByUs), state.inferenceModelRewrites());
        statuses.addAll(ModelRewrites.statuses(served, state.inferenceModelRewrites()));
        AuthPolicies.Outcome auth = AuthPolicies.translate(
                state.authPolicies(), state.secrets(), snapshotGateways, routes, config.controllerName());
        statuses.addAll(auth.statuses());
        RateLimitPolicies.Outcome limits = RateLimitPolicies.translate(
                state.rateLimitPolicies(), snapshotGateways, routes, config.controllerName());
        statuses.addAll(limits.statuses());
        BackendTlsPolicies.Outcome backendTls = BackendTlsPolicies.translate(
                state.backendTlsPolicies(),
                state.configMaps(),
                state.services(),
                state.inferencePools(),
                served,
                routes,
                config.controllerName());
        statuses.addAll(backendTls.statuses());
        Snapshot snapshot = new Snapshot(
                Snapshot.SCHEMA_VERSION,
                snapshotGateways,
                routes,
                served,
                objectives(state.inferenceObjectives(), served),
                1,
                certificates(gateways.values()),
                auth.policies(),
                limits.policies(),
                backendTls.entries());
        return new Translation(snapshot, new StatusPlan(statuses), services);
    }

    /**
     * The key material of every served HTTPS listener of an accepted Gateway, once per Secret, in
     * Gateway and listener order: only what a router serves travels (docs/adr/0021-tls-key-material.md).
     */
    private static List<io.infergate.common.snapshot.Certificate> certificates(
            java.util.Collection<GatewayView> gateways) {
        java.util.Map<String, io.infergate.common.snapshot.Certificate> out = new java.util.LinkedHashMap<>();
        for (GatewayView v : gateways) {
            if (!v.accepted()) {
                continue;
            }
            for (GatewayView.ListenerView l : v.listeners()) {
                if (l.served()) {
                    l.certificates().forEach(c -> out.putIfAbsent(c.id(), c));
                }
            }
        }
        return List.copyOf(out.values());
    }

    /**
     * Only backends that a served route's backendRef or mirror names enter the snapshot, and the
     * pools that name Infergate's own picker ({@code pickedByUs}).
     */
    private static List<Backend> servedBackends(List<HttpRoute> routes, List<Backend> used, Set<String> pickedByUs) {
        Set<String> ids = new HashSet<>(pickedByUs);
        for (HttpRoute route : routes) {
            for (Rule rule : route.rules()) {
                mirrors(rule.filters(), ids);
                for (BackendRef ref : rule.backends()) {
                    ref.backend().ifPresent(ids::add);
                    mirrors(ref.filters(), ids);
                }
            }
        }
        return used.stream().filter(b -> ids.contains(b.id())).toList();
    }

    private static void mirrors(List<Filter> filters, Set<String> ids) {
        for (Filter f : filters) {
            if (f instanceof Filter.RequestMirror m) {
                m.backend().ifPresent(ids::add);
            }
        }
    }

    /**
     * An InferenceObjective enters the snapshot when its poolRef names an InferencePool (in its
     * namespace) that the snapshot serves; otherwise there is nothing for it to prioritise.
     */
    private static List<Objective> objectives(List<InferenceObjective> objectives, List<Backend> served) {
        Set<String> pools = new HashSet<>();
        served.stream().filter(b -> b instanceof Backend.InferencePool).forEach(b -> pools.add(b.id()));
        List<Objective> out = new ArrayList<>();
        for (InferenceObjective o : objectives) {
            String pool =
                    Backend.InferencePool.idOf(o.meta().namespace(), o.poolRef().name());
            if (o.poolRef().group().equals(Index.INFERENCE_GROUP)
                    && o.poolRef().kind().equals("InferencePool")
                    && pools.contains(pool)) {
                out.add(new Objective(
                        "inferenceobjective/" + o.meta().namespace() + "/"
                                + o.meta().name(),
                        o.meta().namespace(),
                        o.meta().name(),
                        pool,
                        o.priority()));
            }
        }
        return out;
    }
}
