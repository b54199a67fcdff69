package io.infergate.controller.publish;

import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.snapshot.SnapshotJson;
import io.infergate.controller.FakeRouter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The publisher against real sockets: a fake router plays the router's snapshot API. */
class PublisherTest {

    private static final String TOKEN = "s3cret-token";
    private static final Publisher.Settings FAST = new Publisher.Settings(
            Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(300));
    private static final Duration WITHIN = Duration.ofSeconds(10);

    private final List<List<Publisher.RouterAck>> ackEvents = new CopyOnWriteArrayList<>();
    private final List<String> outcomes = new CopyOnWriteArrayList<>();
    private FakeRouter a;
    private FakeRouter b;
    private Publisher publisher;

    @BeforeEach
    void start() {
        a = FakeRouter.start(TOKEN);
        b = FakeRouter.start(TOKEN);
        publisher = publisher(List.of(a.url(), b.url()), TOKEN);
    }

    @AfterEach
    void stop() {
        publisher.close();
        a.close();
        b.close();
    }

    private Publisher publisher(List<URI> routers, String token) {
        Publisher p = new Publisher(routers, Optional.of(token), FAST, new Publisher.Events() {
            @Override
            public void acksChanged(List<Publisher.RouterAck> acks) {
                ackEvents.add(acks);
            }

            @Override
            public void pushed(URI router, String outcome) {
                outcomes.add(outcome);
            }
        });
        p.start();
        return p;
    }

    @Test
    void pushesEverySnapshotToEveryRouterWithTheBearerTokenAndRecordsAcks() {
        String id = publish(Snapshot.empty());
        await().atMost(WITHIN).until(() -> id.equals(a.heldId()) && id.equals(b.heldId()));
        assertEquals(
                List.of("Bearer " + TOKEN),
                a.authorizations().stream().distinct().toList());
        await().atMost(WITHIN).until(() -> publisher.inSync() == 2);
        assertEquals(
                List.of(
                        new Publisher.RouterAck(a.url(), Optional.of(id)),
                        new Publisher.RouterAck(b.url(), Optional.of(id))),
                publisher.acks());
        assertTrue(ackEvents.getLast().stream().allMatch(x -> x.ackedId().equals(Optional.of(id))));
    }

    @Test
    void pushesAgainWhenARouterHoldsAnotherIdAndNotWhileItIsInSync() {
        String id = publish(Snapshot.empty());
        await().atMost(WITHIN).until(() -> publisher.inSync() == 2);
        int puts = a.puts();
        // Several check periods pass in sync: only GETs, no PUT.
        await().during(Duration.ofMillis(500)).atMost(WITHIN).until(() -> a.puts() == puts);
        a.hold("sha256:someone-else");
        await().atMost(WITHIN).until(() -> id.equals(a.heldId()));
        assertEquals(puts + 1, a.puts());
    }

    @Test
    void aRestartedRouterGetsTheSnapshotBack() {
        String id = publish(Snapshot.empty());
        await().atMost(WITHIN).until(() -> id.equals(a.heldId()));
        a.crash();
        await().atMost(WITHIN).until(() -> outcomes.contains("failed") || ackEvents.size() > 2);
        a.restart();
        await().atMost(WITHIN).until(() -> id.equals(a.heldId()));
        await().atMost(WITHIN).until(() -> publisher.inSync() == 2);
    }

    @Test
    void aNewSnapshotReplacesTheOldOneEverywhere() {
        publish(Snapshot.empty());
        await().atMost(WITHIN).until(() -> publisher.inSync() == 2);
        Snapshot other = new Snapshot(
                Snapshot.SCHEMA_VERSION,
                List.of(new io.infergate.common.snapshot.Gateway(
                        "gateway/default/gw", "default", "gw", List.of(), List.of())),
                List.of(),
                List.of(),
                List.of());
        String id = publish(other);
        await().atMost(WITHIN).until(() -> id.equals(a.heldId()) && id.equals(b.heldId()));
    }

    @Test
    void aRouterWhosePushesOnlyFailIsTriedButUnansweredUntilItAnswers() {
        // A new leader holds back Gateways it would write Pending while a ready router is
        // unanswered: one that has only failed so far (here: not listening; on a loaded node:
        // timing out) must not count as holding nothing, or Programmed would flip to False.
        b.crash();
        String id = publish(Snapshot.empty());
        await().atMost(WITHIN)
                .until(() -> id.equals(a.heldId())
                        && outcomes.stream().filter("failed"::equals).count() >= 2);
        assertTrue(publisher.settled(), "both were tried");
        assertEquals(Set.of(b.url()), publisher.unanswered(), "b's acknowledgement is unknown, not none");
        b.restart();
        await().atMost(WITHIN).until(() -> id.equals(b.heldId()));
        await().atMost(WITHIN).until(() -> publisher.unanswered().isEmpty());
    }

    @Test
    void aWrongTokenIsRefusedAndNeverAcknowledged() {
        publisher.close();
        publisher = publisher(List.of(a.url()), "wrong-token");
        publish(Snapshot.empty());
        await().atMost(WITHIN).until(() -> outcomes.contains("failed"));
        assertEquals(null, a.heldId());
        assertEquals(List.of(new Publisher.RouterAck(a.url(), Optional.empty())), publisher.acks());
    }

    private String publish(Snapshot s) {
        String id = SnapshotJson.contentId(s);
        publisher.publish(id, SnapshotJson.toJson(s));
        return id;
    }

    @Test
    void routersComeAndGoAndARotatedTokenIsUsedFromTheNextRequest() {
        publisher.close();
        java.util.concurrent.atomic.AtomicReference<Optional<String>> token =
                new java.util.concurrent.atomic.AtomicReference<>(Optional.of(TOKEN));
        publisher = new Publisher(List.of(), token::get, FAST, new Publisher.Events() {
            @Override
            public void acksChanged(List<Publisher.RouterAck> acks) {
                ackEvents.add(acks);
            }

            @Override
            public void pushed(URI router, String outcome) {
                outcomes.add(outcome);
            }
        });
        publisher.start();
        String id = publish(Snapshot.empty());
        assertTrue(publisher.settled(), "no routers: nothing to wait for");
        publisher.setRouters(List.of(a.url()));
        await().atMost(WITHIN).until(() -> id.equals(a.heldId()));
        assertEquals(null, b.heldId());
        publisher.setRouters(List.of(a.url(), b.url()));
        await().atMost(WITHIN).until(() -> id.equals(b.heldId()) && publisher.settled());

        publisher.setRouters(List.of(b.url()));
        assertEquals(
                List.of(b.url()),
                publisher.acks().stream().map(Publisher.RouterAck::url).toList());
        assertEquals(
                List.of(b.url()),
                ackEvents.getLast().stream().map(Publisher.RouterAck::url).toList(),
                "a removed router is reported gone");

        // The routers now expect another token: pushes fail until the publisher reads the new one.
        FakeRouter c = FakeRouter.start("rotated");
        try {
            publisher.setRouters(List.of(c.url()));
            await().atMost(WITHIN).until(() -> outcomes.contains("failed"));
            token.set(Optional.of("rotated"));
            await().atMost(WITHIN).until(() -> id.equals(c.heldId()));
            assertEquals("Bearer rotated", c.authorizations().getLast());
        } finally {
            c.close();
        }
    }
}
