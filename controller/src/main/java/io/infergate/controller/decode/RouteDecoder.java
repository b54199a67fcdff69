package io.infergate.controller.decode;

import io.infergate.controller.model.HttpRouteObject;
import io.infergate.controller.model.ObjectMeta;

import java.util.List;
import java.util.Optional;

/**
 * Decodes an HTTPRoute, applying the CRD defaults: parentRef group {@code gateway.networking.k8s.io}
 * and kind Gateway; no rules means one rule matching {@code PathPrefix /}; a match without a path
 * matches {@code PathPrefix /}; header and query matches are Exact; backendRef group {@code ""},
 * kind Service, weight 1; redirect statusCode 302; mirror fraction denominator 100. Enum values are
 * kept as written: the translator judges them.
 */
final class RouteDecoder {

    private RouteDecoder() {}

    static HttpRouteObject httpRoute(TreeNode root, ObjectMeta meta) {
        TreeNode spec = root.field("spec");
        List<HttpRouteObject.ParentRef> parents = parentRefs(spec.field("parentRefs"));
        List<HttpRouteObject.Rule> rules = spec.field("rules").isMissing()
                ? List.of(new HttpRouteObject.Rule(
                        List.of(defaultMatch()), List.of(), List.of(), Optional.empty(), Optional.empty()))
                : spec.field("rules").list().stream().map(RouteDecoder::rule).toList();
        return new HttpRouteObject(meta, parents, spec.field("hostnames").strings(), rules);
    }

    /** {@code parentRefs}, with the Gateway API's defaults (group and kind of a Gateway). */
    static List<HttpRouteObject.ParentRef> parentRefs(TreeNode list) {
        return list.list().stream()
                .map(p -> new HttpRouteObject.ParentRef(
                        p.field("group").string(ObjectDecoder.GATEWAY_GROUP),
                        p.field("kind").string("Gateway"),
                        p.field("namespace").optString(),
                        p.field("name").string(),
                        p.field("sectionName").optString(),
                        p.field("port").optPort()))
                .toList();
    }

    private static HttpRouteObject.Match defaultMatch() {
        return new HttpRouteObject.Match(
                new HttpRouteObject.PathMatch("PathPrefix", "/"), List.of(), List.of(), Optional.empty());
    }

    private static HttpRouteObject.Rule rule(TreeNode r) {
        List<HttpRouteObject.Match> matches =
                r.field("matches").list().stream().map(RouteDecoder::match).toList();
        List<HttpRouteObject.BackendRef> refs = r.field("backendRefs").list().stream()
                .map(b -> new HttpRouteObject.BackendRef(
                        objectRef(b), b.field("weight").optInt().orElse(1), filters(b.field("filters"))))
                .toList();
        TreeNode timeouts = r.field("timeouts");
        return new HttpRouteObject.Rule(
                matches,
                filters(r.field("filters")),
                refs,
                timeouts.field("request").optString(),
                timeouts.field("backendRequest").optString());
    }

    private static HttpRouteObject.Match match(TreeNode m) {
        TreeNode path = m.field("path");
        HttpRouteObject.PathMatch p = new HttpRouteObject.PathMatch(
                path.field("type").string("PathPrefix"), path.field("value").string("/"));
        return new HttpRouteObject.Match(
                p,
                nameMatches(m.field("headers")),
                nameMatches(m.field("queryParams")),
                m.field("method").optString());
    }

    private static List<HttpRouteObject.NameMatch> nameMatches(TreeNode list) {
        return list.list().stream()
                .map(h -> new HttpRouteObject.NameMatch(
                        h.field("type").string("Exact"),
                        h.field("name").string(),
                        h.field("value").string()))
                .toList();
    }

    static HttpRouteObject.ObjectRef objectRef(TreeNode b) {
        return new HttpRouteObject.ObjectRef(
                b.field("group").string(""),
                b.field("kind").string("Service"),
                b.field("namespace").optString(),
                b.field("name").string(),
                b.field("port").optPort());
    }

    private static List<HttpRouteObject.Filter> filters(TreeNode list) {
        return list.list().stream().map(RouteDecoder::filter).toList();
    }

    private static HttpRouteObject.Filter filter(TreeNode f) {
        return new HttpRouteObject.Filter(
                f.field("type").string(),
                headerModifier(f.field("requestHeaderModifier")),
                headerModifier(f.field("responseHeaderModifier")),
                redirect(f.field("requestRedirect")),
                rewrite(f.field("urlRewrite")),
                mirror(f.field("requestMirror")));
    }

    private static Optional<HttpRouteObject.HeaderModifier> headerModifier(TreeNode m) {
        if (m.isMissing()) {
            return Optional.empty();
        }
        return Optional.of(new HttpRouteObject.HeaderModifier(
                headers(m.field("set")),
                headers(m.field("add")),
                m.field("remove").strings()));
    }

    private static List<HttpRouteObject.Header> headers(TreeNode list) {
        return list.list().stream()
                .map(h -> new HttpRouteObject.Header(
                        h.field("name").string(), h.field("value").string()))
                .toList();
    }

    private static Optional<HttpRouteObject.Redirect> redirect(TreeNode r) {
        if (r.isMissing()) {
            return Optional.empty();
        }
        return Optional.of(new HttpRouteObject.Redirect(
                r.field("scheme").optString(),
                r.field("hostname").optString(),
                pathModifier(r.field("path")),
                r.field("port").optInt(),
                r.field("statusCode").optInt().orElse(302)));
    }

    private static Optional<HttpRouteObject.Rewrite> rewrite(TreeNode r) {
        if (r.isMissing()) {
            return Optional.empty();
        }
        return Optional.of(new HttpRouteObject.Rewrite(r.field("hostname").optString(), pathModifier(r.field("path"))));
    }

    private static Optional<HttpRouteObject.PathModifier> pathModifier(TreeNode p) {
        if (p.isMissing()) {
            return Optional.empty();
        }
        return Optional.of(new HttpRouteObject.PathModifier(
                p.field("type").string(),
                p.field("replaceFullPath").optString(),
                p.field("replacePrefixMatch").optString()));
    }

    private static Optional<HttpRouteObject.Mirror> mirror(TreeNode m) {
        if (m.isMissing()) {
            return Optional.empty();
        }
        TreeNode fraction = m.field("fraction");
        return Optional.of(new HttpRouteObject.Mirror(
                objectRef(m.field("backendRef")),
                m.field("percent").optInt(),
                fraction.field("numerator").optInt(),
                fraction.isMissing()
                        ? Optional.empty()
                        : Optional.of(fraction.field("denominator").optInt().orElse(100))));
    }
}
