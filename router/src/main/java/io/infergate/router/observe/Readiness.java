package io.infergate.router.observe;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Readiness ({@code /observe/health/ready}): DOWN until the first snapshot is applied and its
 * sockets were opened, UP after. A socket that failed to bind does not make the router unready
 * (the other listeners serve), but it is listed in the details.
 */
public final class Readiness implements HealthCheck {

    /** What readiness reports about the serving state. */
    public record State(Optional<String> snapshotId, Set<String> openSockets, Set<String> failedSockets) {}

    private final Supplier<State> state;

    /** @param state read on each probe */
    public Readiness(Supplier<State> state) {
        this.state = state;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return "snapshot";
    }

    @Override
    public HealthCheckResponse call() {
        State s = state.get();
        HealthCheckResponse.Builder b =
                HealthCheckResponse.builder().status(s.snapshotId().isPresent());
        b.detail("snapshot", s.snapshotId().orElse("none"));
        b.detail("sockets", String.join(",", s.openSockets()));
        if (!s.failedSockets().isEmpty()) {
            b.detail("failedSockets", String.join(",", s.failedSockets()));
        }
        return b.build();
    }
}
