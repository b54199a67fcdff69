package io.infergate.router.snapshot;

import io.infergate.common.snapshot.Snapshot;
import io.infergate.router.match.RouteTable;
import io.infergate.router.schedule.BackendTarget;

import java.util.Map;
import java.util.Optional;

/**
 * A snapshot in the form requests use: immutable, swapped in as one reference so that a request
 * sees either the whole old snapshot or the whole new one.
 *
 * @param id       the content id
 * @param snapshot the decoded snapshot
 * @param routes   the compiled route table
 * @param backends compiled backends by id
 */
public record CompiledSnapshot(String id, Snapshot snapshot, RouteTable routes, Map<String, BackendTarget> backends) {
    public CompiledSnapshot {
        backends = Map.copyOf(backends);
    }

    /** The backend with this id, if the snapshot has it. */
    public Optional<BackendTarget> backend(String id) {
        return Optional.ofNullable(backends.get(id));
    }
}
