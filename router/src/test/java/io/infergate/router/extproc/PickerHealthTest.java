package io.infergate.router.extproc;

import io.infergate.router.testing.TestPicker;
import io.infergate.router.testing.TestPicker.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gRPC health of pickers against real sockets: NOT_SERVING and a refused connection make a picker
 * unhealthy, a health service that stops answering only after three checks in a row time out,
 * a picker that reports SERVING again is healthy again, and a connection gone silent (a picker Pod
 * removed without a reset) is replaced.
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

    /**
     * A picker Pod that goes away leaves its connection silent (its network namespace is gone, so
     * no reset comes back), and a new picker is soon behind the same Service address: the checks
     * must find it on a new connection instead of timing out on the dead one until TCP gives up.
     * (Found on the test cluster: EppUnAvailableFailOpen waited over a minute for the picker.)
     */
    @Test
    void aConnectionGoneSilentIsReplacedByANewOne() throws Exception {
        picker = new TestPicker(seen -> new Reply.Silent());
        try (Forwarder pod = new Forwarder(picker.port())) {
            watch(pod.port());
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> health.state("127.0.0.1", pod.port()) == PickerHealth.State.SERVING);
            pod.silenceOpenConnections();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> health.unhealthy("127.0.0.1", pod.port()).isPresent());
            await("SERVING again, over a new connection")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> health.state("127.0.0.1", pod.port()) == PickerHealth.State.SERVING);
            assertTrue(pod.accepted() >= 2, "connections accepted: " + pod.accepted());
        }
    }

    /**
     * A TCP forwarder to a port whose open connections can be silenced: from then on what they
     * carry is dropped both ways and nothing is closed; new connections are forwarded as before.
     */
    private static final class Forwarder implements AutoCloseable {
        private final ServerSocket server;
        private final int target;
        private final AtomicInteger accepted = new AtomicInteger();
        private final List<AtomicBoolean> silenced = new CopyOnWriteArrayList<>();
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        Forwarder(int target) throws IOException {
            this.target = target;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        void silenceOpenConnections() {
            silenced.forEach(s -> s.set(true));
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket in = server.accept();
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                    accepted.incrementAndGet();
                    sockets.add(in);
                    sockets.add(out);
                    AtomicBoolean silent = new AtomicBoolean();
                    silenced.add(silent);
                    Thread.ofVirtual().start(() -> pump(in, out, silent));
                    Thread.ofVirtual().start(() -> pump(out, in, silent));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private static void pump(Socket from, Socket to, AtomicBoolean silent) {
            byte[] buf = new byte[8192];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buf)) >= 0; ) {
                    if (!silent.get()) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // a side closed: the test is over
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
