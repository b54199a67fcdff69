package io.infergate.controller.admin;

import io.infergate.controller.publish.Publisher;
import io.infergate.controller.status.StatusPlan;

import java.util.List;

/**
 * What the admin socket shows, taken as one consistent copy.
 *
 * @param status        the stamped status of every object (what would be written to Kubernetes)
 * @param snapshotId    the current snapshot's content id
 * @param schemaVersion its schema version
 * @param snapshotJson  its wire form
 * @param routers       every router with the id it acknowledged
 * @param ready         true once the sources were read and translated at least once
 */
public record AdminView(StatusPlan status, String snapshotId, int schemaVersion, String snapshotJson,
                        List<Publisher.RouterAck> routers, boolean ready) {
    public AdminView {
        routers = List.copyOf(routers);
    }
}
