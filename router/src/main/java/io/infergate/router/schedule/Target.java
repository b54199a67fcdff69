package io.infergate.router.schedule;

import io.infergate.common.snapshot.Endpoint;

/**
 * An endpoint of a backend as the scheduler sees it: the snapshot's description plus live state.
 *
 * @param endpoint the endpoint from the snapshot (address, port, pod, labels)
 * @param state    its live state in this router
 */
public record Target(Endpoint endpoint, EndpointState state) {
}
