package io.infergate.controller.translate;

import io.infergate.common.snapshot.Snapshot;
import io.infergate.controller.status.StatusPlan;

/**
 * The translator's output.
 *
 * @param snapshot what routers serve
 * @param plan     the status of every object we own a part of, without timestamps
 */
public record Translation(Snapshot snapshot, StatusPlan plan) {
}
