package io.infergate.controller.model;

import java.util.Map;

/**
 * The metadata every object carries, after defaulting by its source.
 *
 * @param namespace         the namespace, or {@code ""} for cluster-scoped kinds (GatewayClass,
 *                          Namespace)
 * @param name              the object's name
 * @param generation        {@code metadata.generation}; 1 when the source has none
 * @param creationTimestamp RFC 3339; sources without one supply a deterministic stand-in
 * @param labels            {@code metadata.labels}
 * @param annotations       {@code metadata.annotations}
 * @param deleting          true when {@code metadata.deletionTimestamp} is set
 */
public record ObjectMeta(
        String namespace,
        String name,
        long generation,
        String creationTimestamp,
        Map<String, String> labels,
        Map<String, String> annotations,
        boolean deleting) {
    public ObjectMeta {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    /** {@code namespace/name}, or just {@code name} for cluster-scoped objects. */
    public String path() {
        return namespace.isEmpty() ? name : namespace + "/" + name;
    }
}
