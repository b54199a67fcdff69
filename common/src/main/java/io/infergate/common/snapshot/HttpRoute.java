package io.infergate.common.snapshot;

import java.util.List;

/**
 * An HTTPRoute as the router needs it.
 *
 * @param id                {@code httproute/<namespace>/<name>}
 * @param namespace         the route's namespace
 * @param name              the route's name
 * @param creationTimestamp RFC 3339, from metadata; the precedence tie-break (oldest first), then
 *                          {@code namespace/name}
 * @param hostnames         the route's {@code spec.hostnames} (exact or {@code *.} wildcard); empty
 *                          means every host its listener accepts
 * @param parents           the listeners the route is attached to
 * @param rules             the rules in {@code spec.rules} order (order is the last tie-break)
 */
public record HttpRoute(
        String id,
        String namespace,
        String name,
        String creationTimestamp,
        List<String> hostnames,
        List<ListenerRef> parents,
        List<Rule> rules) {
    public HttpRoute {
        hostnames = List.copyOf(hostnames);
        parents = List.copyOf(parents);
        rules = List.copyOf(rules);
    }

    /** The canonical id of an HTTPRoute. */
    public static String idOf(String namespace, String name) {
        return "httproute/" + namespace + "/" + name;
    }
}
