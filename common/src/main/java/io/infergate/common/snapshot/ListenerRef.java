package io.infergate.common.snapshot;

/**
 * A route's attachment to one listener: the controller has already applied parentRef
 * sectionName/port, allowedRoutes and hostname intersection, so the router only follows it.
 *
 * @param gateway  the Gateway id ({@code gateway/<ns>/<name>})
 * @param listener the listener name within that Gateway
 */
public record ListenerRef(String gateway, String listener) {}
