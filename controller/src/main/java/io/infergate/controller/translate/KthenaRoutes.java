package io.infergate.controller.translate;

import io.infergate.common.snapshot.Backend;
import io.infergate.common.snapshot.BackendRef;
import io.infergate.common.snapshot.HttpRoute;
import io.infergate.common.snapshot.ListenerRef;
import io.infergate.common.snapshot.Match;
import io.infergate.common.snapshot.PathMatch;
import io.infergate.common.snapshot.Rule;
import io.infergate.common.snapshot.Timeouts;
import io.infergate.common.snapshot.ValueMatch;
import io.infergate.controller.model.HttpRouteObject;
import io.infergate.controller.model.ModelRoute;
import io.infergate.controller.status.Condition;
import io.infergate.controller.status.ObjectKey;
import io.infergate.controller.status.ObjectStatus;
import io.infergate.controller.status.StatusPlan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Kthena's ModelServers and ModelRoutes → snapshot backends and routes, and their conditions
 * (docs/adr/0029-kthena-objects.md, docs/kthena.md). Pure.
 *
 * <p>A ModelRoute becomes one snapshot route, id {@code modelroute/<ns>/<name>}, attached to the
 * listeners of its {@code parentRefs} by the HTTPRoute attachment rules (without parentRefs: every
 * Gateway of ours in its namespace, as its CRD documents). Each rule becomes a rule whose matches
 * are one per name the route claims ({@code modelName} and {@code loraAdapters}, narrowed by
 * {@code modelMatch.body.model}): the body's {@code model} equal to that name, the path
 * ({@code modelMatch.uri}, default {@code PathPrefix /v1}, the API prefix Kthena's router requires)
 * and the headers; prefix and regex string matches become whole-value regular expressions. Targets
 * are weighted backendRefs to the ModelServers of the route's namespace; one that is missing or not
 * servable gets its share of 500s, as an unresolved HTTPRoute backendRef does. A rule's request
 * timeout is the longest {@code trafficPolicy.timeout} of its targets when every target sets one.
 */
final class KthenaRoutes {

    static final String API_VERSION = "networking.serving.volcano.sh/v1alpha1";

    private KthenaRoutes() {}

    /** What the Kthena objects add to a translation. */
    record Outcome(List<HttpRoute> routes, List<Backend> backends, List<StatusPlan.Entry> statuses) {}

    static Outcome translate(
            List<io.infergate.controller.model.ModelServer> servers,
            List<ModelRoute> routes,
            Map<String, GatewayView> gateways,
            Index index) {
        Map<String, KthenaServers.Judged> judged = KthenaServers.judge(servers, routes, index);
        List<HttpRoute> served = new ArrayList<>();
        List<StatusPlan.Entry> statuses = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        for (ModelRoute route : routes) {
            long gen = route.meta().generation();
            List<String> problems = new ArrayList<>();
            List<Rule> rules = rules(route, judged, problems, used);
            List<Condition> conditions = new ArrayList<>();
            Set<ListenerRef> listeners = attach(route, gateways, index, conditions);
            if (route.rateLimited()) {
                conditions.add(Condition.isFalse(
                        "RateLimitEnforced",
                        "UnsupportedValue",
                        "spec.rateLimit is not enforced by Infergate; requests are served without it",
                        gen));
            }
            conditions.add(
                    problems.isEmpty()
                            ? Condition.isTrue(
                                    "ResolvedRefs", "ResolvedRefs", "every target ModelServer is served", gen)
                            : Condition.isFalse("ResolvedRefs", "BackendNotFound", String.join("; ", problems), gen));
            if (!listeners.isEmpty() && !rules.isEmpty()) {
                served.add(new HttpRoute(
                        "modelroute/" + route.meta().path(),
                        route.meta().namespace(),
                        route.meta().name(),
                        route.meta().creationTimestamp(),
                        List.of(),
                        List.copyOf(listeners),
                        rules));
            }
            statuses.add(
                    entry("ModelRoute", route.meta().namespace(), route.meta().name(), conditions));
        }
        List<Backend> backends = new ArrayList<>();
        for (var s : servers) {
            KthenaServers.Judged j = judged.get(s.meta().path());
            long gen = s.meta().generation();
            Condition accepted = j.problem()
                    .map(p -> Condition.isFalse("Accepted", "UnsupportedValue", p, gen))
                    // No endpoint count in the message: every change of a condition is an Event
                    // (kube/KthenaEvents), and pods come and go far more often than the spec changes.
                    .orElseGet(() -> Condition.isTrue(
                            "Accepted",
                            "Accepted",
                            "served: its ready pods on port " + s.port() + " as " + s.engine(),
                            gen));
            statuses.add(entry("ModelServer", s.meta().namespace(), s.meta().name(), List.of(accepted)));
            j.backend().filter(b -> used.contains(b.id())).ifPresent(backends::add);
        }
        return new Outcome(served, backends, statuses);
    }

    private static StatusPlan.Entry entry(String kind, String namespace, String name, List<Condition> conditions) {
        return new StatusPlan.Entry(
                new ObjectKey(API_VERSION, kind, namespace, name), new ObjectStatus.EventStatus(conditions));
    }

    /** The listeners the route attaches to; adds one Accepted condition (the first rejection says why). */
    private static Set<ListenerRef> attach(
            ModelRoute route, Map<String, GatewayView> gateways, Index index, List<Condition> conditions) {
        long gen = route.meta().generation();
        String ns = route.meta().namespace();
        List<HttpRouteObject.ParentRef> refs = route.parentRefs().isEmpty()
                ? gateways.values().stream()
                        .filter(g -> g.namespace().equals(ns))
                        .map(g -> new HttpRouteObject.ParentRef(
                                Index.GATEWAY_GROUP,
                                "Gateway",
                                Optional.empty(),
                                g.name(),
                                Optional.empty(),
                                Optional.empty()))
                        .toList()
                : route.parentRefs();
        // Attachment reads an HTTPRoute: the ModelRoute's stand-in has its parentRefs and no hostnames.
        HttpRouteObject standIn = new HttpRouteObject(route.meta(), refs, List.of(), List.of());
        Set<ListenerRef> out =
                new TreeSet<>(Comparator.comparing(ListenerRef::gateway).thenComparing(ListenerRef::listener));
        List<String> rejected = new ArrayList<>();
        for (HttpRouteObject.ParentRef ref : refs) {
            GatewayView gateway = gateways.get(ref.namespace().orElse(ns) + "/" + ref.name());
            if (!ref.group().equals(Index.GATEWAY_GROUP) || !ref.kind().equals("Gateway") || gateway == null) {
                rejected.add("parentRef " + ref.namespace().orElse(ns) + "/" + ref.name()
                        + " is not a Gateway of an Infergate GatewayClass");
                continue;
            }
            switch (Attachment.attach(standIn, ref, gateway, index)) {
                case Attachment.Result.Rejected r -> rejected.add(r.reason() + ": " + r.message());
                case Attachment.Result.Attached a ->
                    a.listeners().stream()
                            .filter(GatewayView.ListenerView::served)
                            .forEach(l -> out.add(new ListenerRef(gateway.id(), l.name())));
            }
        }
        if (!out.isEmpty()) {
            conditions.add(Condition.isTrue(
                    "Accepted",
                    "Accepted",
                    "attached to "
                            + out.stream()
                                    .map(l -> l.gateway() + " listener " + l.listener())
                                    .toList()
                            + (rejected.isEmpty() ? "" : "; not to: " + String.join("; ", rejected)),
                    gen));
        } else if (refs.isEmpty()) {
            conditions.add(Condition.isFalse(
                    "Accepted",
                    "NoMatchingParent",
                    "no parentRefs, and no Gateway of an Infergate GatewayClass in namespace " + ns,
                    gen));
        } else {
            conditions.add(Condition.isFalse("Accepted", "NotAllowedByListeners", String.join("; ", rejected), gen));
        }
        return out;
    }

    private static List<Rule> rules(
            ModelRoute route, Map<String, KthenaServers.Judged> servers, List<String> problems, Set<String> used) {
        List<Rule> out = new ArrayList<>();
        for (int i = 0; i < route.rules().size(); i++) {
            ModelRoute.Rule rule = route.rules().get(i);
            List<String> names = route.names().stream()
                    .filter(n -> rule.model().map(n::equals).orElse(true))
                    .toList();
            if (names.isEmpty()) {
                problems.add("rule " + i + " matches model " + rule.model().orElse("")
                        + ", which the route does not claim: it never applies");
                continue;
            }
            Optional<String> badRegex = badRegex(rule);
            if (badRegex.isPresent()) {
                problems.add("rule " + i + " is left out: " + badRegex.get());
                continue;
            }
            PathMatch path =
                    rule.uri().map(KthenaRoutes::path).orElse(new PathMatch(PathMatch.Type.PATH_PREFIX, "/v1"));
            List<ValueMatch> headers =
                    rule.headers().stream().map(h -> value(h.name(), h.match())).toList();
            List<Match> matches = names.stream()
                    .map(n -> new Match(path, Optional.empty(), headers, List.of(), Optional.of(n)))
                    .toList();
            List<BackendRef> refs = new ArrayList<>();
            List<Duration> timeouts = new ArrayList<>();
            for (ModelRoute.Target t : rule.targets()) {
                KthenaServers.Judged s = servers.get(route.meta().namespace() + "/" + t.modelServerName());
                Optional<String> backend = Optional.ofNullable(s)
                        .flatMap(KthenaServers.Judged::backend)
                        .map(Backend::id);
                if (s == null) {
                    problems.add(
                            "ModelServer " + route.meta().namespace() + "/" + t.modelServerName() + " does not exist");
                } else if (s.problem().isPresent()) {
                    problems.add("ModelServer " + s.server().meta().path() + " is not served: "
                            + s.problem().get());
                } else {
                    s.server().timeout().ifPresent(timeouts::add);
                }
                backend.ifPresent(used::add);
                refs.add(new BackendRef(backend, t.weight(), List.of()));
            }
            Optional<Duration> timeout = timeouts.size() == rule.targets().size()
                    ? timeouts.stream().max(Comparator.naturalOrder()).filter(d -> !d.isZero())
                    : Optional.empty();
            out.add(new Rule(
                    "modelroute/" + route.meta().path() + "/rule/" + i,
                    matches,
                    List.of(),
                    refs,
                    new Timeouts(timeout, Optional.empty())));
        }
        return out;
    }

    private static PathMatch path(ModelRoute.StringMatch m) {
        return switch (m.type()) {
            case EXACT -> new PathMatch(PathMatch.Type.EXACT, m.value());
            case PREFIX -> new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, Pattern.quote(m.value()) + ".*");
            case REGEX -> new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, unanchored(m.value()));
        };
    }

    private static ValueMatch value(String name, ModelRoute.StringMatch m) {
        return switch (m.type()) {
            case EXACT -> new ValueMatch(ValueMatch.Type.EXACT, name, m.value());
            case PREFIX -> new ValueMatch(ValueMatch.Type.REGULAR_EXPRESSION, name, Pattern.quote(m.value()) + ".*");
            case REGEX -> new ValueMatch(ValueMatch.Type.REGULAR_EXPRESSION, name, unanchored(m.value()));
        };
    }

    /** Why a regex of the rule cannot be served (the routers compile Java regexes), if one cannot. */
    private static Optional<String> badRegex(ModelRoute.Rule rule) {
        List<ModelRoute.StringMatch> all = new ArrayList<>();
        rule.uri().ifPresent(all::add);
        rule.headers().forEach(h -> all.add(h.match()));
        for (ModelRoute.StringMatch m : all) {
            if (m.type() == ModelRoute.StringMatch.Type.REGEX) {
                try {
                    Pattern.compile(m.value());
                } catch (java.util.regex.PatternSyntaxException e) {
                    return Optional.of("regex '" + m.value() + "' does not compile: " + e.getDescription());
                }
            }
        }
        return Optional.empty();
    }

    /** Go's {@code MatchString} finds a match anywhere; the router's regexes must match the whole value. */
    private static String unanchored(String regex) {
        return ".*(?:" + regex + ").*";
    }
}
