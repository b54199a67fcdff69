package io.infergate.controller.translate;

import io.infergate.common.gatewayapi.Hostnames;
import io.infergate.controller.model.GatewayObject.AllowedRoutes;
import io.infergate.controller.model.HttpRouteObject;

import java.util.List;

/**
 * Attaches one parentRef of an HTTPRoute to the listeners of one of our Gateways.
 *
 * <p>Rules, checked in this order, each with its {@code Accepted=False} reason:
 * <ol>
 *   <li>{@code sectionName} and {@code port}, when given, must both match a listener
 *       ({@code NoMatchingParent});</li>
 *   <li>the listener must be accepted (a conflicted, unsupported or unavailable listener gets no
 *       routes; an HTTPS listener without resolvable certificates does, but serves none) and accept HTTPRoutes from the route's namespace: {@code from: Same} (the
 *       default) the Gateway's namespace, {@code All} any, {@code Selector} namespaces whose labels
 *       match, including the automatic {@code kubernetes.io/metadata.name}
 *       ({@code NotAllowedByListeners});</li>
 *   <li>a route hostname must intersect the listener's hostname, either side unset meaning any
 *       ({@code NoMatchingListenerHostname}).</li>
 * </ol>
 * The route attaches to every listener that passes all three.
 */
final class Attachment {

    private Attachment() {}

    /** The outcome for one parentRef. */
    sealed interface Result {
        /** Attached to these listeners (never empty). */
        record Attached(List<GatewayView.ListenerView> listeners) implements Result {}

        /** Not attached, with the reason and why. */
        record Rejected(String reason, String message) implements Result {}
    }

    static Result attach(HttpRouteObject route, HttpRouteObject.ParentRef ref, GatewayView gateway, Index index) {
        String gw = "Gateway " + gateway.namespace() + "/" + gateway.name();
        if (!gateway.listenersAccepted()) {
            return new Result.Rejected("NotAllowedByListeners", gw + " is not accepted");
        }
        List<GatewayView.ListenerView> named = gateway.listeners().stream()
                .filter(l -> ref.sectionName().map(l.name()::equals).orElse(true))
                .filter(l -> ref.port().map(p -> p == l.spec().port()).orElse(true))
                .toList();
        if (named.isEmpty()) {
            return new Result.Rejected(
                    "NoMatchingParent",
                    gw + " has no listener"
                            + ref.sectionName().map(s -> " named " + s).orElse("")
                            + ref.port().map(p -> " on port " + p).orElse(""));
        }
        if (named.stream().noneMatch(GatewayView.ListenerView::attachable)) {
            return new Result.Rejected(
                    "NotAllowedByListeners",
                    "no listener of " + gw
                            + ref.sectionName().map(s -> " named " + s).orElse("")
                            + ref.port().map(p -> " on port " + p).orElse("")
                            + " is accepted (see the Gateway's listener status)");
        }
        List<GatewayView.ListenerView> kinds = named.stream()
                .filter(GatewayView.ListenerView::acceptsHttpRoutes)
                .toList();
        if (kinds.isEmpty()) {
            return new Result.Rejected(
                    "NotAllowedByListeners",
                    "no accepted listener of " + gw
                            + ref.sectionName().map(s -> " named " + s).orElse("")
                            + " allows the kind HTTPRoute (allowedRoutes.kinds)");
        }
        String routeNamespace = route.meta().namespace();
        List<GatewayView.ListenerView> allowed = kinds.stream()
                .filter(l -> namespaceAllowed(l.spec().allowedRoutes(), gateway.namespace(), routeNamespace, index))
                .toList();
        if (allowed.isEmpty()) {
            return new Result.Rejected(
                    "NotAllowedByListeners",
                    "no listener of " + gw + " allows HTTPRoutes from namespace " + routeNamespace);
        }
        List<GatewayView.ListenerView> hosts = allowed.stream()
                .filter(l -> Hostnames.routeMatchesListener(
                        route.hostnames(), l.spec().hostname()))
                .toList();
        if (hosts.isEmpty()) {
            return new Result.Rejected(
                    "NoMatchingListenerHostname",
                    "no hostname of the route intersects a listener" + " hostname of " + gw);
        }
        return new Result.Attached(hosts);
    }

    private static boolean namespaceAllowed(
            AllowedRoutes allowed, String gatewayNamespace, String routeNamespace, Index index) {
        return switch (allowed.from()) {
            case "All" -> true;
            case "Same" -> gatewayNamespace.equals(routeNamespace);
            case "Selector" ->
                allowed.selector()
                        .map(s -> LabelSelectors.matches(s, index.namespaceLabels(routeNamespace)))
                        .orElse(false);
            default -> false;
        };
    }
}
