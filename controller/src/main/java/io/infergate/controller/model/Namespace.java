package io.infergate.controller.model;

/** A Namespace; only its labels matter (allowedRoutes selectors). */
public record Namespace(ObjectMeta meta) implements KubeObject {}
