package io.infergate.router.extproc;

import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.infergate.common.snapshot.Backend;
import io.infergate.router.observe.RouterMetrics;
import io.infergate.router.testing.TestPicker;
import io.infergate.router.testing.TestPicker.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A picker's channel lives as long as some served pool names it: when a snapshot no longer has the
 * pool (deleted, or pointing at another picker), its health checks stop and its channel is shut
 * down, so a deleted pool's picker Service is not resolved and reconnected to for as long as the
 * router runs ("Failed to resolve name" in the logs). Real gRPC servers on loopback.
 */
class PickerRetirementTest {

    private static final PickerSettings FAST = new PickerSettings(
                    Duration.ofSeconds(5), PickerSettings.Tls.PLAINTEXT, 62_000)
            .withHealth(Duration.ofMillis(200), PickerSettings.EPP_HEALTH_PORT);

    private TestPicker kept;
    private TestPicker dropped;
    private ExternalPickers pickers;

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {pickers, kept, dropped}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static Backend pool(String name, String host, int port) {
        return new Backend.InferencePool(
                Backend.InferencePool.idOf("default", name),
                "default",
                name,
                Backend.AppProtocol.HTTP,
                List.of(),
                Optional.of(new Backend.EndpointPicker(host, port, false)));
    }

    @Test
    void aPickerNoPoolNamesAnyMoreIsNoLongerCheckedAndItsChannelIsShutDown() {
        kept = new TestPicker(seen -> new Reply.Silent());
        dropped = new TestPicker(seen -> new Reply.Silent());
        pickers = new ExternalPickers(FAST, new RouterMetrics(Services.get(MeterRegistry.class)));
        String keptKey = "127.0.0.1:" + kept.port();
        String droppedKey = "127.0.0.1:" + dropped.port();

        pickers.prepare(List.of(pool("a", "127.0.0.1", kept.port()), pool("b", "127.0.0.1", dropped.port())));
        await().atMost(Duration.ofSeconds(10)).until(() -> kept.healthChecks() > 0 && dropped.healthChecks() > 0);
        assertTrue(pickers.openChannels().containsAll(Set.of(keptKey, droppedKey)), pickers.openChannels()::toString);

        pickers.prepare(List.of(pool("a", "127.0.0.1", kept.port())));
        await("the dropped picker's channel is shut down")
                .atMost(Duration.ofSeconds(10))
                .until(() -> !pickers.openChannels().contains(droppedKey));
        assertTrue(pickers.openChannels().contains(keptKey), "the picker still named keeps its channel");
        int droppedChecks = dropped.healthChecks();
        int keptChecks = kept.healthChecks();
        await("the kept picker is still checked, the dropped one no more")
                .atMost(Duration.ofSeconds(10))
                .until(() -> kept.healthChecks() >= keptChecks + 3);
        assertEquals(droppedChecks, dropped.healthChecks(), "no check of a picker no pool names");

        // named again (a pool pointed back at it): checked again, on a new channel
        pickers.prepare(List.of(pool("a", "127.0.0.1", kept.port()), pool("b", "127.0.0.1", dropped.port())));
        await().atMost(Duration.ofSeconds(10)).until(() -> dropped.healthChecks() > droppedChecks);
        assertTrue(pickers.openChannels().contains(droppedKey));
    }

    @Test
    void aDeletedPoolsUnresolvablePickerNameIsLetGo() {
        pickers = new ExternalPickers(FAST, new RouterMetrics(Services.get(MeterRegistry.class)));
        String gone = "infergate-picker.deleted-namespace.svc.invalid";
        pickers.prepare(List.of(pool("gone", gone, 9002)));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> pickers.openChannels().contains(gone + ":9002"));
        pickers.prepare(List.of());
        await("no channel left that resolves the deleted pool's Service")
                .atMost(Duration.ofSeconds(10))
                .until(() -> pickers.openChannels().isEmpty());
    }
}
