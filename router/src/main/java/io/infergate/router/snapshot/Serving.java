package io.infergate.router.snapshot;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one reference to the snapshot being served. Requests read it once and keep that value for
 * their whole lifetime; {@link SnapshotStore} replaces it in one atomic write.
 */
public final class Serving {

    private final AtomicReference<CompiledSnapshot> current = new AtomicReference<>();

    /** The snapshot being served, if one was applied. */
    public Optional<CompiledSnapshot> current() {
        return Optional.ofNullable(current.get());
    }

    void set(CompiledSnapshot snapshot) {
        current.set(snapshot);
    }
}
