/**
 * The snapshot: the one contract between the controller and the routers, as immutable records,
 * with its JSON codec ({@link io.infergate.common.snapshot.SnapshotJson}) and validation
 * ({@link io.infergate.common.snapshot.SnapshotValidator}).
 */
package io.infergate.common.snapshot;
