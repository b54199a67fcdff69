package io.infergate.controller.model;

/**
 * An InferenceObjective ({@code inference.networking.x-k8s.io/v1alpha2}).
 *
 * @param priority {@code spec.priority}; 0 when unset, negative is sheddable
 * @param poolRef  {@code spec.poolRef}, in the objective's namespace
 */
public record InferenceObjective(ObjectMeta meta, int priority, PoolRef poolRef) implements KubeObject {

    /** The pool reference; group defaults to {@code inference.networking.k8s.io}, kind to InferencePool. */
    public record PoolRef(String group, String kind, String name) {}
}
