package io.infergate.controller;

import io.infergate.common.snapshot.SnapshotDecoder;
import io.infergate.controller.admin.ControllerMetrics;
import io.infergate.controller.model.ClusterState;
import io.infergate.controller.translate.TranslatorConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The snapshot carries how many routers it is pushed to; a new count is a new snapshot, pushed again. */
class ReconcilerRoutersTest {

    private final List<String[]> published = new ArrayList<>();
    private final ControllerMetrics metrics = new ControllerMetrics(() -> 0, () -> 0);
    private final Reconciler reconciler = new Reconciler(
            new TranslatorConfig(TranslatorConfig.DEFAULT_CONTROLLER_NAME, List.of()),
            Clock.systemUTC(),
            (id, json) -> published.add(new String[] {id, json}),
            List::of,
            metrics);

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void countIsStampedAndAChangeIsPublishedAgain() {
        ClusterState state = ClusterState.of(List.of());
        reconciler.accept(state);
        assertEquals(1, published.size());
        assertEquals(1, routers(published.getLast()[1])); // one router: field omitted, decodes as 1

        reconciler.accept(state);
        assertEquals(1, published.size(), "same state, same count: nothing new to push");

        reconciler.routers(3);
        reconciler.accept(state);
        assertEquals(2, published.size(), "a new router count is a new snapshot");
        assertEquals(3, routers(published.getLast()[1]));
        assertNotEquals(published.get(0)[0], published.get(1)[0]);
        assertEquals(published.getLast()[0], reconciler.view().snapshotId(), "the id routers ack is the stamped one");

        reconciler.routers(0); // no router discovered (yet): counts as one
        reconciler.accept(state);
        assertEquals(3, published.size());
        assertEquals(published.get(0)[0], published.getLast()[0], "back to the one-router snapshot and its id");
    }

    private static int routers(String json) {
        return assertInstanceOf(SnapshotDecoder.Result.Ok.class, SnapshotDecoder.decode(json))
                .snapshot()
                .routers();
    }
}
