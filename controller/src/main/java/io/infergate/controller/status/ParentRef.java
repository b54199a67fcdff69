package io.infergate.controller.status;

import java.util.Optional;

/**
 * A {@code parentRef} inside a status entry, echoing the spec's (with API-server defaults) so
 * that readers can pair status with spec.
 */
public record ParentRef(
        String group,
        String kind,
        Optional<String> namespace,
        String name,
        Optional<String> sectionName,
        Optional<Integer> port) {

    /** A Gateway parentRef with only group, kind, namespace and name set (InferencePool status). */
    public static ParentRef gateway(String namespace, String name) {
        return new ParentRef(
                "gateway.networking.k8s.io",
                "Gateway",
                Optional.of(namespace),
                name,
                Optional.empty(),
                Optional.empty());
    }

    /** A stable text form, used to pair an entry with its previous version. */
    public String scope() {
        return group + "/" + kind + "/" + namespace.orElse("") + "/" + name + "/" + sectionName.orElse("") + "/"
                + port.map(String::valueOf).orElse("");
    }
}
