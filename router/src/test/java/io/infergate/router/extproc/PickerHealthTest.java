package io.infergate.router.extproc;

import io.infergate.router.testing.TestPicker;
import io.infergate.router.testing.TestPicker.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gRPC health of pickers against real sockets: NOT_SERVING and a refused connection make a picker
 * unhealthy, a health service that stops answering only after three checks in a row time out,
 * and a picker that reports SERVING again is healthy again.
 */
class PickerHealthTest {

    private static final PickerSettings FAST = new PickerSettings(
                    Duration.ofSeconds(5), PickerSettings.Tls.PLAINTEXT, 62_000)
            .withHealth(Duration.ofMillis(500), PickerSettings.EPP_HEALTH_PORT);

    private TestPicker picker;
    private PickerChannels channels;
    private PickerHealth health;

    @AfterEach
    void stop() {
        if (health != null) {
            health.close();
        }
        if (channels != null) {
            channels.close();
        }
        if (picker != null) {
            picker.close();
        }
    }

    private void watch(int port) {
        channels = new PickerChannels(FAST);
        health = new PickerHealth(FAST, channels);
        assertEquals(Optional.empty(), health.unhealthy("127.0.0.1", port), "not checked yet: asked per request");
    }

    @Test
    void notServingIsUnhealthyAndServingAgainIsHealthy() {
        picker = new TestPicker(seen -> new Reply.Silent());
        watch(picker.port());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> health.state("127.0.0.1", picker.port()) == PickerHealth.State.SERVING);
        picker.health(GrpcHealth.NOT_SERVING);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> health.unhealthy("127.0.0.1", picker.port()).isPresent());
        assertTrue(health.unhealthy("127.0.0.1", picker.port()).orElseThrow().contains("NOT_SERVING"));
        picker.health(GrpcHealth.SERVING);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> health.unhealthy("127.0.0.1", picker.port()).isEmpty());
    }

    @Test
    void aRefusedConnectionIsUnreachable() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        watch(closed);
        int port = closed;
        await().atMost(Duration.ofSeconds(5))
                .until(() -> health.unhealthy("127.0.0.1", port).isPresent());
        assertEquals(PickerHealth.State.UNREACHABLE, health.state("127.0.0.1", port));
    }

    /**
     * Checks and requests overlap: evidence counts in the order it started, so a late failure from
     * before the picker came up never overrides newer evidence that it answers (a flake of
     * RealEppIT: a request failed closed right after the picker had routed one).
     */
    @Test
    void olderEvidenceNeverOverridesNewer() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        PickerSettings slow = FAST.withHealth(Duration.ofHours(1), PickerSettings.EPP_HEALTH_PORT);
        channels = new PickerChannels(slow);
        health = new PickerHealth(slow, channels);
        int port = closed;
        assertEquals(Optional.empty(), health.unhealthy("127.0.0.1", port));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> health.state("127.0.0.1", port) == PickerHealth.State.UNREACHABLE);
        long older = health.ticket();
        long newer = health.ticket();
        health.reachable("127.0.0.1", port, newer);
        assertEquals(PickerHealth.State.SERVING, health.state("127.0.0.1", port), "a routed request lifts the mark");
        health.unreachable("127.0.0.1", port, "refused", older);
        assertEquals(
                PickerHealth.State.SERVING,
                health.state("127.0.0.1", port),
                "a failure that started before the success is old news");
        health.unreachable("127.0.0.1", port, "refused", health.ticket());
        assertEquals(PickerHealth.State.UNREACHABLE, health.state("127.0.0.1", port));
    }

    @Test
    void aSilentHealthServiceIsUnreachableOnlyAfterThreeTimeoutsInARow() {
        picker = new TestPicker(seen -> new Reply.Silent());
        picker.health(TestPicker.NEVER_ANSWERS);
        watch(picker.port());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> health.unhealthy("127.0.0.1", picker.port()).isPresent());
        assertTrue(
                health.unhealthy("127.0.0.1", picker.port())
                        .orElseThrow()
                        .contains(PickerHealth.TIMEOUTS_TO_UNREACHABLE + " health checks in a row timed out"),
                health.unhealthy("127.0.0.1", picker.port()).orElseThrow());
    }
}
