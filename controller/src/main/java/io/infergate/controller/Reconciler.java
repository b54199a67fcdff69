package io.infergate.controller;

import io.infergate.common.snapshot.Gateway;
import io.infergate.common.snapshot.Snapshot;
import io.infergate.common.snapshot.SnapshotJson;
import io.infergate.common.snapshot.SnapshotValidator;
import io.infergate.common.snapshot.Violation;
import io.infergate.controller.admin.AdminView;
import io.infergate.controller.admin.ControllerMetrics;
import io.infergate.controller.model.ClusterState;
import io.infergate.controller.publish.Publisher;
import io.infergate.controller.status.Programmed;
import io.infergate.controller.status.Stamper;
import io.infergate.controller.status.StatusPlan;
import io.infergate.controller.translate.Translation;
import io.infergate.controller.translate.Translator;
import io.infergate.controller.translate.TranslatorConfig;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Holds the controller's current view and keeps it consistent: each ClusterState is translated
 * whole, its snapshot handed to the publisher, and the status re-stamped whenever the plan or the
 * routers' acknowledgements change.
 *
 * <p>Rule: the Gateways programmed are those contained in any snapshot some router currently
 * holds (ids of recent snapshots are remembered for this), so a Gateway stays programmed while
 * routers move from one snapshot to the next. Locks guard memory only; publishing just hands over
 * the snapshot (the publisher's loops do the I/O).
 *
 * <p>The snapshot is stamped with how many routers it is pushed to ({@link #routers(int)}), here
 * rather than in the translator (which sees only objects) or the publisher (which ships finished
 * JSON): the stamped content id is the one routers acknowledge, so it must be the id remembered
 * for Programmed. A different count is a different snapshot, so a change is pushed again.
 */
final class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());
    private static final int REMEMBERED_SNAPSHOTS = 64;

    private final TranslatorConfig defaultConfig;
    private final Clock clock;
    private final Runnable restamped;
    private final BiConsumer<String, String> publish;
    private final ControllerMetrics metrics;
    private final Supplier<List<Publisher.RouterAck>> currentAcks;
    private final Map<String, Set<String>> gatewaysBySnapshot = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
            return size() > REMEMBERED_SNAPSHOTS;
        }
    };
    private final java.util.concurrent.atomic.AtomicLong rebuilds = new java.util.concurrent.atomic.AtomicLong();
    private StatusPlan plan = StatusPlan.empty();
    private StatusPlan stamped = StatusPlan.empty();
    private List<Publisher.RouterAck> acks = List.of();
    private Snapshot snapshot = Snapshot.empty();
    private String snapshotId = SnapshotJson.contentId(Snapshot.empty());
    private String snapshotJson = SnapshotJson.toJson(Snapshot.empty());
    private boolean built;
    private String publishedId;
    private int routers = 1;

    /**
     * @param publish receives {@code (id, json)} of every new snapshot
     * @param acks    the routers' current acknowledgements
     */
    Reconciler(
            TranslatorConfig config,
            Clock clock,
            BiConsumer<String, String> publish,
            Supplier<List<Publisher.RouterAck>> acks,
            ControllerMetrics metrics) {
        this(config, clock, publish, acks, metrics, () -> {});
    }

    /**
     * @param restamped told (after the lock is released) whenever the stamped status was
     *                  recomputed, even when it came out the same; it must not block
     */
    Reconciler(
            TranslatorConfig config,
            Clock clock,
            BiConsumer<String, String> publish,
            Supplier<List<Publisher.RouterAck>> acks,
            ControllerMetrics metrics,
            Runnable restamped) {
        this.defaultConfig = config;
        this.restamped = restamped;
        this.clock = clock;
        this.publish = publish;
        this.currentAcks = acks;
        this.metrics = metrics;
    }

    /**
     * How many routers share the traffic (the snapshot's {@code routers}); values below 1 count
     * as 1. Takes effect from the next {@link #accept}.
     */
    synchronized void routers(int count) {
        routers = Math.max(1, count);
    }

    /** Translates a new state; publishes its snapshot when it differs from the last one published. */
    void accept(ClusterState state) {
        accept(state, defaultConfig);
    }

    /**
     * As {@link #accept(ClusterState)}, with this rebuild's configuration (e.g. Gateway addresses
     * that changed); returns the translation (cluster mode applies its Gateway Services).
     */
    Translation accept(ClusterState state, TranslatorConfig config) {
        Translation t = Translator.translate(state, config);
        metrics.rebuilt();
        rebuilds.incrementAndGet();
        Snapshot forRouters;
        synchronized (this) {
            forRouters = t.snapshot().withRouters(routers);
        }
        List<Violation> violations = SnapshotValidator.validate(forRouters);
        String id;
        String json;
        boolean changed;
        synchronized (this) {
            plan = t.plan();
            built = true;
            if (!violations.isEmpty()) {
                // A translator bug, not a user error: never ship what a router would refuse.
                LOG.severe(() -> "the translated snapshot is invalid, keeping " + snapshotId + ": " + violations);
                restamp();
                changed = false;
                id = null;
                json = null;
            } else {
                id = SnapshotJson.contentId(forRouters);
                json = SnapshotJson.toJson(forRouters);
                changed = !id.equals(publishedId);
                publishedId = id;
                snapshot = forRouters;
                snapshotId = id;
                snapshotJson = json;
                gatewaysBySnapshot.put(
                        id, forRouters.gateways().stream().map(Gateway::id).collect(Collectors.toSet()));
                restamp();
            }
        }
        restamped.run();
        if (changed) {
            LOG.info(() -> "built snapshot " + id + ": " + forRouters.gateways().size() + " gateways, "
                    + forRouters.routes().size() + " routes, "
                    + forRouters.backends().size() + " backends");
            publish.accept(id, json);
        }
        return t;
    }

    /**
     * The routers' acknowledgements changed: Programmed may change. The acks are read here, under
     * the lock, rather than passed in: notifications from two routers' threads may arrive out of
     * order, and the last one to get the lock must see both changes.
     */
    void acksChanged() {
        synchronized (this) {
            acks = List.copyOf(currentAcks.get());
            restamp();
        }
        restamped.run();
    }

    /** Translations so far. */
    long rebuilds() {
        return rebuilds.get();
    }

    synchronized AdminView view() {
        return new AdminView(stamped, snapshotId, snapshot.schemaVersion(), snapshotJson, acks, built);
    }

    private void restamp() {
        Set<String> served = new HashSet<>();
        for (Publisher.RouterAck ack : acks) {
            ack.ackedId().map(gatewaysBySnapshot::get).ifPresent(served::addAll);
        }
        StatusPlan adjusted = Programmed.apply(plan, served);
        stamped = Stamper.stamp(adjusted, stamped, clock.instant().truncatedTo(ChronoUnit.SECONDS));
    }
}
