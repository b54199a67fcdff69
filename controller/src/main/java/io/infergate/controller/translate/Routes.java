package io.infergate.controller.translate;

import io.infergate.common.snapshot.HttpRoute;
import io.infergate.common.snapshot.ListenerRef;
import io.infergate.common.snapshot.Rule;
import io.infergate.controller.model.HttpRouteObject;
import io.infergate.controller.status.Condition;
import io.infergate.controller.status.ConditionStatus;
import io.infergate.controller.status.ObjectKey;
import io.infergate.controller.status.ObjectStatus;
import io.infergate.controller.status.ParentRef;
import io.infergate.controller.status.StatusPlan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Translates one HTTPRoute: its status per parent of ours, and its snapshot form when some
 * listener serves it.
 *
 * <p>Rules: a parentRef is ours when it names (group/kind defaulting to the Gateway API's Gateway)
 * a Gateway of our GatewayClass; other parentRefs get no status entry from us. Per parent,
 * {@code Accepted} comes from {@link Attachment}, then from unsupported values in the rules
 * ({@code UnsupportedValue}, {@code IncompatibleFilters}); {@code ResolvedRefs} is the same for
 * every parent. The route enters the snapshot attached to the served listeners of the parents that
 * accepted it; an unaccepted route is left out entirely.
 */
final class Routes {

    private Routes() {}

    /**
     * @param status   the route's planned status
     * @param served   the snapshot form, when at least one served listener accepted it
     * @param attached per Gateway ({@code ns/name}), the listeners the route is accepted on
     * @param parents  per Gateway of ours the route names, whether some parentRef to it was accepted
     * @param pools    InferencePools ({@code ns/name}) the route's backendRefs name
     */
    record Outcome(
            StatusPlan.Entry status,
            Optional<HttpRoute> served,
            Map<String, Set<String>> attached,
            Map<String, Boolean> parents,
            Set<String> pools) {}

    static Outcome translate(
            HttpRouteObject route,
            Map<String, GatewayView> gateways,
            Index index,
            Backends backends,
            TranslatorConfig config) {
        long gen = route.meta().generation();
        RouteProblems problems = new RouteProblems();
        Set<String> pools = new TreeSet<>();
        List<Rule> rules = Rules.translate(route, backends, problems, pools);
        Optional<RouteProblems.Problem> invalid = problems.invalid();
        Condition resolvedRefs = problems.unresolved()
                .map(p -> Condition.isFalse("ResolvedRefs", p.reason(), p.message(), gen))
                .orElse(Condition.isTrue("ResolvedRefs", "ResolvedRefs", "all references resolved", gen));

        List<ObjectStatus.ParentStatus> statuses = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Map<String, Set<String>> attached = new LinkedHashMap<>();
        Map<String, Boolean> parents = new LinkedHashMap<>();
        Set<ListenerRef> listenerRefs =
                new TreeSet<>(Comparator.comparing(ListenerRef::gateway).thenComparing(ListenerRef::listener));
        for (HttpRouteObject.ParentRef ref : route.parentRefs()) {
            if (!ref.group().equals(Index.GATEWAY_GROUP) || !ref.kind().equals("Gateway")) {
                continue;
            }
            String gwPath = ref.namespace().orElse(route.meta().namespace()) + "/" + ref.name();
            GatewayView gateway = gateways.get(gwPath);
            ParentRef echo =
                    new ParentRef(ref.group(), ref.kind(), ref.namespace(), ref.name(), ref.sectionName(), ref.port());
            if (gateway == null || !seen.add(echo.scope())) {
                continue;
            }
            Condition accepted = switch (Attachment.attach(route, ref, gateway, index)) {
                case Attachment.Result.Rejected r -> Condition.isFalse("Accepted", r.reason(), r.message(), gen);
                case Attachment.Result.Attached a
                when invalid.isPresent() ->
                    Condition.isFalse(
                            "Accepted", invalid.get().reason(), invalid.get().message(), gen);
                case Attachment.Result.Attached a -> {
                    for (GatewayView.ListenerView l : a.listeners()) {
                        attached.computeIfAbsent(gwPath, k -> new TreeSet<>()).add(l.name());
                        if (l.served()) {
                            listenerRefs.add(new ListenerRef(gateway.id(), l.name()));
                        }
                    }
                    yield Condition.isTrue("Accepted", "Accepted", "accepted", gen);
                }
            };
            parents.merge(gwPath, accepted.status() == ConditionStatus.TRUE, Boolean::logicalOr);
            statuses.add(new ObjectStatus.ParentStatus(echo, config.controllerName(), List.of(accepted, resolvedRefs)));
        }

        Optional<HttpRoute> served = listenerRefs.isEmpty()
                ? Optional.empty()
                : Optional.of(new HttpRoute(
                        HttpRoute.idOf(route.meta().namespace(), route.meta().name()),
                        route.meta().namespace(),
                        route.meta().name(),
                        route.meta().creationTimestamp(),
                        route.hostnames(),
                        List.copyOf(listenerRefs),
                        rules));
        StatusPlan.Entry status = new StatusPlan.Entry(
                new ObjectKey(
                        Gateways.API_VERSION,
                        "HTTPRoute",
                        route.meta().namespace(),
                        route.meta().name()),
                new ObjectStatus.HttpRouteStatus(statuses));
        return new Outcome(status, served, attached, parents, pools);
    }
}
