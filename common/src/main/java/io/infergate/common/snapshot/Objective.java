package io.infergate.common.snapshot;

/**
 * An InferenceObjective: a named priority for requests to one pool. Requests name it with the
 * {@code x-gateway-inference-objective} header; absent or unknown means priority 0.
 *
 * @param id       {@code inferenceobjective/<ns>/<name>}
 * @param name     the object's name (what the header carries)
 * @param pool     the id of the InferencePool it applies to
 * @param priority higher is more important; negative is sheddable under saturation
 */
public record Objective(String id, String namespace, String name, String pool, int priority) {}
