package io.infergate.controller.admin;

import io.infergate.controller.publish.Publisher;
import io.infergate.controller.status.StatusPlan;

import java.util.List;
import java.util.Optional;

/**
 * What the admin socket shows, taken as one consistent copy.
 *
 * @param status        the stamped status of every object (what would be written to Kubernetes)
 * @param snapshotId    the current snapshot's content id
 * @param schemaVersion its schema version
 * @param snapshotJson  its wire form
 * @param routers       every router with the id it acknowledged
 * @param ready         true once the sources were read and translated at least once
 * @param sources       cluster mode: how each kind is read (watching, missing, disabled); empty in local mode
 * @param leader        cluster mode: whether this controller leads (writes status, pushes); empty in local mode
 */
public record AdminView(
        StatusPlan status,
        String snapshotId,
        int schemaVersion,
        String snapshotJson,
        List<Publisher.RouterAck> routers,
        boolean ready,
        List<Source> sources,
        Optional<Boolean> leader) {
    public AdminView {
        routers = List.copyOf(routers);
        sources = List.copyOf(sources);
    }

    /** Local mode: no sources to report, no leadership. */
    public AdminView(
            StatusPlan status,
            String snapshotId,
            int schemaVersion,
            String snapshotJson,
            List<Publisher.RouterAck> routers,
            boolean ready) {
        this(status, snapshotId, schemaVersion, snapshotJson, routers, ready, List.of(), Optional.empty());
    }

    /** The same view with cluster-mode facts added. */
    public AdminView withCluster(List<Source> sources, boolean leader) {
        return new AdminView(
                status, snapshotId, schemaVersion, snapshotJson, routers, ready, sources, Optional.of(leader));
    }

    /**
     * How one kind is read in cluster mode.
     *
     * @param state   {@code watching}, {@code missing} (its CRD is not installed) or {@code disabled} (by a flag)
     * @param message what to do about it
     */
    public record Source(String kind, String apiVersion, String state, String message) {}
}
