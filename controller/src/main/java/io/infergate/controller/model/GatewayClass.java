package io.infergate.controller.model;

/**
 * A GatewayClass ({@code gateway.networking.k8s.io}).
 *
 * @param controllerName {@code spec.controllerName}; the class is ours when it equals the configured name
 */
public record GatewayClass(ObjectMeta meta, String controllerName) implements KubeObject {}
