package io.infergate.controller.model;

import java.util.List;
import java.util.Optional;

/**
 * An HTTPRoute ({@code gateway.networking.k8s.io}), after the defaulting the API server applies
 * (parentRef group/kind, match types, path {@code PathPrefix /}, backendRef weight 1). Enum-like
 * fields stay strings: the translator decides what it supports and says so in status.
 */
public record HttpRouteObject(ObjectMeta meta, List<ParentRef> parentRefs, List<String> hostnames, List<Rule> rules)
        implements KubeObject {
    public HttpRouteObject {
        parentRefs = List.copyOf(parentRefs);
        hostnames = List.copyOf(hostnames);
        rules = List.copyOf(rules);
    }

    /** {@code spec.parentRefs[]}; {@code namespace} empty means the route's own. */
    public record ParentRef(
            String group,
            String kind,
            Optional<String> namespace,
            String name,
            Optional<String> sectionName,
            Optional<Integer> port) {}

    /**
     * {@code spec.rules[]}.
     *
     * @param matches               empty means the spec's default, {@code PathPrefix /}
     * @param requestTimeout        {@code timeouts.request}, a GEP-2257 duration string
     * @param backendRequestTimeout {@code timeouts.backendRequest}
     */
    public record Rule(
            List<Match> matches,
            List<Filter> filters,
            List<BackendRef> backendRefs,
            Optional<String> requestTimeout,
            Optional<String> backendRequestTimeout) {
        public Rule {
            matches = List.copyOf(matches);
            filters = List.copyOf(filters);
            backendRefs = List.copyOf(backendRefs);
        }
    }

    /** One HTTPRouteMatch; {@code path} is always present after defaulting. */
    public record Match(PathMatch path, List<NameMatch> headers, List<NameMatch> queryParams, Optional<String> method) {
        public Match {
            headers = List.copyOf(headers);
            queryParams = List.copyOf(queryParams);
        }
    }

    /** {@code path}: type Exact, PathPrefix or RegularExpression. */
    public record PathMatch(String type, String value) {}

    /** A header or query parameter match: type Exact or RegularExpression. */
    public record NameMatch(String type, String name, String value) {}

    /** A weighted backendRef with its own filters. */
    public record BackendRef(ObjectRef ref, int weight, List<Filter> filters) {
        public BackendRef {
            filters = List.copyOf(filters);
        }
    }

    /**
     * A reference to a backend object.
     *
     * @param group     {@code ""} for core
     * @param kind      default Service
     * @param namespace empty means the route's namespace
     * @param port      required for a Service; ignored for an InferencePool
     */
    public record ObjectRef(
            String group, String kind, Optional<String> namespace, String name, Optional<Integer> port) {}

    /**
     * An HTTPRouteFilter: {@code type} names which one of the other fields is set.
     */
    public record Filter(
            String type,
            Optional<HeaderModifier> requestHeaderModifier,
            Optional<HeaderModifier> responseHeaderModifier,
            Optional<Redirect> requestRedirect,
            Optional<Rewrite> urlRewrite,
            Optional<Mirror> requestMirror) {}

    /** A header modifier's set, add and remove lists. */
    public record HeaderModifier(List<Header> set, List<Header> add, List<String> remove) {
        public HeaderModifier {
            set = List.copyOf(set);
            add = List.copyOf(add);
            remove = List.copyOf(remove);
        }
    }

    /** A header name and value. */
    public record Header(String name, String value) {}

    /** {@code requestRedirect}; statusCode defaults to 302. */
    public record Redirect(
            Optional<String> scheme,
            Optional<String> hostname,
            Optional<PathModifier> path,
            Optional<Integer> port,
            int statusCode) {}

    /** {@code urlRewrite}. */
    public record Rewrite(Optional<String> hostname, Optional<PathModifier> path) {}

    /** A path modifier: type ReplaceFullPath or ReplacePrefixMatch with the matching value field. */
    public record PathModifier(String type, Optional<String> replaceFullPath, Optional<String> replacePrefixMatch) {}

    /**
     * {@code requestMirror}: {@code percent} or {@code fraction}, neither meaning every request.
     */
    public record Mirror(
            ObjectRef backendRef,
            Optional<Integer> percent,
            Optional<Integer> fractionNumerator,
            Optional<Integer> fractionDenominator) {}
}
