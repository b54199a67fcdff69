package io.infergate.controller.model;

import java.util.List;
import java.util.Optional;

/**
 * A ReferenceGrant: lets objects of the {@code from} kinds in other namespaces refer to the
 * {@code to} kinds in this grant's namespace.
 */
public record ReferenceGrant(ObjectMeta meta, List<From> from, List<To> to) implements KubeObject {
    public ReferenceGrant {
        from = List.copyOf(from);
        to = List.copyOf(to);
    }

    /** Who may refer: group, kind and namespace of the referring object. */
    public record From(String group, String kind, String namespace) {}

    /** What may be referred to; an empty name allows every object of the kind. */
    public record To(String group, String kind, Optional<String> name) {}
}
