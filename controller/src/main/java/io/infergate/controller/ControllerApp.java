package io.infergate.controller;

import io.infergate.controller.admin.AdminServer;
import io.infergate.controller.admin.AdminView;
import io.infergate.controller.admin.ControllerMetrics;
import io.infergate.controller.folder.ManifestFolder;
import io.infergate.controller.publish.Publisher;
import io.infergate.controller.translate.TranslatorConfig;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * A running controller: the manifest folder feeds whole rebuilds to the translator, snapshots go
 * to the publisher, and the admin socket shows status. Programmatic entry for in-process tests
 * ({@code ControllerApp.start(config)}, then {@link #adminPort()} and {@link #close()}); {@link Main}
 * is the command-line entry.
 */
public final class ControllerApp implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ControllerApp.class.getName());

    private final List<AutoCloseable> resources;
    private final AdminServer admin;
    private final Reconciler reconciler;

    private ControllerApp(List<AutoCloseable> resources, AdminServer admin, Reconciler reconciler) {
        this.resources = resources;
        this.admin = admin;
        this.reconciler = reconciler;
    }

    /**
     * Reads the manifests once (so the first snapshot is built and being pushed when this returns),
     * then starts watching, publishing and serving the admin socket.
     *
     * @throws IllegalStateException when the admin socket cannot be bound
     */
    public static ControllerApp start(ControllerConfig config) {
        return start(config, Clock.systemUTC());
    }

    /** As {@link #start(ControllerConfig)}, with the clock that stamps condition transition times. */
    public static ControllerApp start(ControllerConfig config, Clock clock) {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Relay relay = new Relay();
            Publisher publisher = new Publisher(
                    config.routers(),
                    config.token().map(ControllerConfig.Token::value),
                    config.tuning().publisher(),
                    relay);
            ControllerMetrics metrics =
                    new ControllerMetrics(() -> config.routers().size(), publisher::inSync);
            resources.add(metrics);
            Reconciler reconciler = new Reconciler(
                    new TranslatorConfig(config.controllerName(), config.gatewayAddresses()),
                    clock,
                    publisher::publish,
                    publisher::acks,
                    metrics);
            reconciler.routers((int) config.routers().stream().distinct().count());
            relay.reconciler = reconciler;
            relay.metrics = metrics;
            resources.add(publisher);
            ManifestFolder folder = new ManifestFolder(
                    config.manifests(),
                    config.tuning().debounce(),
                    config.tuning().pollPeriod(),
                    reconciler::accept);
            resources.add(folder);
            publisher.start();
            reconciler.accept(folder.load());
            folder.start();
            AdminServer admin = AdminServer.start(config.adminBind(), config.adminPort(), reconciler::view);
            resources.add(admin);
            LOG.info(() -> "controller " + config.controllerName() + " watching " + config.manifests() + ", "
                    + config.routers().size() + " routers, admin on " + config.adminBind() + ":" + admin.port());
            return new ControllerApp(resources, admin, reconciler);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    /** The admin socket's bound port. */
    public int adminPort() {
        return admin.port();
    }

    /** The current view: stamped status, snapshot, router acknowledgements. */
    public AdminView view() {
        return reconciler.view();
    }

    /** Stops watching, publishing and serving. Idempotent. */
    @Override
    public void close() {
        closeAll(resources);
    }

    /** Passes the publisher's events on; set up before the publisher starts, so never seen empty. */
    private static final class Relay implements Publisher.Events {
        private volatile Reconciler reconciler;
        private volatile ControllerMetrics metrics;

        @Override
        public void acksChanged(List<Publisher.RouterAck> acks) {
            reconciler.acksChanged();
        }

        @Override
        public void pushed(URI router, String outcome) {
            metrics.pushed(outcome);
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warning(() -> "closing " + e.getMessage());
            }
        }
        resources.clear();
    }
}
