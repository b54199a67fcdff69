package io.infergate.controller.model;

import java.util.List;
import java.util.Optional;

/**
 * A Kthena ModelRoute ({@code networking.serving.volcano.sh/v1alpha1}): requests naming a model (or
 * a LoRA adapter) go to weighted ModelServers of the same namespace (docs/kthena.md).
 *
 * @param modelName    {@code spec.modelName}, empty when only LoRA adapters are routed
 * @param loraAdapters {@code spec.loraAdapters}
 * @param parentRefs   {@code spec.parentRefs} (Gateways)
 * @param rules        {@code spec.rules}, in order
 * @param rateLimited  whether {@code spec.rateLimit} is set (not served: docs/kthena.md)
 */
public record ModelRoute(
        ObjectMeta meta,
        Optional<String> modelName,
        List<String> loraAdapters,
        List<HttpRouteObject.ParentRef> parentRefs,
        List<Rule> rules,
        boolean rateLimited)
        implements KubeObject {

    public ModelRoute {
        loraAdapters = List.copyOf(loraAdapters);
        parentRefs = List.copyOf(parentRefs);
        rules = List.copyOf(rules);
    }

    /** Every name the route claims: its model name, then its LoRA adapters. */
    public List<String> names() {
        var out = new java.util.ArrayList<String>();
        modelName.ifPresent(out::add);
        loraAdapters.stream().filter(a -> !out.contains(a)).forEach(out::add);
        return List.copyOf(out);
    }

    /**
     * One rule: its conditions (all must hold) and weighted targets.
     *
     * @param name    {@code name}, may be empty
     * @param headers {@code modelMatch.headers}, by header name
     * @param uri     {@code modelMatch.uri}
     * @param model   {@code modelMatch.body.model}
     * @param targets {@code targetModels}
     */
    public record Rule(
            String name,
            List<Header> headers,
            Optional<StringMatch> uri,
            Optional<String> model,
            List<Target> targets) {
        public Rule {
            headers = List.copyOf(headers);
            targets = List.copyOf(targets);
        }
    }

    /** A header condition. */
    public record Header(String name, StringMatch match) {}

    /** Exactly one of exact, prefix, regex (Go RE2 syntax, unanchored as Go's MatchString is). */
    public record StringMatch(Type type, String value) {
        /** The kind of comparison. */
        public enum Type {
            EXACT,
            PREFIX,
            REGEX
        }
    }

    /**
     * A weighted ModelServer.
     *
     * @param modelServerName a ModelServer in the route's namespace
     * @param weight          0..100, default 100
     */
    public record Target(String modelServerName, int weight) {}
}
