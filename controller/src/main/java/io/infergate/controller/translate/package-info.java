/**
 * The pure translator: {@link io.infergate.controller.model.ClusterState} in, a snapshot for the
 * routers and a status plan out, with no clock and no I/O, deterministic for the same input.
 */
package io.infergate.controller.translate;
